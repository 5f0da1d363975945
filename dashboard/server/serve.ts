/**
 * The CLI's way to run the dashboard (`sundial dev`, `sundial dashboard`): start it, print its URL, stop on Ctrl-C.
 */
import type { Scheduler } from '../../lib/scheduler.ts';
import { startDashboard } from './http-server.ts';

/**
 * Serves the dashboard until SIGINT/SIGTERM.
 *
 * @example
 * ```ts
 * await serveDashboardUntilSignal(Scheduler.fromEnv(), { readOnly: true }, console.log);
 * ```
 */
export async function serveDashboardUntilSignal(
  scheduler: Scheduler,
  options: { port?: number | undefined; readOnly?: boolean; env?: Record<string, string | undefined> },
  out: (line: string) => void,
): Promise<void> {
  const dashboard = await startDashboard({
    scheduler,
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.readOnly ? { readOnly: true } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  out(`sundial dashboard: ${dashboard.url}${options.readOnly ? ' (read-only)' : ''}  (Ctrl-C stops it)`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await dashboard.stop();
}
