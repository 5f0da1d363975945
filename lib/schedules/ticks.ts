/**
 * How long a schedule's tick is kept, and what follows from it. A tick is read once, by the first sweep whose window
 * reaches it, and is not deleted then (a delete is a write unit, a TTL deletion is free), so it expires instead. A
 * sweeper stopped for longer than that may find ticks gone; `ticksMayHaveExpired` tells the sweep to find the due
 * schedules from the schedules themselves instead (`tick-sweep.ts`).
 */

const DAY_MS = 86_400_000;

/** Days a tick is kept after its time. */
export const TICK_RETENTION_DAYS = 30;

/**
 * The TTL of a tick due at `atMs`: `TICK_RETENTION_DAYS` after it.
 *
 * @example
 * ```ts
 * tickExpiry(Date.parse('2026-11-23T09:00:00Z')); // 1798016400 (2026-12-23T09:00:00Z)
 * ```
 */
export function tickExpiry(atMs: number): number {
  return Math.ceil((atMs + TICK_RETENTION_DAYS * DAY_MS) / 1000);
}

/**
 * Whether ticks a shard has yet to read (due at or after `tickCursorMs`) may already have expired at `nowMs`: DynamoDB
 * deletes an expired item some time after its TTL, never before, so a day of margin is left.
 *
 * @example
 * ```ts
 * ticksMayHaveExpired(nowMs - 60_000, nowMs); // false
 * ticksMayHaveExpired(nowMs - 40 * 86_400_000, nowMs); // true: the sweeper was stopped for 40 days
 * ```
 */
export function ticksMayHaveExpired(tickCursorMs: number, nowMs: number): boolean {
  return tickCursorMs < nowMs - (TICK_RETENTION_DAYS - 1) * DAY_MS;
}
