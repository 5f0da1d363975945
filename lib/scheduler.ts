/**
 * `Scheduler`: the library other services call to enqueue, schedule, inspect and control jobs (DESIGN §5).
 */
import { DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { documentClient, dynamodbClient, sqsClient } from './aws-clients.ts';
import { systemClock } from './clock.ts';
import { DEFAULT_DIRECT_HORIZON_SEC, DEFAULT_LOOKAHEAD_SEC, readConfig } from './config.ts';
import {
  cancelOccurrenceById,
  cancelPendingOccurrences,
  createSpawned,
  scheduleGeneration,
  spawnDueOccurrences,
  type OccurrenceCounters,
  type OccurrenceDeps,
  type OccurrenceWindow,
} from './schedules/occurrences.ts';
import { DEFAULT_MAX_CATCH_UP, DEFAULT_MISFIRE_GRACE_SEC } from './sweeper/sweep-config.ts';
import type { Clock } from './core/clock.ts';
import { DEFAULT_MAX_ATTEMPTS, maxAttemptsProblems, type RandomSource } from './core/backoff.ts';
import { ConfigurationError, ConflictError, NotFoundError, ValidationError } from './core/errors.ts';
import { couldBeJobId, idProblems, newJobId, uniqueJobId } from './core/ids.ts';
import { placementOf, type Writer } from './core/placement.ts';
import { firstOccurrenceMs, nextOccurrenceMs } from './core/recurrence.ts';
import { assertValid, describeValue } from './core/validation.ts';
import { instantProblems, parseInstantMs } from './core/when.ts';
import { sendJobMessages } from './queue/send-job-messages.ts';
import { toJob, toSchedule, type Job, type Schedule } from './model.ts';
import { validateEnqueue, validateSchedule, type EnqueueOptions, type ScheduleOptions, type ValidatedEnqueue } from './options.ts';
import { SqsJobQueue } from './queue/sqs-queue.ts';
import type { JobQueue, Precision } from './queue/types.ts';
import { jobPutTransactItem, type DocumentTransactPut } from './store/transaction-items.ts';
import { DynamoDbJobStore } from './store/dynamodb-store.ts';
import { newWriteToken } from './store/write-tokens.ts';
import { getTaskDefinition } from './tasks/registry.ts';
import { LIVE_STATES, type JobRecord, type JobState, type JobStore, type Page, type ScheduleRecord } from './store/types.ts';

/** DynamoDB's limit on the actions of one transaction. */
const MAX_TRANSACTION_ACTIONS = 100;
/**
 * `enqueueMany` sends and writes in slices of this many jobs: a message never waits for its job's write longer than one
 * slice takes to write (about half a second), however large the call — well inside the consumer's orphan grace.
 */
export const ENQUEUE_SLICE_SIZE = 1_000;
const JOB_STATES: readonly JobState[] = ['scheduled', 'running', 'retrying', 'completed', 'failed', 'cancelled'];

/** Settings shared by both ways of building a `Scheduler`. */
interface CommonOptions {
  /** Where time comes from. @default the system clock */
  readonly clock?: Clock;
  /** Randomness for job ids. @default Math.random */
  readonly random?: RandomSource;
  /** How long ended jobs are kept. @default 7 days */
  readonly retentionDays?: number;
  /**
   * Jobs due sooner than this go to SQS at enqueue; it must match the deployment's `SUNDIAL_DIRECT_HORIZON_SECONDS`
   * (the sweeper's cursor relies on it). @default 900 s, SQS's longest delay
   */
  readonly directHorizonSec?: number;
  /**
   * How far ahead the sweeper spawns recurring occurrences; `schedule` and `resume` spawn those due within it
   * themselves, so a schedule's first run never waits for the next sweep. @default 90 s
   */
  readonly lookaheadSec?: number;
}

/** Build on DynamoDB and SQS (the normal case). */
export interface AwsSchedulerOptions extends CommonOptions {
  readonly tableName: string;
  /** URL of the `default` queue; use `queues` for several named queues. */
  readonly queueUrl?: string;
  /** Queue name → URL; must include `default`. */
  readonly queues?: Readonly<Record<string, string>>;
  readonly dynamodb?: DynamoDBClient | DynamoDBDocumentClient;
  readonly sqs?: SQSClient;
  /** Write shards; must match the deployment's `SUNDIAL_SHARDS`. @default 8 */
  readonly shards?: number;
  /** Must match the deployment's `SUNDIAL_PRECISION` (the construct's `precision`). @default 'millisecond' */
  readonly precision?: Precision;
}

/** Build on any store and queue (tests, embedding: `MemoryJobStore` + `MemoryJobQueue`). */
export interface CustomSchedulerOptions extends CommonOptions {
  readonly store: JobStore;
  readonly queue: JobQueue;
}

export type SchedulerOptions = AwsSchedulerOptions | CustomSchedulerOptions;

/** Options of `transactItems` / `transact`: which SDK item format the caller's transaction uses. */
export interface TransactFormatOptions {
  /** `client`: `@aws-sdk/client-dynamodb` `TransactWriteItemsCommand` items; `document`: `@aws-sdk/lib-dynamodb` `TransactWriteCommand` items. @default 'client' */
  readonly format?: 'document' | 'client';
}

/** One job of `enqueueMany` or `transact`. */
export interface JobRequest<P = unknown> {
  readonly task: string;
  readonly payload: P;
  readonly options?: EnqueueOptions;
}

/** The outcome for one item of `enqueueMany`. */
export type EnqueueManyResult = { readonly ok: true; readonly job: Job } | { readonly ok: false; readonly error: Error };

/** Filters of `list`. */
export interface ListOptions {
  readonly state?: JobState;
  readonly task?: string;
  readonly dueAfter?: Date | string;
  readonly dueBefore?: Date | string;
  /** Page size, 1–1000. @default 100 */
  readonly limit?: number;
  readonly cursor?: string;
}

/**
 * Enqueues one-off jobs, manages recurring schedules, and inspects or controls both.
 *
 * @example
 * ```ts
 * const scheduler = Scheduler.fromEnv();
 * await scheduler.enqueue('send-email', { to: 'ada@example.com' }, { in: '10m' });
 * await scheduler.schedule('weekly-report', 'rebuild-report', {}, { cron: '0 9 * * MON', timezone: 'America/New_York' });
 * ```
 */
export class Scheduler {
  readonly store: JobStore;
  readonly queue: JobQueue;
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly retentionSec: number;
  private readonly directHorizonMs: number;
  private readonly lookaheadSec: number;
  /** What the transaction-item builders need; absent for a scheduler on a custom store. */
  private readonly aws?: { tableName: string; shards: number };

  constructor(options: SchedulerOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.retentionSec = (options.retentionDays ?? 7) * 86_400;
    this.directHorizonMs = (options.directHorizonSec ?? DEFAULT_DIRECT_HORIZON_SEC) * 1000;
    this.lookaheadSec = options.lookaheadSec ?? DEFAULT_LOOKAHEAD_SEC;
    if ('store' in options) {
      this.store = options.store;
      this.queue = options.queue;
      return;
    }
    const queueUrls = { ...(options.queueUrl ? { default: options.queueUrl } : {}), ...options.queues };
    const problems: string[] = [];
    if (!options.tableName) problems.push('`tableName` is required (the table the SundialScheduler construct created)');
    if (!queueUrls.default) problems.push('a `default` queue is required: pass `queueUrl` or `queues: { default: url }`');
    if (problems.length > 0) throw new ConfigurationError(problems.join('; '));
    const shards = options.shards ?? 8;
    const doc = documentClient(options.dynamodb ?? new DynamoDBClient({}));
    this.aws = { tableName: options.tableName, shards };
    this.store = new DynamoDbJobStore({ tableName: options.tableName, client: doc, shards });
    this.queue = new SqsJobQueue({ client: options.sqs ?? sqsClient(), queueUrls, ...(options.precision ? { precision: options.precision } : {}) });
  }

  /**
   * A scheduler configured by the environment the SundialScheduler construct (or `startLocalStack`) sets:
   * `SUNDIAL_TABLE_NAME`, `SUNDIAL_QUEUES`, `SUNDIAL_SHARDS`, `SUNDIAL_RETENTION_DAYS`, plus the SDK's own variables.
   *
   * @example
   * ```ts
   * const scheduler = Scheduler.fromEnv();
   * ```
   */
  static fromEnv(env: Record<string, string | undefined> = process.env, options: CommonOptions = {}): Scheduler {
    const config = readConfig(env);
    return new Scheduler({
      tableName: config.tableName,
      queues: config.queueUrls,
      shards: config.shards,
      retentionDays: config.retentionDays,
      directHorizonSec: config.directHorizonSec,
      lookaheadSec: config.lookaheadSec,
      precision: config.precision,
      dynamodb: dynamodbClient(env),
      sqs: sqsClient(env),
      ...options,
    });
  }

  /**
   * Enqueues a one-off job: now, `in` a duration, or `at` an instant. A job due within 15 minutes goes to SQS at once
   * (it is still recorded, so it can be listed and cancelled); a later one waits in the table for the sweeper.
   *
   * @example
   * ```ts
   * await scheduler.enqueue('send-email', { to: 'ada@example.com' });                        // now
   * await scheduler.enqueue('send-email', { to: 'ada@example.com' }, { in: 30 });             // in 30 s
   * await scheduler.enqueue('charge', { id: 7 }, { at: '2026-12-01T09:00:00+01:00' });       // at an instant
   * await scheduler.enqueue('welcome', { user: 42 }, { in: '1h', unique: 'welcome:42' });    // idempotent
   * ```
   */
  async enqueue<P = unknown>(task: string, payload: P, options?: EnqueueOptions): Promise<Job<P>> {
    const nowMs = this.clock.nowMs();
    const { value, problems } = validateEnqueue(task, payload, options, nowMs, this.queue.queueNames);
    if (!value) throw new ValidationError(problems);
    return toJob<P>(await this.write(value, nowMs));
  }

  /**
   * Enqueues many jobs with batched writes (25 per request) and batched sends (10 per request). Every item is
   * validated first; if any is invalid nothing is written and one `ValidationError` lists every problem with its index.
   * Resolves with one result per item, in order.
   *
   * @example
   * ```ts
   * const results = await scheduler.enqueueMany([
   *   { task: 'send-email', payload: { to: 'a@example.com' } },
   *   { task: 'send-email', payload: { to: 'b@example.com' }, options: { in: '1h' } },
   * ]);
   * results.every((r) => r.ok); // true
   * ```
   */
  async enqueueMany(items: readonly JobRequest[]): Promise<EnqueueManyResult[]> {
    const nowMs = this.clock.nowMs();
    const validated = this.validateAll(items, nowMs, 'items');
    const results: EnqueueManyResult[] = new Array(items.length);
    // Unique jobs need a conditional write each (items repeating a task and key in this call share the first's
    // write); the rest go in batches.
    const plain: Array<{ index: number; record: JobRecord }> = [];
    const uniqueWrites = new Map<string, Promise<JobRecord>>();
    await Promise.all(
      validated.map(async (v, index) => {
        if (v.uniqueKey !== undefined) {
          const id = this.idFor(v, nowMs);
          const first = uniqueWrites.get(id);
          const written = first ? first.then((job) => sameUniqueJob(job, v)) : this.write(v, nowMs);
          if (!first) uniqueWrites.set(id, written);
          results[index] = await written.then(
            (record) => ({ ok: true, job: toJob(record) }) as const,
            (error: Error) => ({ ok: false, error }) as const,
          );
        } else {
          plain.push({ index, record: this.newRecord(v, newJobId(nowMs, this.random), nowMs, 'direct') });
        }
      }),
    );
    for (let start = 0; start < plain.length; start += ENQUEUE_SLICE_SIZE) {
      await this.sendThenWrite(plain.slice(start, start + ENQUEUE_SLICE_SIZE), results, nowMs);
    }
    return results;
  }

  /**
   * The `TransactWriteItem`s (low-level `@aws-sdk/client-dynamodb` format) that enqueue a job inside the caller's own
   * `TransactWriteItemsCommand`: if the transaction is cancelled, nothing is enqueued. A near-due job written this way
   * is sent by the next sweep (within about a minute); `transact` sends it right after the commit instead.
   * `transactDocumentItems` is the twin for `@aws-sdk/lib-dynamodb`'s `TransactWriteCommand`.
   *
   * @example
   * ```ts
   * await dynamodb.send(new TransactWriteItemsCommand({ TransactItems: [
   *   { Put: { TableName: 'orders', Item: marshall(order) } },
   *   ...scheduler.transactItems('send-receipt', { orderId: order.id }, { in: '1h' }),
   * ] }));
   * ```
   */
  transactItems<P = unknown>(task: string, payload: P, options?: EnqueueOptions): TransactWriteItem[] {
    const aws = this.requireAws('transactItems');
    return [jobPutTransactItem(aws.tableName, this.transactionRecord(task, payload, options), aws.shards, 'client')];
  }

  /**
   * Like `transactItems`, in the `@aws-sdk/lib-dynamodb` `TransactWriteCommand` format (plain JavaScript values).
   *
   * @example
   * ```ts
   * await doc.send(new TransactWriteCommand({ TransactItems: [
   *   { Put: { TableName: 'orders', Item: order } },
   *   ...scheduler.transactDocumentItems('send-receipt', { orderId: order.id }),
   * ] }));
   * ```
   */
  transactDocumentItems<P = unknown>(task: string, payload: P, options?: EnqueueOptions): DocumentTransactPut[] {
    const aws = this.requireAws('transactDocumentItems');
    return [jobPutTransactItem(aws.tableName, this.transactionRecord(task, payload, options), aws.shards, 'document')];
  }

  /**
   * Runs one DynamoDB transaction holding the caller's items and the jobs (the store's `createJobsWithCallerItems`);
   * after it commits, jobs due within the SQS horizon are sent at once. If the transaction is cancelled (a condition of
   * the caller's failed), nothing is enqueued and the SDK's `TransactionCanceledException` is thrown. On the memory
   * store (tests) only the jobs can be written: items of the caller's are refused with a `ConfigurationError`.
   *
   * @example
   * ```ts
   * const [receipt] = await scheduler.transact(
   *   [{ Update: { TableName: 'accounts', Key: { id: 'a1' }, UpdateExpression: 'SET paid = :t', ExpressionAttributeValues: { ':t': true } } }],
   *   [{ task: 'send-receipt', payload: { account: 'a1' } }],
   *   { format: 'document' },
   * );
   * ```
   */
  async transact(callerItems: readonly unknown[], jobs: readonly JobRequest[], format: TransactFormatOptions = {}): Promise<Job[]> {
    const nowMs = this.clock.nowMs();
    if (callerItems.length + jobs.length > MAX_TRANSACTION_ACTIONS) {
      throw new ValidationError(
        `a transaction holds at most ${MAX_TRANSACTION_ACTIONS} actions; received ${callerItems.length} of yours + ${jobs.length} jobs: split it, or use enqueueMany for jobs that need no transaction`,
      );
    }
    const records = this.validateAll(jobs, nowMs, 'jobs').map((v) => this.newRecord(v, this.idFor(v, nowMs), nowMs, 'transaction'));
    await this.store.createJobsWithCallerItems(callerItems, records, format.format ?? 'client');
    // Committed: send what is near, then take it out of its lane (a crash in between leaves it to the sweeper).
    const lane = records.filter((r) => r.placement === 'lane');
    await sendJobMessages(this.queue, lane, nowMs);
    await Promise.all(lane.map((r) => this.store.markSent(r.id, r.dueAtMs, nowMs)));
    return records.map((r) => toJob(r));
  }

  /**
   * Creates or replaces the recurring schedule `id`. Replacing cancels the occurrences of the old rule that were
   * already handed to SQS and have not started, so a changed expression or zone never fires the old one again.
   *
   * @example
   * ```ts
   * await scheduler.schedule('weekly-report', 'rebuild-report', {}, { cron: '0 9 * * MON', timezone: 'America/New_York' });
   * await scheduler.schedule('heartbeat', 'ping', {}, { every: '5m', misfire: 'skip' });
   * ```
   */
  async schedule<P = unknown>(id: string, task: string, payload: P, options: ScheduleOptions): Promise<Schedule<P>> {
    const nowMs = this.clock.nowMs();
    const v = validateSchedule(id, task, payload, options, this.queue.queueNames);
    const first = firstOccurrenceMs(v.recurrence, nowMs);
    const recordAfter = (previous: ScheduleRecord | undefined): ScheduleRecord => ({
      id,
      task: v.task,
      queue: v.options.queue,
      payload: v.payloadJson,
      recurrence: v.recurrence.rule,
      anchorMs: first ?? nowMs,
      ...(v.recurrence.startAtMs !== undefined ? { startAtMs: v.recurrence.startAtMs } : {}),
      ...(v.recurrence.endAtMs !== undefined ? { endAtMs: v.recurrence.endAtMs } : {}),
      ...(v.recurrence.maxRuns !== undefined ? { maxRuns: v.recurrence.maxRuns } : {}),
      ...(first !== undefined ? { nextRunAtMs: first } : {}),
      runs: 0,
      paused: false,
      misfire: v.misfire,
      overlap: v.overlap,
      maxAttempts: v.options.maxAttempts,
      backoff: v.options.backoff,
      timeoutSec: v.options.timeoutSec,
      storeResult: v.options.storeResult,
      ...(v.options.inherits.length > 0 ? { inherits: v.options.inherits } : {}),
      version: (previous?.version ?? 0) + 1,
      createdAtMs: previous?.createdAtMs ?? nowMs,
      updatedAtMs: nowMs,
    });
    let previous = await this.store.getSchedule(id);
    if (previous === undefined) {
      // A new schedule is written once, already past the occurrences it sends now (`createSpawned`).
      const creation = await createSpawned(this.occurrenceDeps(), recordAfter(undefined), this.spawnWindow(nowMs), spawnCounters());
      if (creation.created) return toSchedule<P>(creation.schedule);
      // A racing call created it first: this one replaces it, as a call made a moment later would.
      previous = creation.current;
    }
    const record = recordAfter(previous);
    const returned = await this.store.putSchedule(record);
    // A put the SDK sent again after it committed (its response lost) returns its own first write, and the stored
    // version is one past the record's: the schedule is then as stored, and what it replaced is what was read.
    const appliedTwice = returned !== undefined && scheduleGeneration(returned) === scheduleGeneration(record) && returned.updatedAtMs === record.updatedAtMs;
    const replaced = appliedTwice ? previous : returned;
    if (replaced) await cancelPendingOccurrences(this.store, replaced, nowMs, this.expiresAt(nowMs));
    const stored = appliedTwice ? await this.store.getSchedule(id) : record;
    return toSchedule<P>(await this.spawnNear(stored ?? record, nowMs));
  }

  /**
   * The job `id`. Throws `NotFoundError` when it does not exist or has expired after its retention.
   *
   * @example
   * ```ts
   * const job = await scheduler.get(jobId);
   * if (job.state === 'failed') console.log(job.lastError?.message);
   * ```
   */
  async get<P = unknown, R = unknown>(id: string): Promise<Job<P, R>> {
    assertValid(idProblems(id, 'id'));
    const record = await this.store.getJob(id);
    if (!record || this.expired(record)) throw new NotFoundError('job', id);
    return toJob<P, R>(record);
  }

  /**
   * A page of jobs, filtered by state, task and due time, read with Queries over the job partitions (never a Scan).
   * Pass the returned `cursor` to get the next page.
   *
   * @example
   * ```ts
   * let page = await scheduler.list({ state: 'failed', limit: 50 });
   * while (page.cursor) page = await scheduler.list({ state: 'failed', limit: 50, cursor: page.cursor });
   * ```
   */
  async list(options: ListOptions = {}): Promise<Page<Job>> {
    const problems: string[] = [];
    if (options.state !== undefined && !JOB_STATES.includes(options.state)) {
      problems.push(`\`state\`: received ${describeValue(options.state)}; expected one of ${JOB_STATES.join(', ')}`);
    }
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) problems.push(`\`limit\`: received ${describeValue(limit)}; expected a whole number from 1 to 1000`);
    if (options.dueAfter !== undefined) problems.push(...instantProblems(options.dueAfter, 'dueAfter'));
    if (options.dueBefore !== undefined) problems.push(...instantProblems(options.dueBefore, 'dueBefore'));
    if (options.cursor !== undefined && typeof options.cursor !== 'string') problems.push(`\`cursor\`: received ${describeValue(options.cursor)}; pass the cursor of the previous page`);
    if (problems.length > 0) throw new ValidationError(problems);
    const page = await this.store.listJobs({
      limit,
      ...(options.state ? { state: options.state } : {}),
      ...(options.task ? { task: options.task } : {}),
      ...(options.dueAfter !== undefined ? { dueAfterMs: parseInstantMs(options.dueAfter, 'dueAfter') } : {}),
      ...(options.dueBefore !== undefined ? { dueBeforeMs: parseInstantMs(options.dueBefore, 'dueBefore') } : {}),
      ...(options.cursor ? { cursor: options.cursor } : {}),
    });
    return {
      items: page.items.filter((r) => !this.expired(r)).map((r) => toJob(r)),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    };
  }

  /**
   * Cancels a job (`scheduled` or `retrying`; it never runs, even if its message is already in SQS), one occurrence of a
   * schedule by its id (`<scheduleId>#<fireAtMs>`, before it starts: it then never runs, and the schedule goes on) or
   * deletes a schedule (with its occurrences that are queued but not started). Throws `NotFoundError`, or `ConflictError` when
   * the job is running or has ended.
   *
   * @example
   * ```ts
   * await scheduler.cancel(job.id);
   * await scheduler.cancel('weekly-report');
   * ```
   */
  async cancel(id: string): Promise<Job | Schedule> {
    assertValid(idProblems(id, 'id'));
    const nowMs = this.clock.nowMs();
    // Only an id that a job can have is tried as a job: a schedule's name saves a refused (and billed) job write.
    if (couldBeJobId(id)) {
      try {
        return toJob(await this.store.cancelJob(id, nowMs, this.expiresAt(nowMs)));
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
      // A schedule's occurrence has no record until a consumer claims it: cancelled by writing its cancelled job.
      const occurrence = await cancelOccurrenceById(this.store, id, nowMs, this.expiresAt(nowMs));
      if (occurrence) return toJob(occurrence);
    }
    let deleted: ScheduleRecord;
    try {
      deleted = await this.store.deleteSchedule(id);
    } catch (error) {
      if (error instanceof NotFoundError) throw new NotFoundError('job', id, { cause: error });
      throw error;
    }
    await cancelPendingOccurrences(this.store, deleted, nowMs, this.expiresAt(nowMs));
    return toSchedule(deleted);
  }

  /**
   * Pauses a schedule: no occurrence is spawned until `resume`, and the occurrences already handed to SQS that have
   * not started are cancelled, so nothing of it runs after the call returns (but a run already started).
   *
   * @example
   * ```ts
   * await scheduler.pause('weekly-report');
   * ```
   */
  async pause(scheduleId: string): Promise<Schedule> {
    assertValid(idProblems(scheduleId, 'scheduleId'));
    const nowMs = this.clock.nowMs();
    const paused = await this.store.setSchedulePaused(scheduleId, true, nowMs);
    await cancelPendingOccurrences(this.store, paused, nowMs, this.expiresAt(nowMs));
    return toSchedule(paused);
  }

  /**
   * Resumes a paused schedule from its first slot after now; occurrences that fell in the pause are skipped.
   *
   * @example
   * ```ts
   * await scheduler.resume('weekly-report');
   * ```
   */
  async resume(scheduleId: string): Promise<Schedule> {
    assertValid(idProblems(scheduleId, 'scheduleId'));
    const nowMs = this.clock.nowMs();
    const schedule = await this.requireSchedule(scheduleId);
    // From now, not from the stored nextRunAt: pausing cancelled the occurrences spawned before it.
    const next = schedule.nextRunAtMs === undefined ? undefined : nextOccurrenceMs(schedule.recurrence, nowMs, schedule.anchorMs);
    const ended =
      next === undefined ||
      (schedule.endAtMs !== undefined && next > schedule.endAtMs) ||
      (schedule.maxRuns !== undefined && schedule.runs >= schedule.maxRuns);
    const resumed = await this.store.setSchedulePaused(scheduleId, false, nowMs, ended ? undefined : next);
    return toSchedule(await this.spawnNear(resumed, nowMs));
  }

  /**
   * Runs a `failed` job again now, granting it `maxAttempts` more attempts (default: its task's `maxAttempts` when the
   * task module is loaded here, else 3). Throws `NotFoundError`, or `ConflictError` for a job in another state.
   *
   * @example
   * ```ts
   * await scheduler.retry(jobId);
   * await scheduler.retry(jobId, { maxAttempts: 1 }); // one more try
   * ```
   */
  async retry(id: string, options: { maxAttempts?: number } = {}): Promise<Job> {
    assertValid([...idProblems(id, 'id'), ...(options?.maxAttempts !== undefined ? maxAttemptsProblems(options.maxAttempts) : [])]);
    const nowMs = this.clock.nowMs();
    const job = await this.store.getJob(id);
    if (!job) throw new NotFoundError('job', id);
    const grant = options.maxAttempts ?? getTaskDefinition(job.task)?.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    // A failed job's attempt count cannot change under us: only this requeue moves it out of `failed`.
    const record = await this.store.requeueFailedJob(id, nowMs, nowMs, job.attempt + grant, job.inherits);
    await sendJobMessages(this.queue, [record], nowMs);
    await this.store.markSent(record.id, record.dueAtMs, nowMs);
    return toJob(record);
  }

  /**
   * The schedule `id`; throws `NotFoundError` when there is none.
   *
   * @example
   * ```ts
   * const { nextRunAt } = await scheduler.getSchedule('weekly-report');
   * ```
   */
  async getSchedule<P = unknown>(id: string): Promise<Schedule<P>> {
    assertValid(idProblems(id, 'id'));
    return toSchedule<P>(await this.requireSchedule(id));
  }

  /**
   * A page of schedules, by id.
   *
   * @example
   * ```ts
   * const { items } = await scheduler.listSchedules({ limit: 20 });
   * ```
   */
  async listSchedules(options: { limit?: number; cursor?: string } = {}): Promise<Page<Schedule>> {
    const page = await this.store.listSchedules({ limit: options.limit ?? 100, ...(options.cursor ? { cursor: options.cursor } : {}) });
    return { items: page.items.map((s) => toSchedule(s)), ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  /**
   * The job of an event that EventBridge delivered (`sundial.ruleTarget` / `scheduleTarget`), keyed by its event
   * through `unique`: validated and built, not written. The consumer that holds the event's SQS message writes it
   * already claimed (`createClaimedJob`), so a redelivered event never runs twice.
   *
   * @example
   * ```ts
   * const record = scheduler.eventJobRecord('announce', event, { unique: `eventbridge:${event.id}` });
   * ```
   */
  eventJobRecord(task: string, payload: unknown, options: EnqueueOptions & { unique: string }): JobRecord {
    const nowMs = this.clock.nowMs();
    const [v] = this.validateAll([{ task, payload, options }], nowMs, 'job');
    return { ...this.newRecord(v!, this.idFor(v!, nowMs), nowMs, 'direct'), placement: 'none' };
  }

  /**
   * Records a job that EventBridge delivered for later (its `in` puts it past the consumer's early wait), keyed by its
   * event through `unique`, and sends it or puts it in its bucket as `enqueue` would. It is written only if no job ever had that id, ended
   * or not, so a redelivered event never runs twice (`created: false` returns the job there is).
   *
   * @example
   * ```ts
   * const { job, created } = await scheduler.recordEventJob('announce', event, { unique: `eventbridge:${event.id}`, at });
   * ```
   */
  async recordEventJob(task: string, payload: unknown, options: EnqueueOptions & { unique: string }): Promise<{ job: JobRecord; created: boolean }> {
    const nowMs = this.clock.nowMs();
    const [v] = this.validateAll([{ task, payload, options }], nowMs, 'job');
    const record = this.newRecord(v!, this.idFor(v!, nowMs), nowMs, 'direct');
    if (record.placement === 'none') await sendJobMessages(this.queue, [record], nowMs);
    return this.store.createJob(record, { replaceEnded: false });
  }

  // ---- internals ----

  private async write(v: ValidatedEnqueue, nowMs: number): Promise<JobRecord> {
    const id = this.idFor(v, nowMs);
    if (v.uniqueKey !== undefined) {
      // Cheap read first, so a duplicate request does not even send a message.
      const existing = await this.store.getJob(id);
      if (existing && LIVE_STATES.includes(existing.state)) return sameUniqueJob(existing, v);
    }
    const record = this.newRecord(v, id, nowMs, 'direct');
    // Send, then record: a crash in between leaves only an orphan message, never a recorded job nobody sends.
    if (record.placement === 'none') await sendJobMessages(this.queue, [record], nowMs);
    // A random id is never reused: only a free one may be written (a put the SDK sent again finds its own job).
    const created = await this.store.createJob(record, { replaceEnded: v.uniqueKey !== undefined });
    return created.created ? created.job : sameUniqueJob(created.job, v);
  }

  /**
   * One slice of `enqueueMany`: the near-due jobs' messages, then every job's write (send-then-put, as `write` does;
   * docs/architecture.md, "Two paths to the queue").
   */
  private async sendThenWrite(slice: ReadonlyArray<{ index: number; record: JobRecord }>, results: EnqueueManyResult[], nowMs: number): Promise<void> {
    const direct = slice.filter((p) => p.record.placement === 'none');
    const unsent = new Map<string, Error>();
    try {
      await sendJobMessages(this.queue, direct.map((p) => p.record), nowMs);
    } catch (error) {
      // Ids whose message did not go out are not written either: a recorded job must have its message.
      const failed = (error as { failedIds?: readonly string[] }).failedIds ?? direct.map((p) => p.record.id);
      for (const id of failed) unsent.set(id, error as Error);
    }
    const toWrite = slice.filter((p) => !unsent.has(p.record.id));
    const writeErrors = await this.store.createJobs(toWrite.map((p) => p.record));
    toWrite.forEach((p, i) => {
      const error = writeErrors[i];
      results[p.index] = error ? { ok: false, error } : { ok: true, job: toJob(p.record) };
    });
    for (const p of slice) {
      const error = unsent.get(p.record.id);
      if (error) results[p.index] = { ok: false, error };
    }
  }

  private idFor(v: ValidatedEnqueue, nowMs: number): string {
    return v.uniqueKey !== undefined ? uniqueJobId(v.task, v.uniqueKey) : newJobId(nowMs, this.random);
  }

  /**
   * The record of a new job. Near-due jobs are sent at once (`none`), or, inside a caller's transaction where nothing
   * can be sent before the commit, wait in their lane; later jobs wait in their bucket for the sweeper's cursor.
   */
  private newRecord(v: ValidatedEnqueue, id: string, nowMs: number, writer: Writer): JobRecord {
    const placement = placementOf(v.dueAtMs, nowMs, this.directHorizonMs, writer);
    return {
      id,
      task: v.task,
      queue: v.options.queue,
      payload: v.payloadJson,
      state: 'scheduled',
      dueAtMs: v.dueAtMs,
      attempt: 0,
      maxAttempts: v.options.maxAttempts,
      backoff: v.options.backoff,
      timeoutSec: v.options.timeoutSec,
      storeResult: v.options.storeResult,
      placement,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
      ...(placement === 'none' ? { sentAtMs: nowMs } : {}),
      // A unique id is reused once its job ended; the token tells this enqueue's put from the next one's.
      ...(v.uniqueKey !== undefined ? { uniqueKey: v.uniqueKey, writeToken: newWriteToken() } : {}),
      ...(v.options.inherits.length > 0 ? { inherits: v.options.inherits } : {}),
    };
  }

  private validateAll(items: readonly JobRequest[], nowMs: number, field: string): ValidatedEnqueue[] {
    if (!Array.isArray(items)) throw new ValidationError(`\`${field}\`: received ${describeValue(items)}; expected an array of { task, payload, options? }`);
    const problems: string[] = [];
    const values: ValidatedEnqueue[] = [];
    items.forEach((item, i) => {
      const { value, problems: found } = validateEnqueue(item?.task, item?.payload, item?.options, nowMs, this.queue.queueNames, `${field}[${i}]: `);
      if (value) values.push(value);
      problems.push(...found);
    });
    if (problems.length > 0) throw new ValidationError(problems);
    return values;
  }

  private transactionRecord(task: string, payload: unknown, options: EnqueueOptions | undefined): JobRecord {
    const nowMs = this.clock.nowMs();
    const [v] = this.validateAll([{ task, payload, ...(options ? { options } : {}) }], nowMs, 'job');
    return this.newRecord(v!, this.idFor(v!, nowMs), nowMs, 'transaction');
  }

  private requireAws(method: string) {
    if (!this.aws) throw new ConfigurationError(`\`${method}\` needs a DynamoDB-backed scheduler (construct it with \`tableName\`).`);
    return this.aws;
  }

  private async requireSchedule(id: string): Promise<ScheduleRecord> {
    const schedule = await this.store.getSchedule(id);
    if (!schedule) throw new NotFoundError('schedule', id);
    return schedule;
  }

  /**
   * Spawns the occurrences of `schedule` (as just written) due within one lookahead, exactly as a sweep would (same
   * conditions, so a sweep running at the same moment cannot spawn one twice): the next sweep may come up to a trigger
   * period later. Resolves with the schedule as stored afterwards; it is read again only when a sweep won the race.
   */
  private async spawnNear(schedule: ScheduleRecord, nowMs: number): Promise<ScheduleRecord> {
    const after = await spawnDueOccurrences(this.occurrenceDeps(), schedule, this.spawnWindow(nowMs), spawnCounters());
    return after ?? (await this.requireSchedule(schedule.id));
  }

  /** What the API's spawns use: the sweeper's default misfire tuning, this scheduler's retention. */
  private occurrenceDeps(): OccurrenceDeps {
    return {
      store: this.store,
      queue: this.queue,
      clock: this.clock,
      config: { misfireGraceSec: DEFAULT_MISFIRE_GRACE_SEC, maxCatchUp: DEFAULT_MAX_CATCH_UP, retentionDays: this.retentionSec / 86_400 },
    };
  }

  /** The API spawns what is due within the lookahead, as a sweep at `nowMs` would. */
  private spawnWindow(nowMs: number): OccurrenceWindow {
    return { nowMs, untilMs: nowMs + this.lookaheadSec * 1000 };
  }

  private expiresAt(nowMs: number): number {
    return Math.floor(nowMs / 1000) + this.retentionSec;
  }

  /** TTL deletion is lazy on AWS (up to days): an expired item is treated as gone. */
  private expired(record: JobRecord): boolean {
    return record.expiresAtEpochSec !== undefined && record.expiresAtEpochSec * 1000 <= this.clock.nowMs();
  }
}

/** Counters for an API spawn, which reports none. */
function spawnCounters(): OccurrenceCounters {
  return { sent: 0, spawned: 0, occurrencesSkipped: 0 };
}

/**
 * The live job holding a `unique` key, returned to a repeated request for the same payload. A different payload under
 * the same task and key is a conflict, not a silent no-op: the caller learns its request was not enqueued.
 */
function sameUniqueJob(live: JobRecord, v: ValidatedEnqueue): JobRecord {
  if (live.payload === v.payloadJson) return live;
  throw new ConflictError(
    `Task "${v.task}" already has a ${live.state} job "${live.id}" for unique key "${v.uniqueKey}" with a different payload; ` +
      'the request was not enqueued. Use a new key for a new request, or cancel the live job first.',
    live.state,
    { current: toJob(live) },
  );
}

let defaultInstance: Scheduler | undefined;

/**
 * Sets the scheduler that `task.enqueue()` / `task.schedule()` use when none is passed.
 *
 * @example
 * ```ts
 * setDefaultScheduler(new Scheduler({ tableName, queueUrl }));
 * ```
 */
export function setDefaultScheduler(scheduler: Scheduler | undefined): void {
  defaultInstance = scheduler;
}

/**
 * The default scheduler: the one set with `setDefaultScheduler`, else `Scheduler.fromEnv()` built on first use.
 *
 * @example
 * ```ts
 * await defaultScheduler().enqueue('ping', {});
 * ```
 */
export function defaultScheduler(): Scheduler {
  defaultInstance ??= Scheduler.fromEnv();
  return defaultInstance;
}
