/**
 * An in-memory `JobStore` for logic tests (with a fake clock) and for embedding sundial in an application's tests.
 * It keeps the same items as the DynamoDB table and applies the same conditions and updates (`items.ts`, `write-rules.ts`),
 * so it behaves like `DynamoDbJobStore` in everything the contract suite checks.
 */
import { ConfigurationError, ConflictError, ItemTooLargeError, NotFoundError, ValidationError } from '../core/errors.ts';
import { itemSizeBytes, MAX_ITEM_BYTES } from './item-size.ts';
import { compareDueIndexKeys, type DueIndexKey, type TableKey } from './cursors.ts';
import { acquireSweepCondition, acquireSweepUpdate, advanceCondition, advanceUpdate, cancelCondition, cancelOccurrenceCondition, cancelOccurrenceUpdate, cancelUpdate, claimCondition, claimUpdate, createClaimedCondition, createJobCondition, createScheduleCondition, createScheduleUpdate, finishCondition, finishUpdate, markSentCondition, markSentUpdate, ownAdvance, ownClaim, ownLease, ownOutcome, ownScheduleCreation, pauseScheduleUpdate, putScheduleUpdate, requeueCondition, requeueUpdate, resumeEndedScheduleCondition, resumeEndedScheduleUpdate, resumeScheduleCondition, resumeScheduleUpdate, saveSweepCondition, saveSweepUpdate, type OwnWrite } from './write-rules.ts';
import { fromJobItem, fromScheduleItem, jobKey, jobPartitionKey, SCHEDULE_PARTITION, scheduleKey, sweeperKey, sweepStateOf, TICK_PARTITION_PREFIX, tickPartitionKey, tickRange, toJobItem, toTickItem, type ItemKey, type JobItem, type ScheduleItem, type SweeperItem } from './items.ts';
import { applyUpdate, evaluateCondition, exists, type AttributeUpdate, type Condition } from './expressions.ts';
import { collectJobPage, collectKeyPage, readDuePage, type DueIndexItem, type PartitionRead } from './paging.ts';
import { cancelConflict, duplicateInBatch, requeueConflict } from './store-errors.ts';
import { duePartitionKey, isLanePartitionKey, lanePartitionKey } from '../core/buckets.ts';
import type {
  AttemptOutcome,
  ClaimLease,
  ClaimResult,
  CreateJobResult,
  DueEntry,
  DuePosition,
  InheritedOption,
  JobRecord,
  JobStore,
  ListJobsQuery,
  Page,
  ScheduleAdvance,
  ScheduleCreation,
  ScheduleRecord,
  ScheduleTick,
  SweepState,
  TickEntry,
} from './types.ts';

/** Names of the `JobStore` methods a failure can be injected into. */
export type JobStoreMethod = {
  [K in keyof JobStore]: JobStore[K] extends (...args: never[]) => unknown ? K : never;
}[keyof JobStore];

/** An injected failure: thrown `before` the method does anything, or `after` it wrote (a lost response). */
export interface InjectedFailure {
  /** @default - an `Error` naming the method */
  readonly error?: Error;
  /** @default 'before' */
  readonly when?: 'before' | 'after';
}

type Item = Record<string, unknown>;
type Write = { ok: true; item: Item } | { ok: false; current?: Item };

/**
 * `JobStore` in memory.
 *
 * @example
 * ```ts
 * const store = new MemoryJobStore({ shards: 4 });
 * await store.createJob(record);
 * store.failNextCall('saveSweep', { when: 'before' }); // the sweeper crashes between send and save
 * ```
 */
export class MemoryJobStore implements JobStore {
  readonly shards: number;
  private readonly items = new Map<string, Item>();
  private readonly failures = new Map<JobStoreMethod, Required<InjectedFailure>>();

  constructor(options: { shards: number }) {
    if (!Number.isInteger(options.shards) || options.shards < 1) {
      throw new ValidationError(`\`shards\`: received ${JSON.stringify(options.shards)}; expected an integer ≥ 1 such as 8.`);
    }
    this.shards = options.shards;
  }

  /**
   * Makes the next call of `method` fail: before it does anything (a crash or a refused request), or after it wrote
   * (a response lost on the way back). One call only; a second injection for the same method replaces the first.
   *
   * @example
   * ```ts
   * store.failNextCall('markSent', { when: 'after', error: new Error('socket hang up') });
   * ```
   */
  failNextCall(method: JobStoreMethod, failure: InjectedFailure = {}): void {
    this.failures.set(method, {
      error: failure.error ?? new Error(`Injected failure of MemoryJobStore.${method}`),
      when: failure.when ?? 'before',
    });
  }

  // ---- jobs ----

  createJob(job: JobRecord, options: { readonly replaceEnded?: boolean } = {}): Promise<CreateJobResult> {
    return this.run('createJob', () => {
      const write = this.put(toJobItem(job, this.shards), createJobCondition(job, options.replaceEnded));
      return write.ok
        ? { created: true, job: jobOf(write.item) }
        : { created: false, job: jobOf(write.current) };
    });
  }

  createClaimedJob(job: JobRecord, options: { readonly generation?: string } = {}): Promise<ClaimResult> {
    return this.run('createClaimedJob', () => {
      const write = this.put(toJobItem(job, this.shards), createClaimedCondition(options.generation), ownClaim(job.leaseToken));
      if (write.ok) return { claimed: true, job: jobOf(write.item) };
      return write.current === undefined ? { claimed: false } : { claimed: false, current: jobOf(write.current) };
    });
  }

  createJobs(jobs: readonly JobRecord[]): Promise<Array<Error | undefined>> {
    return this.run('createJobs', () => {
      const seen = new Set<string>();
      return jobs.map((job, index) => {
        if (seen.has(job.id)) return duplicateInBatch(job.id, index);
        seen.add(job.id);
        // As DynamoDbJobStore: a job whose message is out is put only onto a free id (a retry never undoes a claim).
        this.put(toJobItem(job, this.shards), job.placement === 'none' ? createJobCondition(job, false) : undefined);
        return undefined;
      });
    });
  }

  /**
   * Writes the jobs all or none, with `createJob`'s condition, as DynamoDB's transaction would. The memory store cannot
   * run DynamoDB items, so any item of the caller's is refused with a `ConfigurationError` before anything is written;
   * a job whose id a live job holds refuses the whole call with a `ConflictError` carrying that job.
   */
  createJobsWithCallerItems(callerItems: readonly unknown[], jobs: readonly JobRecord[], _format: 'client' | 'document'): Promise<void> {
    return this.run('createJobsWithCallerItems', () => {
      if (callerItems.length > 0) {
        throw new ConfigurationError(
          `MemoryJobStore cannot run DynamoDB transaction items (received ${callerItems.length} of yours): test transact() ` +
            'with your items against DynamoDB (DynamoDbJobStore on DynamoDB Local, or startLocalStack), or pass no items of ' +
            'yours to test only its jobs in memory.',
        );
      }
      const seen = new Set<string>();
      const items = jobs.map((job, index) => {
        if (seen.has(job.id)) throw duplicateInBatch(job.id, index);
        seen.add(job.id);
        const item = toJobItem(job, this.shards);
        const current = this.items.get(itemId(item));
        if (!evaluateCondition(createJobCondition(job), current)) {
          const existing = jobOf(structuredClone(current));
          throw new ConflictError(
            `Job "${job.id}" already exists and is ${existing.state} (a \`unique\` key in use): the transaction was cancelled ` +
              'and none of its jobs was written.',
            existing.state,
            { current: existing },
          );
        }
        return item;
      });
      for (const item of items) this.put(item, undefined);
    });
  }

  getJob(id: string): Promise<JobRecord | undefined> {
    return this.run('getJob', () => {
      const item = this.read(jobKey(id, this.shards));
      return item && jobOf(item);
    });
  }

  listJobs(query: ListJobsQuery): Promise<Page<JobRecord>> {
    return this.run('listJobs', () =>
      collectJobPage(query, this.shards, async (shard, start, limit, filter) => {
        const read = this.readPartition(jobPartitionKey(shard), start, limit);
        return { ...read, items: read.items.filter((item) => filter === undefined || evaluateCondition(filter, item)) as unknown as JobItem[] };
      }),
    );
  }

  cancelJob(id: string, nowMs: number, expiresAtEpochSec: number): Promise<JobRecord> {
    return this.run('cancelJob', () => {
      const write = this.update(jobKey(id, this.shards), cancelCondition(), cancelUpdate(nowMs, expiresAtEpochSec));
      if (write.ok) return jobOf(write.item);
      if (write.current === undefined) throw new NotFoundError('job', id);
      throw cancelConflict(jobOf(write.current));
    });
  }

  claimJob(id: string, claim: ClaimLease & { readonly dueAtMs: number }): Promise<ClaimResult> {
    return this.run('claimJob', () => {
      const write = this.update(jobKey(id, this.shards), claimCondition(claim), claimUpdate(claim), ownClaim(claim.token));
      if (write.ok) return { claimed: true, job: jobOf(write.item) };
      return write.current === undefined ? { claimed: false } : { claimed: false, current: jobOf(write.current) };
    });
  }

  finishAttempt(id: string, attempt: number, outcome: AttemptOutcome): Promise<boolean> {
    return this.run('finishAttempt', () =>
      this.update(jobKey(id, this.shards), finishCondition(attempt), finishUpdate(id, outcome, this.shards), ownOutcome(attempt, outcome)).ok,
    );
  }

  requeueFailedJob(id: string, nowMs: number, dueAtMs: number, maxAttempts: number, inherits: readonly InheritedOption[] = []): Promise<JobRecord> {
    return this.run('requeueFailedJob', () => {
      const write = this.update(jobKey(id, this.shards), requeueCondition(), requeueUpdate(id, nowMs, dueAtMs, maxAttempts, this.shards, inherits));
      if (write.ok) return jobOf(write.item);
      if (write.current === undefined) throw new NotFoundError('job', id);
      throw requeueConflict(jobOf(write.current));
    });
  }

  markSent(id: string, dueAtMs: number, nowMs: number): Promise<boolean> {
    return this.run('markSent', () =>
      this.update(jobKey(id, this.shards), markSentCondition(id, dueAtMs, this.shards), markSentUpdate(nowMs)).ok,
    );
  }

  // ---- schedules ----

  putSchedule(schedule: ScheduleRecord): Promise<ScheduleRecord | undefined> {
    return this.run('putSchedule', () => {
      const key = scheduleKey(schedule.id);
      const previous = this.read(key);
      this.update(key, undefined, putScheduleUpdate(schedule, this.shards));
      return previous && scheduleOf(previous);
    });
  }

  createSchedule(schedule: ScheduleRecord): Promise<ScheduleCreation> {
    return this.run('createSchedule', () => {
      const write = this.update(scheduleKey(schedule.id), createScheduleCondition(), createScheduleUpdate(schedule, this.shards), ownScheduleCreation(schedule));
      return write.ok ? { created: true as const } : { created: false as const, current: scheduleOf(write.current!) };
    });
  }

  getSchedule(id: string): Promise<ScheduleRecord | undefined> {
    return this.run('getSchedule', () => {
      const item = this.read(scheduleKey(id));
      return item && scheduleOf(item);
    });
  }

  listSchedules(query: { limit: number; cursor?: string }): Promise<Page<ScheduleRecord>> {
    return this.run('listSchedules', () =>
      collectKeyPage(SCHEDULE_PARTITION, query, async (start, limit) => {
        const read = this.readPartition(SCHEDULE_PARTITION, start, limit);
        return { ...read, items: read.items.map((item) => scheduleOf(item)) };
      }),
    );
  }

  setSchedulePaused(id: string, paused: boolean, nowMs: number, nextRunAtMs?: number): Promise<ScheduleRecord> {
    return this.run('setSchedulePaused', () => {
      const key = scheduleKey(id);
      let write = paused
        ? this.update(key, exists('pk'), pauseScheduleUpdate(nowMs))
        : this.update(key, resumeScheduleCondition(nextRunAtMs), resumeScheduleUpdate(id, nowMs, nextRunAtMs, this.shards));
      if (!write.ok && write.current !== undefined && !paused) {
        write = this.update(key, resumeEndedScheduleCondition(), resumeEndedScheduleUpdate(nowMs));
      }
      if (!write.ok) throw new NotFoundError('schedule', id);
      return scheduleOf(write.item);
    });
  }

  deleteSchedule(id: string): Promise<ScheduleRecord> {
    return this.run('deleteSchedule', () => {
      const key = scheduleKey(id);
      const item = this.read(key);
      if (item === undefined) throw new NotFoundError('schedule', id);
      this.items.delete(itemId(key));
      return scheduleOf(item);
    });
  }

  advanceSchedule(schedule: { id: string; version: number; expectedNextRunAtMs: number }, advance: ScheduleAdvance): Promise<boolean> {
    return this.run('advanceSchedule', () => this.update(scheduleKey(schedule.id), advanceCondition(schedule), advanceUpdate(schedule.id, advance, this.shards), ownAdvance(schedule, advance)).ok);
  }

  cancelOccurrence(occurrence: JobRecord, nowMs: number, expiresAtEpochSec: number): Promise<boolean> {
    return this.run('cancelOccurrence', () => {
      const condition = cancelOccurrenceCondition(occurrence.scheduleGeneration ?? '');
      return this.update(jobKey(occurrence.id, this.shards), condition, cancelOccurrenceUpdate(occurrence, nowMs, expiresAtEpochSec)).ok;
    });
  }

  // ---- sweeper ----

  acquireSweep(owner: string, nowMs: number, leaseUntilMs: number): Promise<SweepState | undefined> {
    return this.run('acquireSweep', () => {
      const write = this.update(sweeperKey(), acquireSweepCondition(nowMs), acquireSweepUpdate(owner, leaseUntilMs), ownLease(owner, leaseUntilMs));
      return write.ok ? sweepStateOf(write.item as unknown as SweeperItem) : undefined;
    });
  }

  saveSweep(owner: string, state: SweepState, release: boolean): Promise<boolean> {
    return this.run('saveSweep', () =>
      this.update(sweeperKey(), saveSweepCondition(owner), saveSweepUpdate(state, release)).ok,
    );
  }

  readBucket(
    shard: number,
    bucket: string,
    options: { after?: DuePosition; untilMs: number; limit: number },
  ): Promise<{ entries: DueEntry[]; done: boolean }> {
    return this.run('readBucket', () => readDuePage(duePartitionKey(bucket, shard), options, async (...args) => this.readIndex(...args)));
  }

  readLane(
    shard: number,
    options: { after?: DuePosition; untilMs: number; limit: number },
  ): Promise<{ entries: DueEntry[]; done: boolean }> {
    return this.run('readLane', () => readDuePage(lanePartitionKey(shard), options, async (...args) => this.readIndex(...args)));
  }

  putScheduleTick(tick: ScheduleTick, expiresAtEpochSec: number): Promise<void> {
    return this.run('putScheduleTick', () => void this.put(toTickItem(tick, this.shards, expiresAtEpochSec), undefined));
  }

  readTicks(
    shard: number,
    options: { fromMs: number; untilMs: number; after?: string; limit: number },
  ): Promise<{ ticks: TickEntry[]; done: boolean }> {
    return this.run('readTicks', () => {
      const pk = tickPartitionKey(shard);
      const { from, through } = tickRange(options.fromMs, options.untilMs);
      const after = options.after ?? '';
      const matching = [...this.items.values()]
        .filter((item) => item.pk === pk && (item.sk as string) >= from && (item.sk as string) <= through && (item.sk as string) > after)
        .sort((a, b) => ((a.sk as string) < (b.sk as string) ? -1 : 1));
      const ticks = matching.slice(0, options.limit).map((item) => ({ scheduleId: item.scheduleId as string, atMs: item.atMs as number, position: item.sk as string }));
      return { ticks, done: matching.length <= options.limit };
    });
  }

  /**
   * The earliest due time still to be read by a sweep: every lane entry (handled ones leave the lane), and the bucket
   * entries and ticks due after `bucketsSweptUntilMs` (a bucket entry stays in the index after its job is sent, a tick
   * stays until its TTL, and the cursors are past those due by the end of the last completed sweep's window).
   * `undefined` when there is none.
   * A sweep acts only on entries due within its lookahead, so the test scheduler uses this to skip sweeps that would
   * find nothing.
   */
  earliestUnsweptDueAtMs(bucketsSweptUntilMs: number): number | undefined {
    let earliest: number | undefined;
    for (const item of this.items.values()) {
      const dueMs = unsweptDueAtMs(item, bucketsSweptUntilMs);
      if (dueMs !== undefined && (earliest === undefined || dueMs < earliest)) earliest = dueMs;
    }
    return earliest;
  }

  // ---- the table ----

  private async run<T>(method: JobStoreMethod, operation: () => T | Promise<T>): Promise<T> {
    const failure = this.failures.get(method);
    if (failure !== undefined) this.failures.delete(method);
    if (failure?.when === 'before') throw failure.error;
    const result = await operation();
    if (failure?.when === 'after') throw failure.error;
    return result;
  }

  private read(key: ItemKey): Item | undefined {
    const item = this.items.get(itemId(key));
    return item && structuredClone(item);
  }

  /** A conditional put (no condition: unconditional); returns the stored copy, or the current item on failure. */
  private put(item: ItemKey & object, condition: Condition | undefined, own?: OwnWrite): Write {
    const current = this.items.get(itemId(item));
    if (condition !== undefined && !evaluateCondition(condition, current)) return failedWrite(current, own);
    const stored = structuredClone(item) as unknown as Item;
    assertFits(stored);
    this.items.set(itemId(item), stored);
    return { ok: true, item: structuredClone(stored) };
  }

  /**
   * A conditional update (no condition: unconditional; an absent item is created, as DynamoDB's UpdateItem does). A
   * failed condition on an item `own` knows for this write's own result counts as done, as in `DynamoDbJobStore`.
   */
  private update(key: ItemKey, condition: Condition | undefined, update: AttributeUpdate, own?: OwnWrite): Write {
    const current = this.items.get(itemId(key));
    if (condition !== undefined && !evaluateCondition(condition, current)) return failedWrite(current, own);
    const next = applyUpdate(current, { pk: key.pk, sk: key.sk }, update);
    assertFits(next);
    this.items.set(itemId(key), next);
    return { ok: true, item: structuredClone(next) };
  }

  /** Like a DynamoDB `Query` on the table with `Limit`: `lastKey` whenever the read stopped at `limit`. */
  private readPartition(pk: string, start: TableKey | undefined, limit: number): PartitionRead<Item> {
    const items = [...this.items.values()]
      .filter((item) => item.pk === pk && (start === undefined || (item.sk as string) > start.sk))
      .sort((a, b) => ((a.sk as string) < (b.sk as string) ? -1 : 1))
      .slice(0, limit)
      .map((item) => structuredClone(item));
    const last = items[items.length - 1];
    return items.length === limit && last !== undefined
      ? { items, lastKey: { pk: last.pk as string, sk: last.sk as string } }
      : { items };
  }

  /** Like a DynamoDB `Query` on the `due` index: `duePk = :p AND dueSk <= :until`, after `start`, `Limit`. */
  private readIndex(duePk: string, untilMs: number, start: DueIndexKey | undefined, limit: number): { items: DueIndexItem[]; more: boolean } {
    const items = [...this.items.values()]
      .filter((item) => item.duePk === duePk && (item.dueSk as number) <= untilMs)
      .map((item): DueIndexItem => {
        const key = { duePk, dueSk: item.dueSk as number, pk: item.pk as string, sk: item.sk as string };
        return typeof item.queue === 'string' ? { ...key, queue: item.queue } : key;
      })
      .filter((entry) => start === undefined || compareDueIndexKeys(entry, start) > 0)
      .sort(compareDueIndexKeys)
      .slice(0, limit);
    return { items, more: items.length === limit };
  }
}

/** DynamoDB refuses a write that makes an item larger than 400 KB; so does this store. */
function assertFits(item: Item): void {
  const size = itemSizeBytes(item);
  if (size > MAX_ITEM_BYTES) throw new ItemTooLargeError(`item "${String(item.pk)}/${String(item.sk)}"`, size);
}

/** When `item` is due for a sweep that has not read it yet: a lane entry, or a bucket entry or tick past the swept window. */
function unsweptDueAtMs(item: Item, bucketsSweptUntilMs: number): number | undefined {
  if (typeof item.pk === 'string' && item.pk.startsWith(TICK_PARTITION_PREFIX)) {
    return (item.atMs as number) > bucketsSweptUntilMs ? (item.atMs as number) : undefined;
  }
  if (typeof item.dueSk !== 'number' || typeof item.duePk !== 'string') return undefined;
  return isLanePartitionKey(item.duePk) || item.dueSk > bucketsSweptUntilMs ? item.dueSk : undefined;
}

function itemId(key: ItemKey): string {
  return `${key.pk}\u0000${key.sk}`;
}


function jobOf(item: Item | undefined): JobRecord {
  return fromJobItem(item as unknown as JobItem);
}

/** A write whose condition failed on `current`: done after all when `own` knows `current` for its own result. */
function failedWrite(current: Item | undefined, own: OwnWrite | undefined): Write {
  if (current === undefined) return { ok: false };
  const copy = structuredClone(current);
  return own?.(copy) ? { ok: true, item: copy } : { ok: false, current: copy };
}

function scheduleOf(item: Item | undefined): ScheduleRecord {
  return fromScheduleItem(item as unknown as ScheduleItem);
}
