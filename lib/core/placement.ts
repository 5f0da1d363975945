/**
 * Where a job waits until its message is sent: the one decision every writer makes (enqueue, `enqueueMany`,
 * `transact`, a retry, a schedule's occurrence), made here so the rule reads the same everywhere
 * (docs/architecture.md, "Where a job waits").
 */

/** Where a job sits in the `due` index. */
export type Placement =
  /** not indexed: its message is in SQS (sent as it was written; SQS holds it until it is due), or it has ended */
  | 'none'
  /** in its minute bucket, swept when the sweeper's cursor reaches it (due beyond the direct horizon) */
  | 'bucket'
  /** in its shard's lane, read by every sweep until sent (written by a caller's transaction, or an operator's retry) */
  | 'lane';

/**
 * Who writes the job, which decides how a near job reaches SQS: `direct` writers send its message themselves around the
 * write; a `transaction` commits first and sends after, so the job waits in a lane until that send is recorded (or the
 * next sweep sends it, if the caller never does).
 */
export type Writer = 'direct' | 'transaction';

/**
 * The placement of a job due at `dueAtMs`, written at `nowMs`: near jobs (due within `horizonMs`, at most SQS's 900 s
 * delay) go to SQS as they are written (`none`, or `lane` for a transaction); later ones wait in their bucket.
 *
 * @example
 * ```ts
 * placementOf(nowMs + 30_000, nowMs, 900_000);                  // 'none'
 * placementOf(nowMs + 30_000, nowMs, 900_000, 'transaction');   // 'lane'
 * placementOf(nowMs + 3_600_000, nowMs, 900_000);               // 'bucket'
 * ```
 */
export function placementOf(dueAtMs: number, nowMs: number, horizonMs: number, writer?: 'direct'): Exclude<Placement, 'lane'>;
export function placementOf(dueAtMs: number, nowMs: number, horizonMs: number, writer: Writer): Placement;
export function placementOf(dueAtMs: number, nowMs: number, horizonMs: number, writer: Writer = 'direct'): Placement {
  if (dueAtMs >= nowMs + horizonMs) return 'bucket';
  return writer === 'transaction' ? 'lane' : 'none';
}
