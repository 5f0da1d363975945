/**
 * Running one attempt of a task under a timeout.
 */
import { TaskTimeoutError } from '../core/errors.ts';
import type { Sleep } from './deps.ts';

export type TaskRun =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown; readonly timedOut: boolean };

const TIMED_OUT = Symbol('timed out');

/**
 * Runs `work` with an `AbortSignal` that aborts (with a `TaskTimeoutError` as its reason) after `timeoutMs`. When
 * the timeout wins, the attempt ends at once as failed: JavaScript cannot stop a function, so a task that ignores its
 * signal keeps running in the background, but its result is no longer recorded.
 */
export async function runWithTimeout(
  work: (signal: AbortSignal) => unknown,
  options: { readonly task: string; readonly timeoutMs: number; readonly sleep: Sleep },
): Promise<TaskRun> {
  const taskSignal = new AbortController();
  const timerDone = new AbortController();
  const timeoutError = new TaskTimeoutError(options.task, Math.round(options.timeoutMs / 100) / 10);
  const timer = options.sleep(options.timeoutMs, timerDone.signal).then(() => {
    // The timer also resolves when it is released after the task won; only a real expiry aborts the task.
    if (timerDone.signal.aborted) return undefined;
    taskSignal.abort(timeoutError);
    return TIMED_OUT;
  });
  const attempt = Promise.resolve()
    .then(() => work(taskSignal.signal))
    .then(
      (value): TaskRun => ({ ok: true, value }),
      (error: unknown): TaskRun => ({ ok: false, error, timedOut: false }),
    );
  const first = await Promise.race([attempt, timer]);
  timerDone.abort();
  if (first === TIMED_OUT || taskSignal.signal.aborted) return { ok: false, error: timeoutError, timedOut: true };
  // `timer` resolved with undefined only after `timerDone` aborted, which happens after the race: `first` is the task's.
  return first as TaskRun;
}
