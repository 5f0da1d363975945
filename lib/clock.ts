import type { Clock } from './core/clock.ts';

/**
 * The real clock. Only the edges (the API, the handlers) use it; everything below takes a `Clock`.
 *
 * @example
 * ```ts
 * new Scheduler({ tableName, queueUrl, clock: systemClock });
 * ```
 */
export const systemClock: Clock = { nowMs: () => Date.now() };
