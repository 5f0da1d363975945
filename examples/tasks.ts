/**
 * Example tasks, bundled into the consumer by default (`npm start`, `npx cdk deploy`). Each prints when it runs and
 * how late it started compared with its due time, so you can watch sundial fire on its second.
 */
import { defineTask } from '../lib/index.ts';

/** Sends a (pretend) email. */
export const sendEmail = defineTask('send-email', async (payload: { to: string; subject: string }, ctx) => {
  ctx.logger.info('email sent', { to: payload.to, subject: payload.subject });
  return { delivered: true };
}, { maxAttempts: 5, storeResult: true });

/** Prints a line: the `npm start` demo schedules it in 5 s, in 90 s and every minute. */
export const announce = defineTask('announce', async (payload: { label: string }, ctx) => {
  const latenessMs = Date.now() - ctx.dueAt.getTime();
  const line = `[sundial] ${payload.label} ran at ${new Date().toISOString()} (due ${ctx.dueAt.toISOString()}, ${latenessMs} ms late, attempt ${ctx.attempt})`;
  // One plain line on stdout so `npm start` shows it whatever the logger's level.
  console.log(line);
  return { latenessMs };
}, { storeResult: true });

/** Fails on its first two attempts, then succeeds: shows retries with backoff. */
export const flaky = defineTask('flaky', async (_payload: Record<string, never>, ctx) => {
  if (ctx.attempt < 3) throw new Error(`flaky failure on attempt ${ctx.attempt}`);
  return { succeededOnAttempt: ctx.attempt };
}, { maxAttempts: 5, backoff: [1, 2] });
