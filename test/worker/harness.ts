/**
 * Test wiring for the worker runtime: the memory store and queue (the real logic-test components), a fake clock and
 * a `sleep` that advances it instead of waiting, and a factory for job records.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { MemoryJobQueue } from '../../lib/queue/memory-queue.ts';
import type { JobMessage } from '../../lib/queue/types.ts';
import { MemoryJobStore } from '../../lib/store/memory-store.ts';
import type { JobRecord } from '../../lib/store/types.ts';
import { registerTask, type TaskHandler } from '../../lib/tasks/registry.ts';
import type { Sleep, WorkerDeps } from '../../lib/worker/deps.ts';

export const T0 = Date.parse('2026-11-23T09:00:00.000Z');

/**
 * A clock that only moves when told, and a `sleep` that moves it. The sleep resolves on the next macrotask, so work
 * racing it (a task under its timeout) that finishes within microtasks wins, and then the released timer does not
 * move the clock. Every sleep that ran to its end is recorded.
 */
export class FakeTime {
  now: number;
  readonly sleeps: number[] = [];
  /** Runs before each completed sleep resolves (e.g. to let another writer act meanwhile). */
  onSleep: ((ms: number) => void | Promise<void>) | undefined;
  constructor(start = T0) {
    this.now = start;
  }
  readonly clock = { nowMs: (): number => this.now };
  readonly sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve) => {
      setImmediate(() => {
        if (signal?.aborted) return resolve();
        this.now += ms;
        this.sleeps.push(ms);
        void Promise.resolve(this.onSleep?.(ms)).then(() => resolve());
      });
    });
}

let taskCounter = 0;

/** Registers a task under a fresh name (the registry is process-wide) and returns the name. */
export function defineTestTask(handler: TaskHandler<any, any>, prefix = 'task'): string {
  const name = `${prefix}-${++taskCounter}`;
  registerTask({
    name,
    handler,
    options: { queue: 'default', maxAttempts: 3, backoff: [10], timeoutSec: 30, storeResult: false },
  });
  return name;
}

let jobCounter = 0;

/** A fresh `scheduled` job due at `T0`, sent on the direct path. */
export function jobRecord(task: string, overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id: `job-${++jobCounter}`,
    task,
    queue: 'default',
    payload: JSON.stringify({ n: jobCounter }),
    state: 'scheduled',
    dueAtMs: T0,
    attempt: 0,
    maxAttempts: 3,
    backoff: [10, 20],
    timeoutSec: 30,
    storeResult: false,
    placement: 'none',
    createdAtMs: T0 - 60_000,
    updatedAtMs: T0 - 60_000,
    sentAtMs: T0 - 60_000,
    ...overrides,
  };
}

/** The message the enqueue (or the sweeper) sent for `job`. */
export function messageFor(job: Pick<JobRecord, 'id' | 'dueAtMs'>, sentAtMs = job.dueAtMs - 60_000): JobMessage {
  return { v: 1, id: job.id, dueAtMs: job.dueAtMs, sentAtMs };
}

export interface Harness {
  readonly time: FakeTime;
  readonly store: MemoryJobStore;
  readonly queue: MemoryJobQueue;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly deps: WorkerDeps;
}

export function createHarness(options: { logLevel?: 'SILENT' | 'INFO' | 'DEBUG'; precision?: 'millisecond' | 'second' } = {}): Harness {
  const time = new FakeTime();
  const store = new MemoryJobStore({ shards: 4 });
  const queue = new MemoryJobQueue(['default', 'reports'], options.precision ? { precision: options.precision } : {});
  const metrics = new Metrics({ namespace: 'SundialTest', serviceName: 'consumer' });
  const logger = new Logger({ serviceName: 'consumer', logLevel: options.logLevel ?? 'SILENT' });
  const deps: WorkerDeps = {
    store,
    queue,
    clock: time.clock,
    random: () => 0.5,
    sleep: time.sleep,
    retentionDays: 7,
    logger,
    metrics,
  };
  return { time, store, queue, metrics, logger, deps };
}

/** Metric name → values recorded so far (read from the EMF document Powertools would publish). */
export function storedMetrics(metrics: Metrics): Record<string, number[]> {
  const emf = metrics.serializeMetrics() as unknown as Record<string, unknown>;
  const names = (emf['_aws'] as { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> }).CloudWatchMetrics[0]!.Metrics.map(
    (m) => m.Name,
  );
  return Object.fromEntries(names.map((name) => [name, [emf[name]].flat() as number[]]));
}

/** A Lambda context with `remainingMs` left, as the runtime hands it to the handler. */
export function lambdaContext(remainingMs = 60_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'sundial-consumer',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:sundial-consumer',
    memoryLimitInMB: '256',
    awsRequestId: 'req-1',
    logGroupName: '/aws/lambda/sundial-consumer',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
