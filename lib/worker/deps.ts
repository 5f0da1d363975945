/**
 * What the worker runtime needs from the outside world, injected so the same code runs on Lambda (DynamoDB, SQS, the
 * real clock) and in tests (memory store and queue, a fake clock whose `sleep` advances it).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import type { Clock } from '../core/clock.ts';
import type { RandomSource } from '../core/backoff.ts';
import type { JobQueue } from '../queue/types.ts';
import type { JobStore } from '../store/types.ts';

/**
 * Waits `ms` milliseconds; resolves early (without error) when `signal` aborts, so a timer that lost its race can be
 * released at once.
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface WorkerDeps {
  readonly store: JobStore;
  readonly queue: JobQueue;
  readonly clock: Clock;
  /** Jitter of the retry backoff: a number in [0, 1). */
  readonly random: RandomSource;
  readonly sleep: Sleep;
  /** How long ended jobs are kept (their TTL), in days. */
  readonly retentionDays: number;
  /** Powertools Logger; each record logs through a child carrying the job's keys. */
  readonly logger: Logger;
  /** Powertools Metrics (EMF); published once per invocation by the consumer handler. */
  readonly metrics: Metrics;
  /**
   * A message whose job does not exist is retried while it is younger than this by SQS's `SentTimestamp` (the direct
   * path's put may still be in flight), then dropped as an orphan of an enqueue call that never finished.
   * @default ORPHAN_GRACE_MS (8 minutes)
   */
  readonly orphanGraceMs?: number;
  /**
   * Makes a record visible again after `delaySec` (SQS `ChangeMessageVisibility`), for messages deferred for a short
   * while. Without it a deferred record waits the queue's whole visibility timeout.
   */
  readonly changeVisibility?: (record: SQSRecord, delaySec: number) => Promise<void>;
}

/** When one Lambda invocation must have finished its work: the task timeout is cut to fit before it. */
export interface InvocationLimits {
  /** Epoch ms (on `deps.clock`) by which the invocation must return. */
  readonly deadlineMs: number;
}

/**
 * Time kept free at the end of an invocation to write the outcome and send the retry after a task is cut short.
 * The lease margin must not exceed it: then no lease outlives its invocation, and SQS (whose visibility timeout is at
 * least the function timeout) can only redeliver a crashed consumer's message once its lease has expired.
 */
export const INVOCATION_SAFETY_MARGIN_MS = 5_000;
/** A claim's lease lasts the task's timeout plus this, to cover the outcome write. */
export const LEASE_MARGIN_MS = 5_000;
/**
 * See `WorkerDeps.orphanGraceMs`. The direct path's put follows its send within about a second (`enqueueMany` sends and
 * writes slice by slice); 8 minutes covers SDK retries under heavy throttling many times over.
 */
export const ORPHAN_GRACE_MS = 8 * 60_000;
/**
 * How long a message whose job does not exist yet stays invisible before its next receive, by its receive count
 * (1-based; later receives use the last value). With the queue's default `maxReceiveCount` of 5, the fifth receive
 * comes at least 620 s after the send, past `ORPHAN_GRACE_MS`: an orphan is dropped there instead of reaching the DLQ,
 * and a job whose write lagged up to the grace still runs. A smaller `maxReceiveCount` moves such a message to the DLQ
 * earlier (it can be redriven; nothing is dropped silently).
 */
export const MISSING_JOB_RETRY_AFTER_SEC: readonly number[] = [2, 30, 120, 450];
/**
 * The most a consumer waits for a due time before claiming. Messages arrive up to 1 s early (delays are whole
 * seconds, rounded down); a message much earlier than that is sent again with a delay rather than held in a Lambda.
 */
export const MAX_EARLY_WAIT_MS = 2_000;
/** The least time a task may get; with less left in the invocation, the message waits for a fresh one. */
export const MIN_TASK_TIME_MS = 1_000;
/**
 * The shortest consumer timeout under which a job can run: the longest early wait, the time the invocation keeps
 * free at its end, and the least time a task may get. With less, every receive is returned to the queue.
 */
export const MIN_CONSUMER_TIMEOUT_SEC = Math.ceil((MAX_EARLY_WAIT_MS + INVOCATION_SAFETY_MARGIN_MS + MIN_TASK_TIME_MS) / 1000);
/**
 * How long (and how often) a consumer polls for a job that does not exist yet — the direct path sends its message
 * before it writes the job — before returning the message to the queue for a second. Polls are consistent reads
 * (half the price of a failed claim) and only happen in that race.
 */
export const MISSING_JOB_WAIT_MS = 5_000;
export const MISSING_JOB_POLL_MS = 100;

/**
 * Names of the metrics the worker emits (EMF); the construct's alarms and dashboards use the same constants.
 */
export const WORKER_METRICS = {
  started: 'JobsStarted',
  completed: 'JobsCompleted',
  retried: 'JobsRetried',
  failed: 'JobsFailed',
  latenessMs: 'LatenessMs',
} as const;

