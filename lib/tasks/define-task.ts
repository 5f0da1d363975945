/**
 * `defineTask`: declares a task once — its name, handler and defaults — and gives callers a typed handle to enqueue it.
 */
import { assertValid, nameProblems } from '../core/validation.ts';
import type { Job, Schedule } from '../model.ts';
import { jobOptionProblems, SUNDIAL_DEFAULTS, withDefaults, type EnqueueOptions, type JobOptions, type ScheduleOptions } from '../options.ts';
import { defaultScheduler, type Scheduler } from '../scheduler.ts';
import { registerTask, type TaskDefinition, type TaskHandler } from './registry.ts';

/** Per-call choice of scheduler; the default one (`Scheduler.fromEnv()`) otherwise. */
export interface WithScheduler {
  readonly scheduler?: Scheduler;
}

/** A defined task: its definition plus typed `enqueue` / `schedule`. */
export interface Task<P, R> extends TaskDefinition<P, R> {
  /**
   * Enqueues this task with a payload of the right type.
   *
   * @example
   * ```ts
   * await sendEmail.enqueue({ to: 'ada@example.com' }, { in: '10m' });
   * ```
   */
  enqueue(payload: P, options?: EnqueueOptions & WithScheduler): Promise<Job<P, R>>;
  /**
   * Creates or replaces a recurring schedule of this task.
   *
   * @example
   * ```ts
   * await rebuildReport.schedule('monday-report', {}, { cron: '0 9 * * MON', timezone: 'America/New_York' });
   * ```
   */
  schedule(id: string, payload: P, options: ScheduleOptions & WithScheduler): Promise<Schedule<P>>;
}

/**
 * Defines a task and registers it, so a consumer that imports this module can run it and callers that import it get
 * its defaults and a typed payload. Options given here are the defaults of every job of the task; an `enqueue` call's
 * own options win.
 *
 * @example
 * ```ts
 * export const sendEmail = defineTask('send-email', async (payload: { to: string }, ctx) => {
 *   ctx.logger.info('sending', { to: payload.to, attempt: ctx.attempt });
 *   await mailer.send(payload.to, { signal: ctx.signal });
 * }, { maxAttempts: 5, backoff: { type: 'exponential', baseSeconds: 2 }, timeout: '30s' });
 *
 * await sendEmail.enqueue({ to: 'ada@example.com' }, { in: '10m' });
 * ```
 */
export function defineTask<P = unknown, R = unknown>(
  name: string,
  handler: TaskHandler<P, R>,
  options: JobOptions = {},
): Task<P, R> {
  const problems = [...nameProblems(name, 'name'), ...jobOptionProblems(options)];
  if (typeof handler !== 'function') problems.push(`\`handler\` of task "${String(name)}" must be a function (payload, context) => result`);
  assertValid(problems);
  const task: Task<P, R> = {
    name,
    handler,
    options: withDefaults(options, SUNDIAL_DEFAULTS),
    enqueue: (payload, { scheduler, ...rest } = {}) => pick(scheduler).enqueue(name, payload, rest) as Promise<Job<P, R>>,
    schedule: (id, payload, { scheduler, ...rest }) => pick(scheduler).schedule(id, name, payload, rest),
  };
  registerTask(task);
  return task;
}

function pick(scheduler: Scheduler | undefined): Scheduler {
  return scheduler ?? defaultScheduler();
}
