/**
 * The storage contract behind sundial: intent-named operations that the scheduler API, the sweeper and the worker
 * runtime call. Two adapters implement it: `DynamoDbJobStore` (production, DynamoDB) and `MemoryJobStore` (tests and
 * embedding); one contract suite (`test/store/store-contract.ts`) runs against both.
 *
 * Every state change is a single conditional write; a method that loses its condition says so in its result (or with
 * a typed error), never by silently overwriting.
 */
import type { BackoffSpec } from '../core/backoff.ts';
import type { RecurrenceRule } from '../core/recurrence.ts';
import type { MisfirePolicy } from '../core/misfire.ts';

export type { MisfirePolicy };

import type { Placement } from '../core/placement.ts';
export type { Placement };

/** Life cycle of a job (DESIGN §3). A job whose message waits in SQS is still `scheduled`: no state marks it as sent. */
export type JobState = 'scheduled' | 'running' | 'retrying' | 'completed' | 'failed' | 'cancelled';

/** States a job can still leave by itself. */
export const LIVE_STATES: readonly JobState[] = ['scheduled', 'running', 'retrying'];

/** An error as stored on a job. */
export interface StoredError {
  readonly name: string;
  readonly message: string;
}

/** Job options an `enqueue` call may leave to the task's definition, resolved by the worker that runs it. */
export type InheritedOption = 'maxAttempts' | 'backoff' | 'timeoutSec' | 'storeResult';

/** The storage-neutral record of one job. Adapters map it to their own item shape. */
export interface JobRecord {
  readonly id: string;
  readonly task: string;
  readonly queue: string;
  /** The payload as a JSON string. */
  readonly payload: string;
  readonly state: JobState;
  readonly dueAtMs: number;
  /** Attempts started so far (0 until the first claim). */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly backoff: BackoffSpec;
  readonly timeoutSec: number;
  readonly storeResult: boolean;
  readonly placement: Placement;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly uniqueKey?: string;
  readonly scheduleId?: string;
  /**
   * A schedule occurrence's schedule generation (`scheduleGeneration`): the one whose claim created it, or, on a
   * cancelled occurrence, the one whose pending occurrences were cancelled (`cancelOccurrence`).
   */
  readonly scheduleGeneration?: string;
  /** When a message for the current due time was handed to SQS, if known. */
  readonly sentAtMs?: number;
  readonly startedAtMs?: number;
  readonly finishedAtMs?: number;
  /** A running job's claim is valid until then; after it, a redelivered message may claim the job again. */
  readonly leaseUntilMs?: number;
  /**
   * The claim that holds, or last held, the job: a random token each claim writes. A conditional write the SDK sent
   * again after its first attempt committed (its response lost) fails its condition on its own result; the token is
   * how the store tells that from another consumer's write.
   */
  readonly leaseToken?: string;
  /**
   * A `unique` job's enqueue: a random token its put writes, so that the put, sent again by the SDK after it committed,
   * does not replace the job it wrote (ended by then) as it would replace a previous job of the same key.
   */
  readonly writeToken?: string;
  readonly lastError?: StoredError;
  /** The task's return value as a JSON string, when the job asked for `storeResult`. */
  readonly result?: string;
  /** Why a result the job asked to store was not stored (too large for the item, or not JSON). */
  readonly resultDropped?: string;
  /** TTL: set when the job ends (retention). */
  readonly expiresAtEpochSec?: number;
  /**
   * Options the enqueue call did not set and whose task was not loaded in the enqueuing process: the stored values are
   * sundial's defaults, and the worker replaces them with the task definition's when it runs the job.
   */
  readonly inherits?: readonly InheritedOption[];
  /** The last few attempts, newest last (bounded: `lib/worker/attempt-history.ts`). */
  readonly attempts?: readonly AttemptEntry[];
}

/** One attempt of a job, as its outcome write records it. */
export interface AttemptEntry {
  readonly attempt: number;
  /** The due time the attempt ran for: its lateness is `startedAtMs − dueAtMs`. */
  readonly dueAtMs: number;
  readonly startedAtMs: number;
  readonly endedAtMs: number;
  readonly outcome: 'completed' | 'retrying' | 'failed';
  readonly error?: { readonly name: string; readonly message: string; readonly stackHead?: string };
}

export type CreateJobResult =
  | { readonly created: true; readonly job: JobRecord }
  /** A live job with the same id (a `unique` key) already exists; it is returned instead. */
  | { readonly created: false; readonly job: JobRecord };

export interface ListJobsQuery {
  readonly state?: JobState;
  readonly task?: string;
  readonly dueAfterMs?: number;
  readonly dueBeforeMs?: number;
  /** At most this many items in one page (1–1000). */
  readonly limit: number;
  /** Opaque cursor returned by the previous page. */
  readonly cursor?: string;
}

export interface Page<T> {
  readonly items: T[];
  /** Present when there may be more items. */
  readonly cursor?: string;
}

/**
 * The lease a claim takes: from `nowMs` until `leaseUntilMs`, named by `token` (a new random one per claim; without
 * one, a claim the SDK retried after it committed reads as another consumer's).
 */
export interface ClaimLease {
  readonly nowMs: number;
  readonly leaseUntilMs: number;
  readonly token?: string;
}

export type ClaimResult =
  | { readonly claimed: true; readonly job: JobRecord }
  /** The condition failed; `current` is the item as it is now (absent when no such job exists). */
  | { readonly claimed: false; readonly current?: JobRecord };

/**
 * How an attempt ended, as written by the worker runtime. `maxAttempts`, when given, records the budget the task's
 * definition supplied for a job that inherited it.
 */
export type AttemptOutcome = (
  | {
      readonly state: 'completed';
      readonly nowMs: number;
      readonly result?: string;
      /** Why the result was not stored; see `JobRecord.resultDropped`. */
      readonly resultDropped?: string;
      readonly expiresAtEpochSec: number;
      readonly maxAttempts?: number;
    }
  | {
      readonly state: 'retrying';
      readonly nowMs: number;
      readonly dueAtMs: number;
      readonly lastError: StoredError;
      /** `bucket` when the retry is beyond the SQS horizon, else `none` (a delayed message is sent). */
      readonly placement: Exclude<Placement, 'lane'>;
      readonly maxAttempts?: number;
    }
  | { readonly state: 'failed'; readonly nowMs: number; readonly lastError: StoredError; readonly expiresAtEpochSec: number; readonly maxAttempts?: number }
) & {
  /** The job's attempt history including this attempt, stored in the same write. */
  readonly attempts?: readonly AttemptEntry[];
  /** The attempt's claim (`JobRecord.leaseToken`): how a retried write that already committed is told for what it is. */
  readonly leaseToken?: string;
};


export type OverlapPolicy = 'allow' | 'skip';

/** The storage-neutral record of a recurring schedule. */
export interface ScheduleRecord {
  /** The caller's name for the schedule. */
  readonly id: string;
  readonly task: string;
  readonly queue: string;
  readonly payload: string;
  readonly recurrence: RecurrenceRule;
  /** Slot 0 of an `every` rule: occurrences are `anchorMs + k × everySec`, so intervals never drift. */
  readonly anchorMs: number;
  readonly startAtMs?: number;
  readonly endAtMs?: number;
  readonly maxRuns?: number;
  /** Occurrences spawned so far. */
  readonly runs: number;
  /** The next occurrence to spawn; absent when the schedule has ended. */
  readonly nextRunAtMs?: number;
  readonly paused: boolean;
  readonly misfire: MisfirePolicy;
  readonly overlap: OverlapPolicy;
  readonly lastRunAtMs?: number;
  readonly lastJobId?: string;
  /** The token of the advance that last moved the schedule (`ScheduleAdvance.token`). */
  readonly advanceToken?: string;
  /** Options copied onto every occurrence job. */
  readonly maxAttempts: number;
  readonly backoff: BackoffSpec;
  readonly timeoutSec: number;
  readonly storeResult: boolean;
  /** Options its occurrences leave to the task's definition (see `JobRecord.inherits`). */
  readonly inherits?: readonly InheritedOption[];
  /** Incremented on every replace, so a sweeper holding an older copy loses its conditional write. */
  readonly version: number;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  /** TTL: set when the schedule ends (no next run), so it is deleted after the retention, as ended jobs are. */
  readonly expiresAtEpochSec?: number;
}

/** The fields of a schedule that spawning an occurrence advances. */
export interface ScheduleAdvance {
  readonly nextRunAtMs?: number;
  readonly runs: number;
  readonly lastRunAtMs?: number;
  readonly lastJobId?: string;
  readonly updatedAtMs: number;
  /** With no `nextRunAtMs` (the schedule ends): when the ended schedule expires. */
  readonly expiresAtEpochSec?: number;
  /**
   * The schedule waits for `nextRunAtMs` on its tick (`putScheduleTick`, written before the advance) instead of in its
   * lane, so the advance leaves the `due` index: 1 write unit where moving the lane entry costs 3.
   */
  readonly onTick?: boolean;
  /** Names this advance (`ScheduleRecord.advanceToken`), so the store knows its own write when the SDK sends it again. */
  readonly token?: string;
}

/**
 * A schedule's wake-up outside the index: an item of its shard's tick partition, at the schedule's next run, that the
 * sweeper's tick pass reads once a sweep's window reaches it. Only a sweep writes one, and only past its own window,
 * where no tick cursor can be yet (docs/architecture.md, "Ticks").
 */
export interface ScheduleTick {
  readonly scheduleId: string;
  readonly atMs: number;
}

/** A tick as read, with its place in its partition (opaque: reading again `after` it returns only later ticks). */
export interface TickEntry extends ScheduleTick {
  readonly position: string;
}

/** One entry read from the `due` index: enough to send a message without reading the item. */
export type DueEntry =
  | { readonly kind: 'job'; readonly id: string; readonly queue: string; readonly dueAtMs: number; readonly position: DuePosition }
  | { readonly kind: 'schedule'; readonly id: string; readonly dueAtMs: number; readonly position: DuePosition };

/**
 * A place in one index partition (bucket or lane), opaque to callers except for ordering: reading again `after` it
 * returns only later entries. Adapters encode what they need (DynamoDB: the index's LastEvaluatedKey).
 */
export type DuePosition = string;

/** Per-shard progress of the sweeper over the bucket partitions. */
export interface ShardCursor {
  /** Every bucket before this one is fully swept. */
  readonly bucket: string;
  /** Within `bucket`, everything up to and including this position is swept; absent: nothing of `bucket` yet. */
  readonly after?: DuePosition;
}

export interface SweepState {
  /** Cursor per shard index; a missing shard starts where the caller decides. */
  readonly cursors: Readonly<Record<number, ShardCursor>>;
  /**
   * Per shard index: every tick due before this instant (epoch ms) is handled. Missing: the shard starts where the
   * caller decides; a save without it leaves the stored ones as they are.
   */
  readonly tickCursors?: Readonly<Record<number, number>>;
}

/** What `createSchedule` did: created the schedule, or found one the id already has. */
export type ScheduleCreation = { readonly created: true } | { readonly created: false; readonly current: ScheduleRecord };

/**
 * The storage contract. Times come in as arguments (`nowMs`); adapters never read the clock.
 *
 * @example
 * ```ts
 * const store: JobStore = new MemoryJobStore({ shards: 4 });
 * const { job } = await store.createJob(record);
 * const claim = await store.claimJob(job.id, { dueAtMs: job.dueAtMs, nowMs, leaseUntilMs: nowMs + 60_000 });
 * ```
 */
export interface JobStore {
  /** Number of write shards (job partitions and index partitions). */
  readonly shards: number;

  // ---- jobs ----
  /**
   * Writes a new job (state `scheduled`) at `job.placement`. When a job with the same id exists and is live, nothing is
   * written and the existing job is returned (`created: false`): that is how `unique` keys work, since a unique job's
   * id is derived from its key. An ended job with that id is replaced, unless `replaceEnded` is false (then any job
   * with that id is returned instead).
   */
  createJob(job: JobRecord, options?: { readonly replaceEnded?: boolean }): Promise<CreateJobResult>;
  /**
   * Writes many new jobs with batched writes (retrying unprocessed items). No uniqueness check: ids must be fresh.
   * A job whose message is already out (`placement: 'none'`) is put on condition that its id is free, and an id that
   * is not (this write, sent again) counts as written: a retry never overwrites what a consumer did meanwhile.
   * Resolves with one result per input, in order: `undefined` when written, else the error that stopped it.
   */
  createJobs(jobs: readonly JobRecord[]): Promise<Array<Error | undefined>>;
  /**
   * Writes new jobs together with the caller's own DynamoDB transaction items (`Scheduler.transact`): one transaction,
   * all of it or nothing. Each job has `createJob`'s condition (id free or its job ended); a failed condition, the
   * caller's or a job's, cancels everything (DynamoDB: the SDK's `TransactionCanceledException`). `format` is the SDK
   * format of `callerItems`: `client` (`TransactWriteItemsCommand`) or `document` (`TransactWriteCommand`).
   */
  createJobsWithCallerItems(callerItems: readonly unknown[], jobs: readonly JobRecord[], format: 'client' | 'document'): Promise<void>;
  getJob(id: string): Promise<JobRecord | undefined>;
  /** A page of jobs matching the query, ordered by id within the store's own partition order. */
  listJobs(query: ListJobsQuery): Promise<Page<JobRecord>>;
  /** `scheduled` or `retrying` → `cancelled`. Throws `NotFoundError`, or `ConflictError` naming the current state. */
  cancelJob(id: string, nowMs: number, expiresAtEpochSec: number): Promise<JobRecord>;
  /**
   * Creates a job already claimed for its first attempt, in one conditional write: `job` is the claimed record
   * (`claimedRecord`: `running`, attempt 1, lease). The consumer uses it on the first receipt of a message whose job
   * has no record yet (a schedule's occurrence, an EventBridge event). Conditional on the id being free or, with
   * `generation`, holding an occurrence cancelled for another generation of its schedule (a tombstone of an older rule
   * at the same instant). On a failed condition resolves `claimed: false` with the item as it is.
   */
  createClaimedJob(job: JobRecord, options?: { readonly generation?: string }): Promise<ClaimResult>;
  /**
   * Claims a job for one attempt: succeeds when its `dueAtMs` equals the message's and it is `scheduled`/`retrying`, or
   * `running` with a lease that ended before `nowMs`. Increments `attempt`, sets `running`, `startedAtMs`,
   * `leaseUntilMs`. Leaves any index entry alone: removing a bucket entry would cost an index write, and the sweeper's
   * cursor is already past it (lane entries are removed by `markSent`).
   */
  claimJob(id: string, claim: ClaimLease & { readonly dueAtMs: number }): Promise<ClaimResult>;
  /**
   * Writes how attempt `attempt` ended, on condition that the job is `running` with that attempt; false when this
   * attempt no longer holds the job (lease lost). `completed`/`failed` leave the index alone (1 write unit); `retrying`
   * puts the job into its new bucket (`placement: 'bucket'`) or removes any index entry (`'none'`).
   */
  finishAttempt(id: string, attempt: number, outcome: AttemptOutcome): Promise<boolean>;
  /**
   * `failed` → `scheduled` again for an operator's retry, due at `dueAtMs` with `maxAttempts` as its new attempt budget
   * (the caller grants more than `attempt`), error kept; `inherits` is the job's, of which `maxAttempts` is dropped (the
   * budget is now the job's own). The job waits in its lane until `markSent` records its message.
   * Throws `NotFoundError`, or `ConflictError` when the job is not `failed`.
   */
  requeueFailedJob(id: string, nowMs: number, dueAtMs: number, maxAttempts: number, inherits?: readonly InheritedOption[]): Promise<JobRecord>;
  /**
   * Records that a message for the job's due time was sent and takes the job out of its lane. Conditional on the job
   * being in its lane with that `dueAtMs`, whatever its state (a fast consumer may already have run it); false otherwise.
   */
  markSent(id: string, dueAtMs: number, nowMs: number): Promise<boolean>;

  // ---- schedules ----
  /** Creates or replaces a schedule; resolves with the previous version, if any. */
  putSchedule(schedule: ScheduleRecord): Promise<ScheduleRecord | undefined>;
  /**
   * Creates a schedule the id does not have yet, stored with its own `version`. When the id has one of another
   * generation (a racing creation), writes nothing and resolves with it; its own generation (this very write, sent
   * again by the SDK after it committed) counts as created.
   */
  createSchedule(schedule: ScheduleRecord): Promise<ScheduleCreation>;
  getSchedule(id: string): Promise<ScheduleRecord | undefined>;
  listSchedules(query: { limit: number; cursor?: string }): Promise<Page<ScheduleRecord>>;
  /**
   * Pauses (takes the schedule out of its lane) or resumes it (back into its lane at `nextRunAtMs`, with `version` + 1:
   * a new generation, so occurrences sent before the pause never run as the resumed schedule's).
   * Throws `NotFoundError` for an unknown id.
   */
  setSchedulePaused(id: string, paused: boolean, nowMs: number, nextRunAtMs?: number): Promise<ScheduleRecord>;
  /** Deletes a schedule; its already spawned jobs stay. Throws `NotFoundError` for an unknown id. */
  deleteSchedule(id: string): Promise<ScheduleRecord>;
  /**
   * Moves the schedule past the occurrences just sent (one plain conditional write, however many were sent), on
   * condition that it still has `version` and `nextRunAtMs === expectedNextRunAtMs` and is not paused. False when the
   * condition failed (another sweeper did it, or the schedule changed): the occurrences' messages may still be out,
   * and the consumer's conditional create runs each one once.
   */
  advanceSchedule(schedule: { id: string; version: number; expectedNextRunAtMs: number }, advance: ScheduleAdvance): Promise<boolean>;
  /**
   * Cancels a schedule occurrence that may not have a job record yet: writes `occurrence` (its job as it would be
   * created, `scheduleGeneration` = the generation cancelled) as `cancelled`, so the consumer's create of it fails
   * (`createClaimedJob`). Conditional: the id is free, or its job still waits (`scheduled`, `retrying`: its fields are
   * kept, only the state changes), or it holds an occurrence cancelled for another generation. False otherwise (it
   * started or ended).
   */
  cancelOccurrence(occurrence: JobRecord, nowMs: number, expiresAtEpochSec: number): Promise<boolean>;

  // ---- sweeper ----
  /**
   * Takes the sweep lease when it is free or expired at `nowMs`, holding it until `leaseUntilMs`. Resolves with the
   * saved cursors, or undefined when another sweep holds the lease.
   */
  acquireSweep(owner: string, nowMs: number, leaseUntilMs: number): Promise<SweepState | undefined>;
  /** Saves cursors (and releases the lease when `release`); false when `owner` no longer holds the lease. */
  saveSweep(owner: string, state: SweepState, release: boolean): Promise<boolean>;
  /**
   * Reads one page of a bucket partition: entries of `shard` in `bucket`, after `after`, due at or before `untilMs`,
   * ordered by due time. Entries with equal due times come in an order that is stable but unspecified (DynamoDB does
   * not define it for an index); paging from an entry's `position` never repeats or skips one. `done` when nothing
   * more matches.
   */
  readBucket(
    shard: number,
    bucket: string,
    options: { after?: DuePosition; untilMs: number; limit: number },
  ): Promise<{ entries: DueEntry[]; done: boolean }>;
  /** Reads one page of a shard's lane: entries due at or before `untilMs`, in due order. */
  readLane(
    shard: number,
    options: { after?: DuePosition; untilMs: number; limit: number },
  ): Promise<{ entries: DueEntry[]; done: boolean }>;
  /**
   * Writes a schedule's tick, in the partition of the schedule's shard; it expires (TTL) at `expiresAtEpochSec`.
   * Unconditional: the same tick written twice is one item.
   */
  putScheduleTick(tick: ScheduleTick, expiresAtEpochSec: number): Promise<void>;
  /**
   * Reads one page of a shard's ticks due from `fromMs` through `untilMs`, after `after`, in time order (strongly
   * consistent: a tick is read by the first sweep whose window reaches it).
   */
  readTicks(
    shard: number,
    options: { fromMs: number; untilMs: number; after?: string; limit: number },
  ): Promise<{ ticks: TickEntry[]; done: boolean }>;
}
