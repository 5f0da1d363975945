/**
 * When in the second the sweeper starts its sends. SQS delays are whole seconds, so how early or late a message
 * becomes visible depends on the millisecond of the second it was sent in — and much of what a sweep sends is due on
 * whole seconds (cron slots, `startAt: '…T09:00:00Z'`, jobs booked "at 09:00"). A sweep triggered on the minute starts
 * a few tens of milliseconds into its second, which is the worst moment for both precisions:
 *
 * - `'millisecond'` rounds delays down and the consumer waits out the rest, billed: a whole-second job sent 50 ms into a
 *   second is visible 950 ms early, and its consumer waits (and bills) those 950 ms. Sent at 750 ms it is visible
 *   ~250 ms early: still enough for the poller and a warm start, and 700 ms less billed waiting per invocation.
 * - `'second'` rounds delays up and nobody waits: a whole-second job is visible as late as its send's millisecond.
 *   Sent just after the second turns, it is late by the sweep's own few milliseconds instead.
 *
 * Jobs due at other moments of the second are as early (or late) as before on average: the phase only moves *which*
 * due times are served best, to the ones people schedule.
 */
import type { Precision } from '../queue/types.ts';

/** Where a sweep's sends may start, in milliseconds of the second: `[start, start + width)`. */
export const SEND_PHASE: Readonly<Record<Precision, { readonly startMs: number; readonly widthMs: number }>> = {
  millisecond: { startMs: 750, widthMs: 100 },
  second: { startMs: 0, widthMs: 100 },
};

/**
 * Milliseconds to wait from `nowMs` until the send phase of `precision` (0 inside it; less than a second always).
 *
 * @example
 * ```ts
 * msUntilSendPhase(Date.parse('2026-12-03T09:00:00.050Z'), 'millisecond'); // 700
 * ```
 */
export function msUntilSendPhase(nowMs: number, precision: Precision): number {
  const { startMs, widthMs } = SEND_PHASE[precision];
  const intoPhase = (((nowMs - startMs) % 1000) + 1000) % 1000;
  return intoPhase < widthMs ? 0 : 1000 - intoPhase;
}
