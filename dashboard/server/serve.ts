/**
 * The CLI's way to run the dashboard (`sundial dev`, `sundial dashboard`): start it, print its URL, stop on Ctrl-C.
 */
import type { Scheduler } from '../../lib/scheduler.ts';
import { startDashboard } from './http-server.ts';

/**
 * Serves the dashboard until `until` aborts (the CLI passes its Ctrl-C signal).
 *
 * @example
 * ```ts
 * await serveDashboardUntil(Scheduler.fromEnv(), { readOnly: true }, console.log, AbortSignal.timeout(60_000));
 * ```
 */
export async function serveDashboardUntil(
  scheduler: Scheduler,
  options: { port?: number | undefined; readOnly?: boolean; env?: Record<string, string | undefined> },
  out: (line: string) => void,
  until: AbortSignal,
): Promise<void> {
  const dashboard = await startDashboard({
    scheduler,
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.readOnly ? { readOnly: true } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  out(`sundial dashboard: ${dashboard.url}${options.readOnly ? ' (read-only)' : ''}  (Ctrl-C stops it)`);
  try {
    if (!until.aborted) await new Promise((done) => until.addEventListener('abort', done, { once: true }));
  } finally {
    await dashboard.stop();
  }
}
