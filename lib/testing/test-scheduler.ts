/**
 * `createTestScheduler`: sundial in memory with a clock that moves only when told, for unit tests of your own tasks and
 * schedules. It runs the production logic — the in-memory `JobStore` (the same contract suite as DynamoDB's), the real
 * sweep and the real worker (`handleJobMessage`: claim, run, retry with backoff, record) — and stands in only for what
 * AWS does between them: SQS holds each message for its `DelaySeconds`, EventBridge runs a sweep every minute.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { bucketOf, bucketStartMs } from '../core/buckets.ts';
import type { Clock } from '../core/clock.ts';
import { parseDurationMs, type DurationInput } from '../core/duration.ts';
import { ValidationError } from '../core/errors.ts';
import { parseInstantMs } from '../core/when.ts';
import { DEFAULT_LOOKAHEAD_SEC, DEFAULT_METRICS_NAMESPACE, DEFAULT_RETENTION_DAYS, DEFAULT_SHARDS } from '../config.ts';
import { MemoryJobQueue } from '../queue/memory-queue.ts';
import type { JobMessage } from '../queue/types.ts';
import { Scheduler, setDefaultScheduler } from '../scheduler.ts';
import { MemoryJobStore } from '../store/memory-store.ts';
import type { ShardCursor } from '../store/types.ts';
import { sweep } from '../sweeper/sweep.ts';
import { sweepConfigFrom } from '../sweeper/sweep-config.ts';
import type { SweepReport } from '../sweeper/types.ts';
import { registerTask } from '../tasks/registry.ts';
import { tasksOf, type TaskList } from '../tasks/task-list.ts';
import type { Sleep, WorkerDeps } from '../worker/deps.ts';
import { handleJobMessage } from '../worker/handle-job-message.ts';

/** Options of {@link createTestScheduler}. */
export interface TestSchedulerOptions {
  /** The tasks to run: what `defineTask` returned, or task modules (`import * as tasks from './tasks.ts'`). */
  readonly tasks: TaskList;
  /** Where the clock starts: a `Date` or an ISO string with an offset. */
  readonly now: Date | string;
  /**
   * Make this the scheduler that `task.enqueue()` / `task.schedule()` use without `{ scheduler }` (also inside tasks).
   * Call `close()` to undo it.
   *
   * @default true
   */
  readonly setAsDefault?: boolean;
}

/** One attempt of a task, as the worker recorded it. */
export interface TaskRun {
  readonly task: string;
  readonly jobId: string;
  readonly payload: unknown;
  /** The attempt's number, from 1. */
  readonly attempt: number;
  readonly dueAt: Date;
  /** When the worker started it, on the test clock. */
  readonly startedAt: Date;
  readonly outcome: 'completed' | 'retrying' | 'failed' | 'lease-lost';
  readonly scheduleId?: string;
  /** What the task returned (jobs with `storeResult`). */
  readonly result?: unknown;
  /** What the task threw. */
  readonly error?: { readonly name: string; readonly message: string };
}

/** An in-memory sundial on a test clock. */
export interface TestScheduler {
  /** The scheduler to enqueue and schedule with (the same API as on AWS). */
  readonly scheduler: Scheduler;
  readonly clock: Clock;
  /** The test clock's time. */
  now(): Date;
  /**
   * Moves the clock to `at`, running on the way every sweep (each whole minute) and delivering every message whose
   * delay ends, in time order, as SQS and EventBridge would. Resolves when all that is done.
   */
  advanceTo(at: Date | string): Promise<void>;
  /** `advanceTo(now + duration)`: seconds, `'5m'`, `{ hours: 1 }`. */
  advanceBy(duration: DurationInput): Promise<void>;
  /** Every attempt run so far, in order; only those of `task` when given. */
  runs(task?: string): TaskRun[];
  /** Messages still waiting for their delay (SQS's in-flight and delayed messages). */
  pendingMessages(): number;
  /** Stops being the default scheduler (when it was made so). */
  close(): void;
}

const SWEEP_INTERVAL_MS = 60_000;
/** Skipping fewer idle sweeps than this is not worth a cursor write. */
const IDLE_SKIP_MIN_MS = 10 * SWEEP_INTERVAL_MS;

/** The first sweep at or after `ms` (sweeps run on the minute). */
function sweepAtOrAfter(ms: number): number {
  return Math.ceil(ms / SWEEP_INTERVAL_MS) * SWEEP_INTERVAL_MS;
}
/** What a consumer returns a failed delivery for: SQS's visibility timeout, 6 × the default 1-minute consumer timeout. */
const VISIBILITY_TIMEOUT_MS = 360_000;
/** A consumer invocation's time: the longest Lambda allows, so no task is cut short by the test. */
const INVOCATION_MS = 900_000;

interface Delivery {
  readonly queue: string;
  readonly message: JobMessage;
  readonly deliverAtMs: number;
}

/**
 * Builds an in-memory sundial whose clock starts at `now` and moves only with `advanceTo` / `advanceBy`. Tasks take no
 * time on the test clock (so a task's `timeout` never fires), and their own timers are not faked.
 *
 * @example
 * ```ts
 * import { createTestScheduler } from 'sundial-scheduler/testing';
 * import { announce } from './tasks.ts';
 *
 * const t = createTestScheduler({ tasks: [announce], now: '2026-12-06T12:00:00-05:00' }); // a Sunday in New York
 * await announce.schedule('weekly', { label: 'standup' }, { cron: '0 9 * * MON', timezone: 'America/New_York' });
 * await t.advanceTo('2026-12-07T09:00:00-05:00');
 * expect(t.runs('announce')).toMatchObject([{ payload: { label: 'standup' }, outcome: 'completed' }]);
 * ```
 */
export function createTestScheduler(options: TestSchedulerOptions): TestScheduler {
  const tasks = tasksOf(options.tasks);
  for (const task of tasks) registerTask(task);
  let nowMs = parseInstantMs(options.now, 'now');
  const clock: Clock = { nowMs: () => nowMs };
  const store = new MemoryJobStore({ shards: DEFAULT_SHARDS });
  const queue = new MemoryJobQueue([...new Set(['default', ...tasks.map((t) => t.options.queue)])]);
  const scheduler = new Scheduler({ store, queue, clock, lookaheadSec: DEFAULT_LOOKAHEAD_SEC });
  const setAsDefault = options.setAsDefault ?? true;
  if (setAsDefault) setDefaultScheduler(scheduler);

  // Waits without a signal (a message that arrived early, a job whose write trails its message) pass on the test
  // clock. A wait with a signal is a task's timeout racing the task: tasks take no test time, so it never ends first.
  const sleep: Sleep = (ms, signal) => {
    if (signal === undefined) {
      nowMs += Math.max(0, ms);
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  };
  const metrics = new Metrics({ namespace: DEFAULT_METRICS_NAMESPACE });
  const deps: WorkerDeps = {
    store,
    queue,
    clock,
    random: Math.random,
    sleep,
    retentionDays: DEFAULT_RETENTION_DAYS,
    logger: new Logger({ serviceName: 'sundial-test', logLevel: 'SILENT' }),
    metrics,
  };
  const sweepConfig = sweepConfigFrom({ shards: DEFAULT_SHARDS, lookaheadSec: DEFAULT_LOOKAHEAD_SEC });
  const pending: Delivery[] = [];
  const runs: TaskRun[] = [];
  let nextSweepMs = sweepAtOrAfter(nowMs + 1);
  let sweeps = 0;
  let lastSweep: SweepReport | undefined;

  /** What was sent since the last look, held for its delay from the moment it was sent. */
  const collectSent = (): void => {
    for (const sent of queue.take()) {
      pending.push({ queue: sent.queue, message: sent.message, deliverAtMs: sent.message.sentAtMs + sent.delaySec * 1000 });
    }
  };

  const deliver = async (delivery: Delivery): Promise<void> => {
    try {
      const outcome = await handleJobMessage(delivery.message, deps, { deadlineMs: nowMs + INVOCATION_MS });
      if (outcome === 'acknowledged' || outcome === 'resent' || outcome === 'dropped') return;
      const job = await scheduler.get(delivery.message.id);
      runs.push({
        task: job.task,
        jobId: job.id,
        payload: job.payload,
        attempt: job.attempt,
        dueAt: new Date(delivery.message.dueAtMs),
        startedAt: new Date(nowMs),
        outcome,
        ...(job.scheduleId === undefined ? {} : { scheduleId: job.scheduleId }),
        ...(job.result === undefined ? {} : { result: job.result }),
        ...(job.lastError === undefined || outcome === 'completed' ? {} : { error: { name: job.lastError.name, message: job.lastError.message } }),
      });
    } catch (error) {
      // Returned to the queue, as a consumer's batch item failure is: seen again after its retry delay or the timeout.
      const retryAfterSec = (error as { retryAfterSec?: unknown }).retryAfterSec;
      const delayMs = typeof retryAfterSec === 'number' ? retryAfterSec * 1000 : VISIBILITY_TIMEOUT_MS;
      pending.push({ ...delivery, deliverAtMs: nowMs + delayMs });
    } finally {
      metrics.clearMetrics();
    }
  };

  /**
   * Jumps over the sweeps that would find nothing, cursors included: a sweep acts only on index entries due within
   * its lookahead, so until the earliest one comes into view (or a delivery, or the end of this advance, which may
   * write new ones) the sweeps in between only walk their cursors through empty minutes — a week of them is 10,000
   * sweeps and 80,000 bucket reads. The cursors may jump as far: a bucket entry is due at least 15 minutes after its
   * writer's clock, and no writer runs before the next delivery or the end of the advance.
   */
  const skipIdleSweeps = async (targetMs: number): Promise<void> => {
    if (lastSweep === undefined || lastSweep.failures.length > 0 || lastSweep.continued) return; // redo it a minute later
    // The cheap bounds first: the store scan below runs only when they leave a skip worth making (not between the
    // deliveries of a busy stretch, where this runs once per delivery).
    const boundMs = Math.min(sweepAtOrAfter(Math.min(...pending.map((d) => d.deliverAtMs))), sweepAtOrAfter(targetMs + 1));
    if (boundMs - nextSweepMs < IDLE_SKIP_MIN_MS) return;
    const earliestDueMs = store.earliestUnsweptDueAtMs(lastSweep.untilMs) ?? Number.POSITIVE_INFINITY;
    const skipToMs = Math.min(sweepAtOrAfter(earliestDueMs - sweepConfig.lookaheadSec * 1000), boundMs);
    if (skipToMs - nextSweepMs < IDLE_SKIP_MIN_MS) return;
    const owner = 'test-scheduler-skip';
    const state = await store.acquireSweep(owner, nowMs, nowMs + SWEEP_INTERVAL_MS);
    if (!state) return;
    const jumpTo = bucketOf(Math.min(earliestDueMs, skipToMs));
    const cursors: Record<number, ShardCursor> = {};
    for (let shard = 0; shard < sweepConfig.shards; shard++) {
      const cursor = state.cursors[shard];
      cursors[shard] = cursor !== undefined && bucketStartMs(cursor.bucket) >= bucketStartMs(jumpTo) ? cursor : { bucket: jumpTo };
    }
    await store.saveSweep(owner, { cursors }, true);
    nextSweepMs = skipToMs;
  };

  const advanceTo = async (at: Date | string): Promise<void> => {
    const targetMs = parseInstantMs(at, 'advanceTo');
    if (targetMs < nowMs) {
      throw new ValidationError(
        `advanceTo: received ${new Date(targetMs).toISOString()}, before the test clock (${new Date(nowMs).toISOString()}); the clock only moves forward.`,
      );
    }
    for (;;) {
      collectSent();
      await skipIdleSweeps(targetMs);
      const nextDeliveryMs = Math.min(...pending.map((d) => d.deliverAtMs));
      const nextMs = Math.min(nextDeliveryMs, nextSweepMs);
      if (nextMs > targetMs) break;
      nowMs = Math.max(nowMs, nextMs);
      if (nextDeliveryMs <= nowMs) {
        pending.sort((a, b) => a.deliverAtMs - b.deliverAtMs);
        const due = pending.splice(0, pending.filter((d) => d.deliverAtMs <= nowMs).length);
        for (const delivery of due) await deliver(delivery);
      } else {
        lastSweep = await sweep({ store, queue, clock, config: sweepConfig, owner: `test-sweep-${++sweeps}` });
        nextSweepMs += SWEEP_INTERVAL_MS;
      }
    }
    nowMs = Math.max(nowMs, targetMs);
  };

  return {
    scheduler,
    clock,
    now: () => new Date(nowMs),
    advanceTo,
    advanceBy: (duration) => advanceTo(new Date(nowMs + parseDurationMs(duration, 'advanceBy'))),
    runs: (task) => runs.filter((run) => task === undefined || run.task === task),
    pendingMessages: () => {
      collectSent();
      return pending.length;
    },
    close: () => {
      if (setAsDefault) setDefaultScheduler(undefined);
    },
  };
}
