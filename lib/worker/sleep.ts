import type { Sleep } from './deps.ts';

/**
 * The real `Sleep`: a timer, cleared when `signal` aborts (so a finished task does not keep its timeout timer, and the
 * Lambda event loop, alive).
 */
export const timerSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
