/**
 * What the chaos run enqueues, and how: a seeded plan of one-off jobs over every way in (direct path, swept path,
 * `transact()`, `transactItems` in the caller's own transaction, `enqueueMany`), retried and large-result jobs, and
 * recurring schedules — each written by one of several writers whose clocks are skewed.
 *
 * Due times are planned on the real timeline (`at`); each writer decides the path by its own clock, as in production,
 * so a writer whose clock is behind files near jobs in buckets and one whose clock is ahead sends later jobs at once.
 */
import { TransactWriteItemsCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Scheduler } from '../lib/scheduler.ts';
import { CHAOS_TASK, type ChaosPayload } from './tasks.ts';

export type JobKind = 'direct' | 'swept' | 'transact' | 'transact-items' | 'retried' | 'large' | 'oversize';

/** One planned one-off job. */
export interface PlannedJob {
  readonly key: string;
  readonly kind: JobKind;
  readonly writer: number;
  /** Real due time, relative to when it is submitted. */
  readonly dueInMs: number;
  readonly payload: ChaosPayload;
  /** Direct jobs: sent in an `enqueueMany` batch rather than by `enqueue`. */
  readonly batched: boolean;
}

/** One planned recurring schedule. */
export interface PlannedSchedule {
  readonly id: string;
  readonly writer: number;
  readonly everySec: number;
}

export interface WorkloadSpec {
  readonly jobs: number;
  readonly schedules: number;
  readonly everySec: number;
  /** Each writer's clock skew in seconds (e.g. [-120, 0, 120]). */
  readonly skewsSec: readonly number[];
  readonly directHorizonSec: number;
  readonly lookaheadSec: number;
  /** Direct jobs are due within this many seconds of their submission. */
  readonly spanSec: number;
  /** Shares of each kind (normalized); `direct` takes the rest. */
  readonly mix: Readonly<Partial<Record<Exclude<JobKind, 'direct'>, number>>>;
  /** Swept jobs only from writers whose skew is at most this (keeps a quick run short). @default Infinity */
  readonly sweptMaxSkewSec?: number;
  readonly seed: number;
}

/**
 * A small fast PRNG (mulberry32): the same seed gives the same plan, so a failing run can be replayed.
 *
 * @example
 * ```ts
 * const random = seededRandom(42); random(); // 0.6011037519201636
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Work the body does: long enough that killed consumers are often mid-task. */
const WORK_MS = [50, 400] as const;
/** A 20 KB payload with a 100 KB result: a large result that fits in the item. */
const LARGE = { pad: 20_000, resultChars: 100_000 };
/** A 340 KiB payload with a 60 KiB result: together more than the 400 KB item holds (the defect 1). */
const OVERSIZE = { pad: 340 * 1024, resultChars: 60 * 1024 };

/**
 * Plans the workload.
 *
 * @example
 * ```ts
 * const { jobs, schedules } = planWorkload({ jobs: 500, schedules: 3, everySec: 10, skewsSec: [-120, 0, 120],
 *   directHorizonSec: 200, lookaheadSec: 60, spanSec: 60, mix: { swept: 0.2 }, seed: 1 });
 * ```
 */
export function planWorkload(spec: WorkloadSpec): { jobs: PlannedJob[]; schedules: PlannedSchedule[] } {
  const random = seededRandom(spec.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const writers = spec.skewsSec.map((_, i) => i);
  const sweptWriters = writers.filter((w) => spec.skewsSec[w]! <= (spec.sweptMaxSkewSec ?? Infinity));
  const kinds = Object.entries(spec.mix) as [Exclude<JobKind, 'direct'>, number][];
  const jobs: PlannedJob[] = [];
  for (let i = 0; i < spec.jobs; i++) {
    let roll = random();
    let kind: JobKind = 'direct';
    for (const [k, share] of kinds) {
      if (roll < share) {
        kind = k;
        break;
      }
      roll -= share;
    }
    if (kind === 'swept' && sweptWriters.length === 0) kind = 'direct';
    const writer = kind === 'swept' ? pick(sweptWriters) : pick(writers);
    const skewMs = spec.skewsSec[writer]! * 1000;
    const horizonMs = spec.directHorizonSec * 1000;
    let dueInMs: number;
    if (kind === 'swept') {
      // Beyond the horizon by the writer's clock (so it takes a bucket), and ahead of the sweeper's cursor by the real
      // one: the skew this tolerates is the horizon minus the lookahead, which the run's settings leave room for.
      const minMs = Math.max(horizonMs + 5_000 + skewMs, (spec.lookaheadSec + 10) * 1000);
      dueInMs = minMs + Math.floor(random() * 30_000);
    } else {
      // Within the horizon by the writer's clock, so the writer sends it at once (or, in a transaction, lanes it).
      const maxMs = Math.max(0, Math.min(spec.spanSec * 1000, horizonMs + skewMs - 10_000));
      dueInMs = Math.floor(random() * maxMs);
    }
    const workMs = WORK_MS[0] + Math.floor(random() * (WORK_MS[1] - WORK_MS[0]));
    const payload: ChaosPayload =
      kind === 'retried'
        ? { workMs, failAttempts: 1 + Math.floor(random() * 2) }
        : kind === 'large'
          ? { workMs, resultChars: LARGE.resultChars, pad: 'p'.repeat(LARGE.pad) }
          : kind === 'oversize'
            ? { workMs, resultChars: OVERSIZE.resultChars, pad: 'p'.repeat(OVERSIZE.pad) }
            : { workMs };
    const batched = kind === 'direct' && random() < 0.8;
    jobs.push({ key: `chaos-${spec.seed}-${i}`, kind, writer, dueInMs, payload, batched });
  }
  const schedules = Array.from({ length: spec.schedules }, (_, i) => ({
    id: `chaos-schedule-${spec.seed}-${i}`,
    writer: i % writers.length,
    everySec: spec.everySec,
  }));
  return { jobs, schedules };
}

/** A writer: a scheduler whose clock is skewed, and its own DynamoDB client for the caller's transactions. */
export interface Writer {
  readonly skewSec: number;
  readonly scheduler: Scheduler;
  readonly dynamodb: DynamoDBClient;
}

export interface SubmitContext {
  readonly writers: readonly Writer[];
  /** Table that holds the callers' own items of their transactions (the ledger's table serves). */
  readonly callerTable: string;
  readonly sleep: (ms: number) => Promise<void>;
}

/** What the writers got accepted. */
export interface Submitted {
  /** Job id → its plan. */
  readonly accepted: Map<string, PlannedJob>;
  /** Calls that failed (and were retried or fell back). */
  failedCalls: number;
  /** Planned jobs no call got accepted. */
  readonly rejected: PlannedJob[];
  /**
   * The latest real instant a submitted job may start: its `at`, or, from a writer whose clock is ahead, its `at` plus
   * the skew (a past `at` is due at the writer's now).
   */
  lastStartMs: number;
}

const ATTEMPTS = 5;
const BATCH = 25;

/**
 * Submits `jobs` with at most `concurrency` calls in flight. Each kind goes in its own way; a call that fails is
 * retried, and in the end falls back to a plain `enqueue` with the job's `unique` key — which returns the job if an
 * earlier call did create it (a transaction that committed before its send failed), so nothing accepted is missed.
 *
 * @example
 * ```ts
 * const submitted = await submitJobs(plan.jobs, { writers, callerTable, sleep }, 8);
 * ```
 */
export async function submitJobs(jobs: readonly PlannedJob[], context: SubmitContext, concurrency: number): Promise<Submitted> {
  const submitted: Submitted = { accepted: new Map(), failedCalls: 0, rejected: [], lastStartMs: 0 };
  // enqueueMany batches gather plain direct jobs of one writer; everything else is a unit of its own.
  const units: PlannedJob[][] = [];
  const batches = new Map<number, PlannedJob[]>();
  for (const job of jobs) {
    if (!job.batched) {
      units.push([job]);
      continue;
    }
    const batch = batches.get(job.writer) ?? [];
    batch.push(job);
    if (batch.length === BATCH) {
      units.push(batch);
      batches.delete(job.writer);
    } else {
      batches.set(job.writer, batch);
    }
  }
  units.push(...batches.values());
  let next = 0;
  const worker = async () => {
    while (next < units.length) {
      const unit = units[next++]!;
      if (unit.length > 1) await submitBatch(unit, context, submitted);
      else await submitOne(unit[0]!, context, submitted);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return submitted;
}

async function submitBatch(batch: readonly PlannedJob[], context: SubmitContext, submitted: Submitted): Promise<void> {
  const writer = context.writers[batch[0]!.writer]!;
  const results = await writer.scheduler
    .enqueueMany(batch.map((job) => ({ task: CHAOS_TASK, payload: job.payload, options: { at: dueDate(job, context, submitted) } })))
    .catch((error: Error) => batch.map(() => ({ ok: false as const, error })));
  for (const [i, result] of results.entries()) {
    if (result.ok) submitted.accepted.set(result.job.id, batch[i]!);
    else {
      submitted.failedCalls++;
      await fallback(batch[i]!, context, submitted);
    }
  }
}

async function submitOne(job: PlannedJob, context: SubmitContext, submitted: Submitted): Promise<void> {
  const writer = context.writers[job.writer]!;
  const options = { at: dueDate(job, context, submitted), unique: job.key };
  const primary = async (): Promise<string> => {
    if (job.kind === 'transact') {
      const [created] = await writer.scheduler.transact(callerItems(job, context), [{ task: CHAOS_TASK, payload: job.payload, options }]);
      return created!.id;
    }
    if (job.kind === 'transact-items') {
      const items = writer.scheduler.transactItems(CHAOS_TASK, job.payload, options);
      await writer.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: [...callerItems(job, context), ...items] }));
      return items[0]!.Put!.Item!.sk!.S!;
    }
    return (await writer.scheduler.enqueue(CHAOS_TASK, job.payload, options)).id;
  };
  try {
    submitted.accepted.set(await primary(), job);
  } catch {
    submitted.failedCalls++;
    await fallback(job, context, submitted);
  }
}

/** `enqueue` with the job's unique key, retried: returns the job an earlier call created, or creates it. */
async function fallback(job: PlannedJob, context: SubmitContext, submitted: Submitted): Promise<void> {
  const writer = context.writers[job.writer]!;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const created = await writer.scheduler.enqueue(CHAOS_TASK, job.payload, { at: dueDate(job, context, submitted), unique: job.key });
      submitted.accepted.set(created.id, job);
      return;
    } catch {
      submitted.failedCalls++;
      await context.sleep(500 * attempt);
    }
  }
  submitted.rejected.push(job);
}

/** The caller's own write in its transaction: an order row, in the caller's table. */
function callerItems(job: PlannedJob, context: SubmitContext) {
  return [{ Put: { TableName: context.callerTable, Item: { pk: { S: `order#${job.key}` }, sk: { S: 'order' } } } }];
}

/** The real due instant of a planned job: now plus its offset (the writer's skew does not move it). */
function dueDate(job: PlannedJob, context: SubmitContext, submitted: Submitted): Date {
  const atMs = Date.now() + job.dueInMs;
  const skewMs = Math.max(0, context.writers[job.writer]!.skewSec * 1000);
  submitted.lastStartMs = Math.max(submitted.lastStartMs, atMs + skewMs);
  return new Date(atMs);
}

/**
 * Creates the planned schedules (interval, misfire `all`, so every slot runs even after a stalled sweeper).
 *
 * @example
 * ```ts
 * await createSchedules(plan.schedules, writers);
 * ```
 */
export async function createSchedules(
  schedules: readonly PlannedSchedule[],
  writers: readonly Writer[],
  sleep: (ms: number) => Promise<void>,
): Promise<{ failedCalls: number }> {
  let failedCalls = 0;
  for (const schedule of schedules) {
    for (let attempt = 1; ; attempt++) {
      try {
        // A retry replaces the schedule: a new anchor, and the first call's pending occurrences cancelled.
        await writers[schedule.writer]!.scheduler.schedule(schedule.id, CHAOS_TASK, { workMs: 100 } satisfies ChaosPayload, {
          every: schedule.everySec,
          misfire: 'all',
        });
        break;
      } catch (error) {
        failedCalls++;
        if (attempt >= ATTEMPTS) throw error;
        await sleep(500 * attempt);
      }
    }
  }
  return { failedCalls };
}
