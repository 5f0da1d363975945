/**
 * The production `JobStore`: one DynamoDB table (docs/architecture.md). Every state change is one conditional write; a
 * failed condition becomes the domain result from the item DynamoDB returns with the failure
 * (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`), never from an extra read.
 */
import { TransactWriteItemsCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { documentClient } from '../aws-clients.ts';
import { duePartitionKey, lanePartitionKey } from '../core/buckets.ts';
import { ItemTooLargeError, NotFoundError, SundialError, ValidationError } from '../core/errors.ts';
import type { DueIndexKey, TableKey } from './cursors.ts';
import { acquireSweepCondition, acquireSweepUpdate, advanceCondition, advanceUpdate, cancelCondition, cancelOccurrenceCondition, cancelOccurrenceUpdate, cancelUpdate, claimCondition, claimUpdate, createClaimedCondition, createJobCondition, createScheduleCondition, createScheduleUpdate, finishCondition, finishUpdate, markSentCondition, markSentUpdate, ownAdvance, ownClaim, ownLease, ownOutcome, ownScheduleCreation, pauseScheduleUpdate, putScheduleUpdate, requeueCondition, requeueUpdate, resumeEndedScheduleCondition, resumeEndedScheduleUpdate, resumeScheduleCondition, resumeScheduleUpdate, saveSweepCondition, saveSweepUpdate, type OwnWrite } from './write-rules.ts';
import { fromJobItem, fromScheduleItem, jobKey, jobPartitionKey, SCHEDULE_PARTITION, scheduleKey, sweeperKey, sweepStateOf, tickPartitionKey, tickRange, toJobItem, toTickItem, type ItemKey, type JobItem, type ScheduleItem, type SweeperItem } from './items.ts';
import { ExpressionBuilder, exists, type AttributeUpdate, type Condition } from './expressions.ts';
import { collectJobPage, collectKeyPage, readDuePage, type DueIndexItem, type PartitionRead } from './paging.ts';
import { TABLE_SCHEMA } from './schema.ts';
import { cancelConflict, duplicateInBatch, requeueConflict } from './store-errors.ts';
import { jobPutTransactItem, type DocumentTransactPut } from './transaction-items.ts';
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

/** Most puts DynamoDB's BatchWriteItem takes in one request. */
const BATCH_WRITE_SIZE = 25;
/** Attempts at writing a batch's unprocessed items (throttling) before giving up on them. */
const BATCH_WRITE_ATTEMPTS = 8;
const BATCH_BACKOFF_BASE_MS = 50;
const BATCH_BACKOFF_MAX_MS = 2_000;
/** Batches written at the same time by one `createJobs` call. */
const BATCH_CONCURRENCY = 4;

type Item = Record<string, unknown>;
type Write = { ok: true; item: Item } | { ok: false; current?: Item };

/** Options of {@link DynamoDbJobStore}. */
export interface DynamoDbJobStoreOptions {
  readonly tableName: string;
  /** A plain client is wrapped in a document client that drops undefined attributes. */
  readonly client: DynamoDBClient | DynamoDBDocumentClient;
  /** Write shards of job partitions and index partitions; must match every other writer of the table. */
  readonly shards: number;
}

/**
 * `JobStore` on one DynamoDB table laid out as in docs/architecture.md (create it with the `SundialScheduler`
 * construct, or from `TABLE_SCHEMA` in tests).
 *
 * @example
 * ```ts
 * const store = new DynamoDbJobStore({ tableName: 'sundial', client: new DynamoDBClient({}), shards: 8 });
 * const claim = await store.claimJob(id, { dueAtMs, nowMs, leaseUntilMs: nowMs + 60_000 });
 * ```
 */
export class DynamoDbJobStore implements JobStore {
  readonly shards: number;
  private readonly tableName: string;
  private readonly doc: DynamoDBDocumentClient;

  constructor(options: DynamoDbJobStoreOptions) {
    const problems: string[] = [];
    if (typeof options.tableName !== 'string' || options.tableName === '') {
      problems.push(`\`tableName\`: received ${JSON.stringify(options.tableName)}; expected the table's name, e.g. from SUNDIAL_TABLE_NAME.`);
    }
    if (!Number.isInteger(options.shards) || options.shards < 1) {
      problems.push(`\`shards\`: received ${JSON.stringify(options.shards)}; expected an integer ≥ 1, the same for every writer (default 8).`);
    }
    if (problems.length > 0) throw new ValidationError(problems);
    this.tableName = options.tableName;
    this.shards = options.shards;
    this.doc = documentClient(options.client);
  }

  // ---- jobs ----

  /** @inheritdoc */
  async createJob(job: JobRecord, options: { readonly replaceEnded?: boolean } = {}): Promise<CreateJobResult> {
    const write = await this.put(toJobItem(job, this.shards), createJobCondition(job, options.replaceEnded));
    return write.ok ? { created: true, job: jobOf(write.item) } : { created: false, job: jobOf(write.current ?? {}) };
  }

  /** @inheritdoc */
  async createClaimedJob(job: JobRecord, options: { readonly generation?: string } = {}): Promise<ClaimResult> {
    const write = await this.put(toJobItem(job, this.shards), createClaimedCondition(options.generation), ownClaim(job.leaseToken));
    if (write.ok) return { claimed: true, job: jobOf(write.item) };
    return write.current === undefined ? { claimed: false } : { claimed: false, current: jobOf(write.current) };
  }

  /** @inheritdoc */
  async createJobs(jobs: readonly JobRecord[]): Promise<Array<Error | undefined>> {
    const results: Array<Error | undefined> = jobs.map(() => undefined);
    const seen = new Set<string>();
    const pending: Array<{ index: number; item: JobItem }> = [];
    jobs.forEach((job, index) => {
      if (seen.has(job.id)) {
        // BatchWriteItem rejects a whole request that puts one key twice.
        results[index] = duplicateInBatch(job.id, index);
        return;
      }
      seen.add(job.id);
      pending.push({ index, item: toJobItem(job, this.shards) });
    });
    // A job whose message is already out (the direct path sends first) gets a conditional put of its own: BatchWriteItem
    // cannot be conditional, and the SDK's retry of a batch that committed with its response lost would put the job
    // back as `scheduled` over a consumer that claimed it meanwhile. Later jobs wait in their buckets for a sweep at
    // least 13.5 minutes away, out of any retry's reach, and keep the batches.
    const [sent, waiting] = partition(pending, ({ item }) => item.placement === 'none');
    const writes = [
      ...chunksOf(waiting).map((chunk) => () => this.writeChunk(chunk, results)),
      ...chunksOf(sent).map((chunk) => () => this.putSentChunk(chunk, results)),
    ];
    for (let i = 0; i < writes.length; i += BATCH_CONCURRENCY) {
      await Promise.all(writes.slice(i, i + BATCH_CONCURRENCY).map((write) => write()));
    }
    return results;
  }

  /**
   * One `TransactWriteItems` holding the caller's items, then a put per job (`jobPutTransactItem`), so a caller's
   * cancelled transaction enqueues nothing. The SDK's `TransactionCanceledException` is passed on as it is: its
   * `CancellationReasons` are positional, and the caller knows its own items' positions.
   *
   * @example
   * ```ts
   * await store.createJobsWithCallerItems([myOrderPut], [{ ...job, placement: 'lane' }], 'client');
   * ```
   */
  async createJobsWithCallerItems(callerItems: readonly unknown[], jobs: readonly JobRecord[], format: 'client' | 'document'): Promise<void> {
    if (format === 'client') {
      const jobItems = jobs.map((job) => jobPutTransactItem(this.tableName, job, this.shards, 'client'));
      await this.doc.send(new TransactWriteItemsCommand({ TransactItems: [...(callerItems as TransactWriteItem[]), ...jobItems] }));
    } else {
      const jobItems = jobs.map((job) => jobPutTransactItem(this.tableName, job, this.shards, 'document'));
      await this.doc.send(new TransactWriteCommand({ TransactItems: [...(callerItems as DocumentTransactPut[]), ...jobItems] }));
    }
  }

  /** @inheritdoc */
  async getJob(id: string): Promise<JobRecord | undefined> {
    const response = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: jobKey(id, this.shards), ConsistentRead: true }));
    return response.Item && jobOf(response.Item);
  }

  /**
   * A page of jobs, shard by shard (ids ascending within a shard): one `Query` per job partition, never a Scan.
   * `state` and `task` match exactly; the due range is `dueAfterMs <= dueAtMs < dueBeforeMs`.
   *
   * @example
   * ```ts
   * const { items, cursor } = await store.listJobs({ state: 'failed', limit: 50 });
   * ```
   */
  async listJobs(query: ListJobsQuery): Promise<Page<JobRecord>> {
    return collectJobPage(query, this.shards, async (shard, start, limit, filter) => {
      const builder = new ExpressionBuilder();
      const KeyConditionExpression = `${builder.name(TABLE_SCHEMA.partitionKey)} = ${builder.value(jobPartitionKey(shard))}`;
      const FilterExpression = filter && builder.condition(filter);
      const response = await this.doc.send(new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression,
        ...(FilterExpression ? { FilterExpression } : {}),
        ...builder.attributes(),
        ExclusiveStartKey: start,
        Limit: limit,
        ConsistentRead: true,
      }));
      return { items: (response.Items ?? []) as JobItem[], ...lastKeyOf(response.LastEvaluatedKey) };
    });
  }

  /** @inheritdoc */
  async cancelJob(id: string, nowMs: number, expiresAtEpochSec: number): Promise<JobRecord> {
    const write = await this.update(jobKey(id, this.shards), cancelCondition(), cancelUpdate(nowMs, expiresAtEpochSec));
    if (write.ok) return jobOf(write.item);
    if (write.current === undefined) throw new NotFoundError('job', id);
    throw cancelConflict(jobOf(write.current));
  }

  /** @inheritdoc */
  async claimJob(id: string, claim: ClaimLease & { readonly dueAtMs: number }): Promise<ClaimResult> {
    const write = await this.update(jobKey(id, this.shards), claimCondition(claim), claimUpdate(claim), ownClaim(claim.token));
    if (write.ok) return { claimed: true, job: jobOf(write.item) };
    return write.current === undefined ? { claimed: false } : { claimed: false, current: jobOf(write.current) };
  }

  /** @inheritdoc */
  async finishAttempt(id: string, attempt: number, outcome: AttemptOutcome): Promise<boolean> {
    const update = finishUpdate(id, outcome, this.shards);
    return (await this.update(jobKey(id, this.shards), finishCondition(attempt), update, ownOutcome(attempt, outcome))).ok;
  }

  /** @inheritdoc */
  async requeueFailedJob(id: string, nowMs: number, dueAtMs: number, maxAttempts: number, inherits: readonly InheritedOption[] = []): Promise<JobRecord> {
    const write = await this.update(jobKey(id, this.shards), requeueCondition(), requeueUpdate(id, nowMs, dueAtMs, maxAttempts, this.shards, inherits));
    if (write.ok) return jobOf(write.item);
    if (write.current === undefined) throw new NotFoundError('job', id);
    throw requeueConflict(jobOf(write.current));
  }

  /** @inheritdoc */
  async markSent(id: string, dueAtMs: number, nowMs: number): Promise<boolean> {
    const condition = markSentCondition(id, dueAtMs, this.shards);
    return (await this.update(jobKey(id, this.shards), condition, markSentUpdate(nowMs))).ok;
  }

  // ---- schedules ----

  /**
   * Creates or replaces a schedule in one write and resolves with the previous one. The stored `version` is the
   * previous version + 1 (1 for a new schedule), whatever `schedule.version` says.
   *
   * @example
   * ```ts
   * const previous = await store.putSchedule(schedule);
   * ```
   */
  async putSchedule(schedule: ScheduleRecord): Promise<ScheduleRecord | undefined> {
    const builder = new ExpressionBuilder();
    const UpdateExpression = builder.update(putScheduleUpdate(schedule, this.shards));
    const response = await this.doc.send(new UpdateCommand({
      TableName: this.tableName,
      Key: scheduleKey(schedule.id),
      UpdateExpression,
      ...builder.attributes(),
      ReturnValues: 'ALL_OLD',
    }));
    return response.Attributes && scheduleOf(response.Attributes);
  }

  /** @inheritdoc */
  async createSchedule(schedule: ScheduleRecord): Promise<ScheduleCreation> {
    const write = await this.update(scheduleKey(schedule.id), createScheduleCondition(), createScheduleUpdate(schedule, this.shards), ownScheduleCreation(schedule));
    if (write.ok) return { created: true };
    if (write.current === undefined) throw new SundialError(`creating schedule "${schedule.id}" failed its condition, yet no item was returned`);
    return { created: false, current: scheduleOf(write.current) };
  }

  /** @inheritdoc */
  async getSchedule(id: string): Promise<ScheduleRecord | undefined> {
    const response = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: scheduleKey(id), ConsistentRead: true }));
    return response.Item && scheduleOf(response.Item);
  }

  /** @inheritdoc */
  async listSchedules(query: { limit: number; cursor?: string }): Promise<Page<ScheduleRecord>> {
    return collectKeyPage(SCHEDULE_PARTITION, query, async (start, limit) => {
      const builder = new ExpressionBuilder();
      const KeyConditionExpression = `${builder.name(TABLE_SCHEMA.partitionKey)} = ${builder.value(SCHEDULE_PARTITION)}`;
      const response = await this.doc.send(new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression,
        ...builder.attributes(),
        ExclusiveStartKey: start,
        Limit: limit,
        ConsistentRead: true,
      }));
      return { items: (response.Items ?? []).map(scheduleOf), ...lastKeyOf(response.LastEvaluatedKey) };
    });
  }

  /** @inheritdoc */
  async setSchedulePaused(id: string, paused: boolean, nowMs: number, nextRunAtMs?: number): Promise<ScheduleRecord> {
    const key = scheduleKey(id);
    let write = paused
      ? await this.update(key, exists(TABLE_SCHEMA.partitionKey), pauseScheduleUpdate(nowMs))
      : await this.update(key,
          resumeScheduleCondition(nextRunAtMs),
          resumeScheduleUpdate(id, nowMs, nextRunAtMs, this.shards),
        );
    if (!write.ok && write.current !== undefined && !paused) {
      // An ended schedule (no next run) resumes without a lane entry.
      write = await this.update(key, resumeEndedScheduleCondition(), resumeEndedScheduleUpdate(nowMs));
    }
    if (!write.ok) throw new NotFoundError('schedule', id);
    return scheduleOf(write.item);
  }

  /** @inheritdoc */
  async deleteSchedule(id: string): Promise<ScheduleRecord> {
    const builder = new ExpressionBuilder();
    const ConditionExpression = builder.condition(exists(TABLE_SCHEMA.partitionKey));
    try {
      const response = await this.doc.send(new DeleteCommand({
        TableName: this.tableName,
        Key: scheduleKey(id),
        ConditionExpression,
        ...builder.attributes(),
        ReturnValues: 'ALL_OLD',
      }));
      return scheduleOf(response.Attributes ?? {});
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw new NotFoundError('schedule', id, { cause: error });
    }
  }

  /** @inheritdoc */
  async advanceSchedule(schedule: { id: string; version: number; expectedNextRunAtMs: number }, advance: ScheduleAdvance): Promise<boolean> {
    return (await this.update(scheduleKey(schedule.id), advanceCondition(schedule), advanceUpdate(schedule.id, advance, this.shards), ownAdvance(schedule, advance))).ok;
  }

  /** @inheritdoc */
  async cancelOccurrence(occurrence: JobRecord, nowMs: number, expiresAtEpochSec: number): Promise<boolean> {
    const condition = cancelOccurrenceCondition(occurrence.scheduleGeneration ?? '');
    const update = cancelOccurrenceUpdate(occurrence, nowMs, expiresAtEpochSec);
    return (await this.update(jobKey(occurrence.id, this.shards), condition, update)).ok;
  }

  // ---- sweeper ----

  /** @inheritdoc */
  async acquireSweep(owner: string, nowMs: number, leaseUntilMs: number): Promise<SweepState | undefined> {
    const write = await this.update(sweeperKey(), acquireSweepCondition(nowMs), acquireSweepUpdate(owner, leaseUntilMs), ownLease(owner, leaseUntilMs));
    return write.ok ? sweepStateOf(write.item as unknown as SweeperItem) : undefined;
  }

  /** @inheritdoc */
  async saveSweep(owner: string, state: SweepState, release: boolean): Promise<boolean> {
    return (await this.update(sweeperKey(), saveSweepCondition(owner), saveSweepUpdate(state, release))).ok;
  }

  /** @inheritdoc */
  async readBucket(
    shard: number,
    bucket: string,
    options: { after?: DuePosition; untilMs: number; limit: number },
  ): Promise<{ entries: DueEntry[]; done: boolean }> {
    return readDuePage(duePartitionKey(bucket, shard), options, (...args) => this.queryDueIndex(...args));
  }

  /** @inheritdoc */
  async readLane(
    shard: number,
    options: { after?: DuePosition; untilMs: number; limit: number },
  ): Promise<{ entries: DueEntry[]; done: boolean }> {
    return readDuePage(lanePartitionKey(shard), options, (...args) => this.queryDueIndex(...args));
  }

  /** @inheritdoc */
  async putScheduleTick(tick: ScheduleTick, expiresAtEpochSec: number): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: toTickItem(tick, this.shards, expiresAtEpochSec) }));
  }

  /** @inheritdoc */
  async readTicks(
    shard: number,
    options: { fromMs: number; untilMs: number; after?: string; limit: number },
  ): Promise<{ ticks: TickEntry[]; done: boolean }> {
    const pk = tickPartitionKey(shard);
    const { from, through } = tickRange(options.fromMs, options.untilMs);
    const builder = new ExpressionBuilder();
    const KeyConditionExpression =
      `${builder.name(TABLE_SCHEMA.partitionKey)} = ${builder.value(pk)} AND ` +
      `${builder.name(TABLE_SCHEMA.sortKey)} BETWEEN ${builder.value(from)} AND ${builder.value(through)}`;
    const response = await this.doc.send(new QueryCommand({
      TableName: this.tableName,
      KeyConditionExpression,
      ...builder.attributes(),
      ...(options.after === undefined ? {} : { ExclusiveStartKey: { pk, sk: options.after } }),
      Limit: options.limit,
      ConsistentRead: true,
    }));
    const ticks = (response.Items ?? []).map((item) => ({ scheduleId: item.scheduleId as string, atMs: item.atMs as number, position: item.sk as string }));
    return { ticks, done: response.LastEvaluatedKey === undefined };
  }

  // ---- requests ----

  private async queryDueIndex(
    duePk: string,
    untilMs: number,
    start: DueIndexKey | undefined,
    limit: number,
  ): Promise<{ items: DueIndexItem[]; more: boolean }> {
    const { name, partitionKey, sortKey } = TABLE_SCHEMA.dueIndex;
    const builder = new ExpressionBuilder();
    const KeyConditionExpression =
      `${builder.name(partitionKey)} = ${builder.value(duePk)} AND ${builder.name(sortKey)} <= ${builder.value(untilMs)}`;
    const response = await this.doc.send(new QueryCommand({
      TableName: this.tableName,
      IndexName: name,
      KeyConditionExpression,
      ...builder.attributes(),
      ExclusiveStartKey: start && { duePk: start.duePk, dueSk: start.dueSk, pk: start.pk, sk: start.sk },
      Limit: limit,
    }));
    return { items: (response.Items ?? []) as DueIndexItem[], more: response.LastEvaluatedKey !== undefined };
  }

  /**
   * One conditional PutItem; on a failed condition, the item as it is (from the failure itself), or success when `own`
   * knows that item for this very write's result (the SDK's retry of a put that committed).
   */
  private async put(item: JobItem, condition: Condition, own?: OwnWrite): Promise<Write> {
    const builder = new ExpressionBuilder();
    const ConditionExpression = builder.condition(condition);
    try {
      await this.doc.send(new PutCommand({
        TableName: this.tableName,
        Item: item,
        ConditionExpression,
        ...builder.attributes(),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
      return { ok: true, item: item as unknown as Item };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return failedWrite(conditionFailure(error), own);
    }
  }

  /** One conditional UpdateItem; on a failed condition, as `put`. */
  private async update(key: ItemKey, condition: Condition, update: AttributeUpdate, own?: OwnWrite): Promise<Write> {
    const builder = new ExpressionBuilder();
    const UpdateExpression = builder.update(update);
    const ConditionExpression = builder.condition(condition);
    try {
      const response = await this.doc.send(new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression,
        ConditionExpression,
        ...builder.attributes(),
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
      return { ok: true, item: response.Attributes ?? {} };
    } catch (error) {
      if (isItemSizeRefusal(error)) throw new ItemTooLargeError(`item "${key.pk}/${key.sk}"`, undefined, { cause: error });
      if (!isConditionFailure(error)) throw error;
      return failedWrite(conditionFailure(error), own);
    }
  }

  /** Writes one chunk of ≤ 25 new jobs, retrying what DynamoDB leaves unprocessed; records per-item errors. */
  private async writeChunk(chunk: ReadonlyArray<{ index: number; item: JobItem }>, results: Array<Error | undefined>): Promise<void> {
    let remaining = [...chunk];
    for (let attempt = 0; attempt < BATCH_WRITE_ATTEMPTS && remaining.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.random() * Math.min(BATCH_BACKOFF_MAX_MS, BATCH_BACKOFF_BASE_MS * 2 ** attempt));
      let unprocessed: Item[];
      try {
        const response = await this.doc.send(new BatchWriteCommand({
          RequestItems: { [this.tableName]: remaining.map(({ item }) => ({ PutRequest: { Item: item } })) },
        }));
        unprocessed = (response.UnprocessedItems?.[this.tableName] ?? []).map((request) => request.PutRequest?.Item ?? {});
      } catch (error) {
        if ((error as Error).name === 'ValidationException') {
          // One bad item (e.g. over 400 KB) fails the whole request: write them one by one to know which.
          await Promise.all(remaining.map((entry) => this.putOne(entry, results)));
          return;
        }
        for (const { index } of remaining) results[index] = error as Error;
        return;
      }
      const left = new Set(unprocessed.map((item) => `${String(item.pk)}\u0000${String(item.sk)}`));
      remaining = remaining.filter(({ item }) => left.has(`${item.pk}\u0000${item.sk}`));
    }
    for (const { index, item } of remaining) {
      results[index] = new SundialError(
        `DynamoDB left job "${item.sk}" unprocessed after ${BATCH_WRITE_ATTEMPTS} attempts (the table is throttling); ` +
          `it was not written. Enqueue it again later, or raise the table's write capacity.`,
      );
    }
  }

  /**
   * Puts each job of a chunk whose message is already out, on condition that its id is free. Its id is a fresh random
   * one, so a failed condition means this very put committed before (the SDK's retry after a lost response), and the
   * item may already be a consumer's: written.
   */
  private async putSentChunk(chunk: ReadonlyArray<{ index: number; item: JobItem }>, results: Array<Error | undefined>): Promise<void> {
    await Promise.all(chunk.map(async ({ index, item }) => {
      try {
        await this.put(item, createJobCondition(item, false));
      } catch (error) {
        results[index] = error as Error;
      }
    }));
  }

  private async putOne(entry: { index: number; item: JobItem }, results: Array<Error | undefined>): Promise<void> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: entry.item }));
    } catch (error) {
      results[entry.index] = error as Error;
    }
  }
}

function jobOf(item: Item): JobRecord {
  return fromJobItem(item as unknown as JobItem);
}

/** A write whose condition failed on `current`: done after all when `own` knows `current` for its own result. */
function failedWrite(current: Item | undefined, own: OwnWrite | undefined): Write {
  if (current === undefined) return { ok: false };
  return own?.(current) ? { ok: true, item: current } : { ok: false, current };
}

function scheduleOf(item: Item): ScheduleRecord {
  return fromScheduleItem(item as unknown as ScheduleItem);
}

function lastKeyOf(key: Record<string, unknown> | undefined): Pick<PartitionRead<unknown>, 'lastKey'> {
  return key === undefined ? {} : { lastKey: { pk: String(key.pk), sk: String(key.sk) } satisfies TableKey };
}

function isConditionFailure(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}

/**
 * The item returned with a `ConditionalCheckFailedException` (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`),
 * unmarshalled: the document client does not unmarshall errors. Undefined for other errors or when there was no item.
 */
function conditionFailure(error: unknown): Item | undefined {
  if (!isConditionFailure(error)) return undefined;
  const item = (error as { Item?: Parameters<typeof unmarshall>[0] }).Item;
  return item === undefined ? undefined : unmarshall(item);
}

/** `items` in chunks of one `BatchWriteItem` (25), in order. */
function chunksOf<T>(items: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH_WRITE_SIZE) chunks.push(items.slice(i, i + BATCH_WRITE_SIZE));
  return chunks;
}

/** `items` split by `test`: those that pass, then the others, each in order. */
function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  const pass: T[] = [];
  const fail: T[] = [];
  for (const item of items) (test(item) ? pass : fail).push(item);
  return [pass, fail];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** DynamoDB's refusal of a write that would make an item exceed 400 KB (a `ValidationException` naming the item size). */
function isItemSizeRefusal(error: unknown): boolean {
  return (error as Error)?.name === 'ValidationException' && /item size/i.test((error as Error).message);
}
