/**
 * Every condition and update the store writes, one pair per write, as pure functions (docs/architecture.md, "Job states
 * and writes"). Both stores use them: `DynamoDbJobStore` compiles them to expressions, `MemoryJobStore` evaluates them on
 * its items, so the two can never disagree on a rule.
 */
import { lanePartitionKey, shardOf } from '../core/buckets.ts';
import { and, eq, exists, isIn, le, lt, ne, notExists, or, type AttributeUpdate, type Condition } from './expressions.ts';
import { defined, DUE_PK, DUE_SK, ENDED_STATES, jobIndexAttributes, PK, scheduleIndexAttributes, toScheduleItem, TTL } from './items.ts';
import type { AttemptOutcome, ClaimLease, InheritedOption, JobRecord, JobState, ScheduleAdvance, ScheduleRecord, SweepState } from './types.ts';

/** States a job can be claimed or cancelled from. */
const WAITING_STATES: readonly JobState[] = ['scheduled', 'retrying'];
/** The attribute holding a job's schedule generation (`JobRecord.scheduleGeneration`). */
const GENERATION = 'scheduleGeneration';
/** The attribute holding a unique job's enqueue token (`JobRecord.writeToken`). */
const WRITE_TOKEN = 'writeToken';

/**
 * `createJob`: the id is free, or its job has ended (a `unique` job may run again once the previous one ended); with
 * `replaceEnded: false`, only a free id (a job keyed by an EventBridge event must never run again). An ended job is
 * replaced only by another enqueue than the one that wrote it (its `writeToken` differs): the direct path sends before
 * it puts, so a fast consumer may have run the job before the SDK sends a put that committed again, and that retry
 * must not bring the ended job back as `scheduled`.
 *
 * @example
 * ```ts
 * createJobCondition(job); // attribute_not_exists(pk) OR (state IN (…) AND (attribute_not_exists(writeToken) OR writeToken <> :t))
 * ```
 */
export function createJobCondition(job: Pick<JobRecord, 'writeToken'>, replaceEnded = true): Condition {
  if (!replaceEnded) return notExists(PK);
  const ended = isIn('state', ENDED_STATES);
  const another = job.writeToken === undefined ? ended : and(ended, or(notExists(WRITE_TOKEN), ne(WRITE_TOKEN, job.writeToken)));
  return or(notExists(PK), another);
}

/**
 * `claimJob`: the message's due time matches and the job waits, or runs under a lease that ended before `nowMs`.
 *
 * @example
 * ```ts
 * claimCondition({ dueAtMs, nowMs });
 * ```
 */
export function claimCondition(claim: { dueAtMs: number; nowMs: number }): Condition {
  return and(
    exists(PK),
    eq('dueAtMs', claim.dueAtMs),
    or(isIn('state', WAITING_STATES), and(eq('state', 'running'), lt('leaseUntilMs', claim.nowMs))),
  );
}

/**
 * `claimJob`: one more attempt, running under a lease. Leaves the index entry alone (no index write).
 *
 * @example
 * ```ts
 * claimUpdate({ nowMs, leaseUntilMs: nowMs + 60_000 });
 * ```
 */
export function claimUpdate(claim: ClaimLease): AttributeUpdate {
  return {
    set: { state: 'running', startedAtMs: claim.nowMs, leaseUntilMs: claim.leaseUntilMs, updatedAtMs: claim.nowMs, ...tokenOf(claim) },
    increment: { attempt: 1 },
  };
}

function tokenOf(claim: ClaimLease): { leaseToken?: string } {
  return claim.token === undefined ? {} : { leaseToken: claim.token };
}

/**
 * Tells a conditional write's own result in the item its failed condition returned: the SDK sends a write that
 * committed again when its response was lost (a 500, a reset connection, a timeout), and that retry fails its
 * condition on what the first attempt wrote. The stores count such a write as done (`ownClaim`, `ownOutcome`,
 * `ownScheduleCreation`, `ownAdvance`, `ownLease`).
 */
export type OwnWrite = (current: Readonly<Record<string, unknown>>) => boolean;

/**
 * A claim's (or a create-and-claim's) own result: still running under its lease token.
 *
 * @example
 * ```ts
 * await update(key, claimCondition(claim), claimUpdate(claim), ownClaim(claim.token));
 * ```
 */
export function ownClaim(token: string | undefined): OwnWrite | undefined {
  return token === undefined ? undefined : (current) => current.state === 'running' && current.leaseToken === token;
}

/**
 * An attempt's outcome already written: only the attempt's own claim (its token) writes it.
 *
 * @example
 * ```ts
 * await update(key, finishCondition(attempt), finishUpdate(id, outcome, shards), ownOutcome(attempt, outcome));
 * ```
 */
export function ownOutcome(attempt: number, outcome: AttemptOutcome): OwnWrite | undefined {
  const token = outcome.leaseToken;
  if (token === undefined) return undefined;
  return (current) => current.leaseToken === token && current.attempt === attempt && current.state === outcome.state && current.updatedAtMs === outcome.nowMs;
}

/**
 * `createClaimedJob`: a new job as the claim would leave it (the same fields as `claimUpdate`), so creating and
 * claiming it is one write.
 *
 * @example
 * ```ts
 * await store.createClaimedJob(claimedRecord(occurrence, { nowMs, leaseUntilMs: nowMs + 60_000 }));
 * ```
 */
export function claimedRecord(job: JobRecord, claim: ClaimLease): JobRecord {
  return { ...job, state: 'running', attempt: job.attempt + 1, startedAtMs: claim.nowMs, leaseUntilMs: claim.leaseUntilMs, updatedAtMs: claim.nowMs, ...tokenOf(claim) };
}

/**
 * `createClaimedJob`: the id is free, or (with the occurrence's schedule `generation`) holds an occurrence cancelled
 * for another generation: a tombstone of an older rule firing at the same instant must not block the current rule,
 * while a tombstone of this very generation (a pause or replace that raced the consumer) does.
 *
 * @example
 * ```ts
 * createClaimedCondition('1795420800000.3'); // attribute_not_exists(pk) OR (state = cancelled AND (…generation differs))
 * ```
 */
export function createClaimedCondition(generation?: string): Condition {
  if (generation === undefined) return notExists(PK);
  return or(notExists(PK), and(eq('state', 'cancelled'), or(notExists(GENERATION), ne(GENERATION, generation))));
}

/**
 * `finishAttempt`: the attempt still holds the job.
 *
 * @example
 * ```ts
 * finishCondition(2); // state = running AND attempt = 2
 * ```
 */
export function finishCondition(attempt: number): Condition {
  return and(eq('state', 'running'), eq('attempt', attempt));
}

/**
 * `finishAttempt`: writes the outcome. `completed` / `failed` leave the index alone (1 write unit); `retrying` moves
 * the job into its new bucket or out of the index.
 *
 * @example
 * ```ts
 * finishUpdate('j_1', { state: 'completed', nowMs, expiresAtEpochSec }, 8);
 * ```
 */
export function finishUpdate(id: string, outcome: AttemptOutcome, shards: number): AttributeUpdate {
  switch (outcome.state) {
    case 'completed':
      return {
        set: {
          state: 'completed',
          finishedAtMs: outcome.nowMs,
          updatedAtMs: outcome.nowMs,
          result: outcome.result,
          resultDropped: outcome.resultDropped,
          maxAttempts: outcome.maxAttempts,
          attempts: outcome.attempts,
          [TTL]: outcome.expiresAtEpochSec,
        },
        remove: ['leaseUntilMs'],
      };
    case 'failed':
      return {
        set: {
          state: 'failed',
          finishedAtMs: outcome.nowMs,
          updatedAtMs: outcome.nowMs,
          lastError: outcome.lastError,
          maxAttempts: outcome.maxAttempts,
          attempts: outcome.attempts,
          [TTL]: outcome.expiresAtEpochSec,
        },
        remove: ['leaseUntilMs'],
      };
    case 'retrying': {
      const index = jobIndexAttributes({ id, dueAtMs: outcome.dueAtMs, placement: outcome.placement }, shards);
      return {
        set: {
          state: 'retrying',
          dueAtMs: outcome.dueAtMs,
          placement: outcome.placement,
          maxAttempts: outcome.maxAttempts,
          lastError: outcome.lastError,
          attempts: outcome.attempts,
          updatedAtMs: outcome.nowMs,
          ...index,
        },
        // No message for the new due time has been sent yet.
        remove: ['leaseUntilMs', 'sentAtMs', ...(index.duePk === undefined ? [DUE_PK, DUE_SK] : [])],
      };
    }
  }
}

/**
 * `cancelJob`: only a waiting job can be cancelled (a running one finishes its attempt).
 *
 * @example
 * ```ts
 * cancelCondition(); // attribute_exists(pk) AND state IN (scheduled, retrying)
 * ```
 */
export function cancelCondition(): Condition {
  return and(exists(PK), isIn('state', WAITING_STATES));
}

/**
 * `cancelJob`: ends the job and takes it out of the index, so the sweeper does not send a message nobody needs.
 *
 * @example
 * ```ts
 * cancelUpdate(nowMs, expiresAtEpochSec);
 * ```
 */
export function cancelUpdate(nowMs: number, expiresAtEpochSec: number): AttributeUpdate {
  return {
    set: { state: 'cancelled', placement: 'none', finishedAtMs: nowMs, updatedAtMs: nowMs, [TTL]: expiresAtEpochSec },
    remove: [DUE_PK, DUE_SK, 'leaseUntilMs'],
  };
}

/**
 * `requeueFailedJob`: only a failed job is retried by hand.
 *
 * @example
 * ```ts
 * requeueCondition(); // attribute_exists(pk) AND state = failed
 * ```
 */
export function requeueCondition(): Condition {
  return and(exists(PK), eq('state', 'failed'));
}

/**
 * `requeueFailedJob`: scheduled again at `dueAtMs` with `maxAttempts` as its new budget (the caller grants more than the
 * attempts used); the last error is kept. It waits in its lane until the caller's send is recorded with `markSent`, so
 * a crash between this write and the send leaves it to the sweeper instead of stranding it.
 *
 * @example
 * ```ts
 * requeueUpdate('j_1', nowMs, nowMs, 6, 8);
 * ```
 */
export function requeueUpdate(id: string, nowMs: number, dueAtMs: number, maxAttempts: number, shards: number, inherits: readonly InheritedOption[] = []): AttributeUpdate {
  // The granted budget is the job's own from now on: the worker must not replace it with the task definition's.
  const stillInherited = inherits.filter((option) => option !== 'maxAttempts');
  return {
    set: {
      state: 'scheduled', placement: 'lane', dueAtMs, maxAttempts, updatedAtMs: nowMs,
      ...(stillInherited.length > 0 ? { inherits: stillInherited } : {}),
      ...jobIndexAttributes({ id, dueAtMs, placement: 'lane' }, shards),
    },
    remove: [TTL, 'finishedAtMs', 'leaseUntilMs', 'sentAtMs', ...(stillInherited.length > 0 ? [] : ['inherits'])],
  };
}

/**
 * `markSent`: the job is still in its lane for that due time (whatever its state: a fast consumer may have run it).
 *
 * @example
 * ```ts
 * markSentCondition('j_1', dueAtMs, 8);
 * ```
 */
export function markSentCondition(id: string, dueAtMs: number, shards: number): Condition {
  return and(eq(DUE_PK, lanePartitionKey(shardOf(id, shards))), eq('dueAtMs', dueAtMs));
}

/**
 * `markSent`: records the send and takes the job out of its lane.
 *
 * @example
 * ```ts
 * markSentUpdate(nowMs);
 * ```
 */
export function markSentUpdate(nowMs: number): AttributeUpdate {
  return { set: { placement: 'none', sentAtMs: nowMs, updatedAtMs: nowMs }, remove: [DUE_PK, DUE_SK] };
}

const OPTIONAL_SCHEDULE_ATTRIBUTES = ['startAtMs', 'endAtMs', 'maxRuns', 'nextRunAtMs', 'lastRunAtMs', 'lastJobId', 'advanceToken', 'inherits', 'expiresAtEpochSec'] as const;

/**
 * `putSchedule`: writes every attribute of `record` (removing the optional ones it lacks) and sets
 * `version = previous version + 1` (1 for a new schedule), whatever `record.version` says, so any sweeper holding an
 * older copy loses its conditional write.
 *
 * @example
 * ```ts
 * putScheduleUpdate(schedule, 8);
 * ```
 */
export function putScheduleUpdate(record: ScheduleRecord, shards: number): AttributeUpdate {
  const { pk: _pk, sk: _sk, version: _version, ...fields } = toScheduleItem(record, shards);
  const index = scheduleIndexAttributes(record, shards);
  return {
    set: fields,
    increment: { version: 1 },
    remove: [
      ...OPTIONAL_SCHEDULE_ATTRIBUTES.filter((attr) => record[attr] === undefined),
      ...(index.duePk === undefined ? [DUE_PK, DUE_SK] : []),
    ],
  };
}

/**
 * `createSchedule`: the whole record with its own `version` (1), on condition that the id has no schedule
 * (`createScheduleCondition`). Unlike `putSchedule`, it never increments: a call that races another creation, or an SDK
 * retry of a write that committed, fails its condition instead of storing a generation its messages were not sent under.
 *
 * @example
 * ```ts
 * createScheduleUpdate(schedule, 8);
 * ```
 */
export function createScheduleUpdate(record: ScheduleRecord, shards: number): AttributeUpdate {
  const { increment: _increment, ...update } = putScheduleUpdate(record, shards);
  return { ...update, set: { ...update.set, version: record.version } };
}

/** `createSchedule`: the id has no schedule yet. */
export function createScheduleCondition(): Condition {
  return notExists(PK);
}

/**
 * A schedule creation's own result: the generation it wrote (`createdAtMs` and `version`), the one its first
 * messages carry.
 *
 * @example
 * ```ts
 * await update(key, createScheduleCondition(), createScheduleUpdate(schedule, shards), ownScheduleCreation(schedule));
 * ```
 */
export function ownScheduleCreation(schedule: Pick<ScheduleRecord, 'createdAtMs' | 'version'>): OwnWrite {
  return (current) => current.createdAtMs === schedule.createdAtMs && current.version === schedule.version;
}

/**
 * `setSchedulePaused(…, true)`: out of the lane.
 *
 * @example
 * ```ts
 * pauseScheduleUpdate(nowMs);
 * ```
 */
export function pauseScheduleUpdate(nowMs: number): AttributeUpdate {
  return { set: { paused: true, updatedAtMs: nowMs }, remove: [DUE_PK, DUE_SK] };
}

/**
 * `setSchedulePaused(…, false)`: back into the lane at `nextRunAtMs` (given, or the stored one: then the item must
 * have one, see `resumeScheduleCondition`), as a new version (a new generation of its occurrences).
 *
 * @example
 * ```ts
 * resumeScheduleUpdate('nightly', nowMs, undefined, 8);
 * ```
 */
export function resumeScheduleUpdate(id: string, nowMs: number, nextRunAtMs: number | undefined, shards: number): AttributeUpdate {
  const lane = lanePartitionKey(shardOf(id, shards));
  // A new generation: occurrences sent before the pause (which cancelled them) must not run as this one's.
  const increment = { version: 1 };
  return nextRunAtMs === undefined
    ? { set: { paused: false, updatedAtMs: nowMs, [DUE_PK]: lane }, copy: { [DUE_SK]: 'nextRunAtMs' }, increment }
    : { set: { paused: false, updatedAtMs: nowMs, nextRunAtMs, [DUE_PK]: lane, [DUE_SK]: nextRunAtMs }, increment };
}

/**
 * `setSchedulePaused(…, false)`: the schedule exists and, when resuming at its stored `nextRunAtMs`, has one.
 *
 * @example
 * ```ts
 * resumeScheduleCondition(undefined); // attribute_exists(nextRunAtMs)
 * ```
 */
export function resumeScheduleCondition(nextRunAtMs: number | undefined): Condition {
  return nextRunAtMs === undefined ? exists('nextRunAtMs') : exists(PK);
}

/**
 * `setSchedulePaused(…, false)` of an ended schedule (no next run): only the flag changes; it stays out of the lane.
 *
 * @example
 * ```ts
 * resumeEndedScheduleUpdate(nowMs);
 * ```
 */
export function resumeEndedScheduleUpdate(nowMs: number): AttributeUpdate {
  return { set: { paused: false, updatedAtMs: nowMs } };
}

/**
 * Condition of `resumeEndedScheduleUpdate`.
 *
 * @example
 * ```ts
 * resumeEndedScheduleCondition(); // attribute_exists(pk) AND attribute_not_exists(nextRunAtMs)
 * ```
 */
export function resumeEndedScheduleCondition(): Condition {
  return and(exists(PK), notExists('nextRunAtMs'));
}

/**
 * `advanceSchedule`: the schedule is the version the spawner read, still due at the slot it spawned from, and active.
 *
 * @example
 * ```ts
 * advanceCondition({ version: 3, expectedNextRunAtMs });
 * ```
 */
export function advanceCondition(schedule: { version: number; expectedNextRunAtMs: number }): Condition {
  return and(eq('version', schedule.version), eq('nextRunAtMs', schedule.expectedNextRunAtMs), eq('paused', false));
}

/**
 * `advanceSchedule`: advances the schedule; its lane entry follows `nextRunAtMs`, or goes when the schedule ended or
 * waits on a tick (`onTick`).
 * `lastRunAtMs` / `lastJobId` left undefined keep their stored values (nothing was sent).
 *
 * @example
 * ```ts
 * advanceUpdate('nightly', { nextRunAtMs, runs: 4, lastRunAtMs, lastJobId, updatedAtMs: nowMs }, 8);
 * ```
 */
export function advanceUpdate(id: string, advance: ScheduleAdvance, shards: number): AttributeUpdate {
  const inLane = advance.nextRunAtMs !== undefined && !advance.onTick;
  return {
    set: {
      runs: advance.runs,
      updatedAtMs: advance.updatedAtMs,
      lastRunAtMs: advance.lastRunAtMs,
      lastJobId: advance.lastJobId,
      nextRunAtMs: advance.nextRunAtMs,
      // The partition too: a schedule that waited on a tick comes back into its lane.
      ...(inLane ? { [DUE_PK]: lanePartitionKey(shardOf(id, shards)), [DUE_SK]: advance.nextRunAtMs } : {}),
      ...(advance.nextRunAtMs === undefined ? { [TTL]: advance.expiresAtEpochSec } : {}),
      ...(advance.token === undefined ? {} : { advanceToken: advance.token }),
    },
    // Removing index attributes an item does not have writes nothing to the index: a schedule already on ticks pays 1.
    remove: [...(advance.nextRunAtMs === undefined ? ['nextRunAtMs'] : []), ...(inLane ? [] : [DUE_PK, DUE_SK])],
  };
}

/**
 * An advance's own result, by its token: its spawner then goes on as the winner (it alone cancels the slots it
 * skipped), where a racing spawner's advance, with another token, still loses.
 *
 * @example
 * ```ts
 * await update(key, advanceCondition(expected), advanceUpdate(id, advance, shards), ownAdvance(expected, advance));
 * ```
 */
export function ownAdvance(expected: { version: number }, advance: ScheduleAdvance): OwnWrite | undefined {
  const token = advance.token;
  return token === undefined ? undefined : (current) => current.advanceToken === token && current.version === expected.version;
}

/**
 * `cancelOccurrence`: the occurrence has no record yet, or still waits, or is a tombstone of another generation.
 *
 * @example
 * ```ts
 * cancelOccurrenceCondition('1795420800000.3');
 * ```
 */
export function cancelOccurrenceCondition(generation: string): Condition {
  return or(
    notExists(PK),
    isIn('state', WAITING_STATES),
    and(eq('state', 'cancelled'), or(notExists(GENERATION), ne(GENERATION, generation))),
  );
}

/**
 * `cancelOccurrence`: the occurrence's job as it would have been created, `cancelled`, out of the index. A job that
 * exists keeps its own fields (attempts, error, due time); only the state and the generation change.
 *
 * @example
 * ```ts
 * cancelOccurrenceUpdate(occurrence, nowMs, expiresAtEpochSec);
 * ```
 */
export function cancelOccurrenceUpdate(occurrence: JobRecord, nowMs: number, expiresAtEpochSec: number): AttributeUpdate {
  const { id: _id, state: _state, placement: _placement, scheduleGeneration, updatedAtMs: _updated, sentAtMs: _sent, ...fields } = occurrence;
  return {
    ...cancelUpdate(nowMs, expiresAtEpochSec),
    set: { ...cancelUpdate(nowMs, expiresAtEpochSec).set, scheduleGeneration },
    setIfAbsent: fields,
  };
}

/**
 * A lease acquire's own result: its owner (a request id) and its end. The sweep goes on under it instead of skipping
 * while its own lease turns the next triggers away.
 *
 * @example
 * ```ts
 * await update(sweeperKey(), acquireSweepCondition(nowMs), acquireSweepUpdate(owner, leaseUntilMs), ownLease(owner, leaseUntilMs));
 * ```
 */
export function ownLease(owner: string, leaseUntilMs: number): OwnWrite {
  return (current) => current.owner === owner && current.leaseUntilMs === leaseUntilMs;
}

/**
 * `acquireSweep`: nobody holds the lease, or it expired at `nowMs`.
 *
 * @example
 * ```ts
 * acquireSweepCondition(nowMs);
 * ```
 */
export function acquireSweepCondition(nowMs: number): Condition {
  return or(notExists('leaseUntilMs'), le('leaseUntilMs', nowMs));
}

/**
 * `acquireSweep`: takes the lease.
 *
 * @example
 * ```ts
 * acquireSweepUpdate('sweep-1', nowMs + 60_000);
 * ```
 */
export function acquireSweepUpdate(owner: string, leaseUntilMs: number): AttributeUpdate {
  return { set: { owner, leaseUntilMs } };
}

/**
 * `saveSweep`: `owner` still holds the lease.
 *
 * @example
 * ```ts
 * saveSweepCondition('sweep-1'); // owner = sweep-1
 * ```
 */
export function saveSweepCondition(owner: string): Condition {
  return and(eq('owner', owner), exists('leaseUntilMs'));
}

/**
 * `saveSweep`: stores the cursors (the tick cursors too, when given), and gives the lease up when `release`.
 *
 * @example
 * ```ts
 * saveSweepUpdate({ cursors: { 0: { bucket: '2026-11-23T14:05Z' } }, tickCursors: { 0: 1795424400000 } }, true);
 * ```
 */
export function saveSweepUpdate(state: SweepState, release: boolean): AttributeUpdate {
  const stored = Object.fromEntries(
    Object.entries(state.cursors).map(([shard, cursor]) => [shard, defined({ bucket: cursor.bucket, after: cursor.after })]),
  );
  return {
    set: { cursors: stored, ...(state.tickCursors === undefined ? {} : { tickCursors: { ...state.tickCursors } }) },
    remove: release ? ['owner', 'leaseUntilMs'] : [],
  };
}
