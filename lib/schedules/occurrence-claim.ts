/**
 * The consumer's side of a schedule's occurrences: the first claim of an occurrence message creates its job. Spawning
 * wrote no job (`occurrences.ts`), so on receipt the consumer reads the schedule and, when the occurrence belongs to
 * the schedule as it stands, writes the job already claimed (`running`, attempt 1) with one conditional put: create and
 * claim are one write, and a duplicate message (racing spawners, a re-send after a crash) loses that put.
 */
import { occurrenceJobId } from '../core/ids.ts';
import type { JobMessage, OccurrenceRef } from '../queue/types.ts';
import { claimedRecord } from '../store/write-rules.ts';
import type { ClaimLease, ClaimResult, JobRecord, JobStore, ScheduleRecord } from '../store/types.ts';
import { occurrenceJob, scheduleGeneration } from './occurrences.ts';

/** A first claim's result: a claim's, or `gone` when there is nothing to run and nothing to wait for. */
export type FirstClaimResult = ClaimResult | { readonly claimed: false; readonly gone: string };

/** How long a claim may wait for the spawn that sent its occurrence to commit, and how it waits. */
export interface SpawnWait {
  readonly clock: { nowMs(): number };
  readonly sleep: (ms: number) => Promise<void>;
  /** Stop waiting at this instant (the missing-job wait, within the invocation). */
  readonly untilMs: number;
  readonly pollMs: number;
}

/**
 * Whether a committed spawn covers the slot: the schedule has moved past it (or ended at or after it). A slot sent by
 * a spawner that crashed before its advance is not covered until the next spawn commits, which either sends it again
 * or skips it (misfire policy, overlap) and writes its cancelled record; until then it must not run, or a slot the
 * policy skips would run and the schedule's `runs` (and `maxRuns`) would not count it.
 */
function covers(schedule: ScheduleRecord, slotMs: number): boolean {
  return schedule.nextRunAtMs === undefined ? slotMs <= (schedule.lastRunAtMs ?? -Infinity) : slotMs < schedule.nextRunAtMs;
}

/** An occurrence cancelled for another generation of its schedule: what `createClaimedJob` may overwrite. */
function isOtherGenerationTombstone(job: JobRecord, generation: string): boolean {
  return job.state === 'cancelled' && job.scheduleGeneration !== generation;
}

/**
 * Claims an occurrence message's job, creating it on the first receipt.
 *
 * - The schedule is read (strongly consistent). When it still has the message's generation and is not paused, the
 *   job is created as claimed, on condition that its id is free or holds only a tombstone of another generation
 *   (`createClaimedJob`). A failed put returns the existing item: the caller applies the normal claim rules to it.
 * - Otherwise (paused, replaced or resumed since the send) the occurrence was cancelled: only a job that already
 *   exists may go on (a redelivery after a crashed attempt), through the normal claim. With no job, the message is
 *   `gone`.
 * - With no schedule and no job (or only a job cancelled for another generation of the id), the schedule's write
 *   trails the message (a new schedule is put after its first occurrences are sent), as an enqueue's job write can:
 *   the result is a claim that found nothing, which the caller waits on and drops once the orphan grace has passed.
 *
 * @example
 * ```ts
 * const claim = await claimOccurrence(store, message, message.occurrence, { nowMs, leaseUntilMs: nowMs + 60_000 });
 * ```
 */
export async function claimOccurrence(
  store: JobStore,
  message: JobMessage,
  occurrence: OccurrenceRef,
  lease: ClaimLease,
  wait?: SpawnWait,
): Promise<FirstClaimResult> {
  let schedule = await store.getSchedule(occurrence.scheduleId);
  if (schedule === undefined) {
    // Deleted: its pending occurrences have their cancelled records (or a job that started), settled at once. A
    // tombstone of another generation is not this occurrence's: it is left by an earlier schedule of the same id,
    // deleted before this one was created, whose put may trail this message (it would overwrite that tombstone).
    const claim = await store.claimJob(message.id, { dueAtMs: message.dueAtMs, ...lease });
    if (claim.claimed || (claim.current !== undefined && !isOtherGenerationTombstone(claim.current, occurrence.generation))) return claim;
  }
  // Within one spawn the write follows the send by milliseconds (the advance; a new schedule's first put): a message
  // due at once can arrive first.
  while (wait && !(schedule && covers(schedule, message.dueAtMs)) && wait.clock.nowMs() + wait.pollMs <= wait.untilMs) {
    await wait.sleep(wait.pollMs);
    schedule = await store.getSchedule(occurrence.scheduleId);
  }
  // No schedule and no record: not written yet, or deleted with this occurrence neither started nor cancelled. Either
  // way a record that trails its message: the caller waits, returns it to the queue with growing delays, and drops it
  // after the orphan grace.
  if (schedule === undefined) return { claimed: false };
  const reason =
    schedule.paused ? `schedule "${occurrence.scheduleId}" is paused`
    : scheduleGeneration(schedule) !== occurrence.generation ? `schedule "${occurrence.scheduleId}" was replaced or resumed since this occurrence was sent`
    : message.id !== occurrenceJobId(occurrence.scheduleId, message.dueAtMs) ? `the message's id "${message.id}" is not the occurrence id of its schedule and due time`
    : undefined;
  if (reason !== undefined) {
    const claim = await store.claimJob(message.id, { dueAtMs: message.dueAtMs, ...lease });
    return claim.claimed || claim.current !== undefined ? claim : { claimed: false, gone: `${reason}: the occurrence was cancelled before it started` };
  }
  // Not covered yet: no record, so the caller treats it as a job whose write trails its message (waits, returns it to
  // the queue with growing delays, drops it after the orphan grace).
  if (!covers(schedule, message.dueAtMs)) return { claimed: false };
  const job = claimedRecord({ ...occurrenceJob(schedule, message.dueAtMs, lease.nowMs), sentAtMs: message.sentAtMs }, lease);
  return store.createClaimedJob(job, { generation: occurrence.generation });
}
