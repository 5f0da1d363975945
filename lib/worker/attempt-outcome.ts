/**
 * Writing how an attempt ended (DESIGN §3): `completed`, `retrying` (with its message or bucket) or `failed` (with the
 * dead-letter copy). Each write is conditional on the attempt still holding the job.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { backoffDelayMs } from '../core/backoff.ts';
import { placementOf } from '../core/placement.ts';
import { ItemTooLargeError } from '../core/errors.ts';
import { DIRECT_HORIZON_MS, sendJobMessages } from '../queue/send-job-messages.ts';
import { toJobItem } from '../store/items.ts';
import { itemSizeBytes, MAX_ITEM_BYTES } from '../store/item-size.ts';
import type { JobRecord, StoredError } from '../store/types.ts';
import { withAttempt } from './attempt-history.ts';
import { WORKER_METRICS, type WorkerDeps } from './deps.ts';

/** Stored error messages are cut here, so a huge message cannot push the item over DynamoDB's 400 KB. */
export const MAX_ERROR_MESSAGE_CHARS = 4_000;
/**
 * Bytes kept free beside the claimed item when sizing a result: the completion write adds `finishedAtMs`, the TTL and
 * a longer state name, and number sizes are estimates.
 */
export const RESULT_SIZE_RESERVE_BYTES = 512;

/** How the outcome write went. `lease-lost`: another consumer took the job over after this attempt's lease ended. */
export type RecordedOutcome = 'completed' | 'retrying' | 'failed' | 'lease-lost';

/**
 * The name and message of anything a task threw.
 *
 * @example
 * ```ts
 * toStoredError(new TypeError('bad')); // { name: 'TypeError', message: 'bad' }
 * ```
 */
export function toStoredError(error: unknown): StoredError {
  const name = error instanceof Error ? error.name : 'NonErrorThrown';
  const raw = error instanceof Error ? error.message : safeString(error);
  const message = raw.length > MAX_ERROR_MESSAGE_CHARS ? `${raw.slice(0, MAX_ERROR_MESSAGE_CHARS)}… (cut)` : raw;
  return { name, message };
}

/**
 * A task's return value as stored JSON, or why it cannot be stored. `capacityBytes` is what the job's item can still
 * hold (see `resultCapacityBytes`); the JSON is measured in UTF-8 bytes, as DynamoDB measures it.
 *
 * @example
 * ```ts
 * serializeResult({ sent: 3 }, 10_000); // { result: '{"sent":3}' }
 * serializeResult('€'.repeat(250_000), 300_000).problem; // 'the result is 750002 bytes of JSON; …'
 * ```
 */
export function serializeResult(value: unknown, capacityBytes: number): { result?: string; problem?: string } {
  if (value === undefined) return {};
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    return { problem: `the result is not JSON-serializable (${toStoredError(error).message})` };
  }
  if (json === undefined) return { problem: `a ${typeof value} result has no JSON form` };
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > capacityBytes) {
    return {
      problem:
        `the result is ${bytes} bytes of JSON; the job's item could hold ${Math.max(0, capacityBytes)} more bytes ` +
        `(DynamoDB's 400 KB item limit, shared with the payload): store large results in S3 and return their key`,
    };
  }
  return { result: json };
}

/**
 * Bytes a result may take on the claimed job's item: DynamoDB's 400 KB less the item as it is (payload, last error,
 * every other attribute) less a reserve for the completion write's own attributes.
 *
 * @example
 * ```ts
 * resultCapacityBytes(claimedJob, 8); // ≈ 409,600 − payload bytes − ~700
 * ```
 */
export function resultCapacityBytes(job: JobRecord, shards: number): number {
  return MAX_ITEM_BYTES - itemSizeBytes(toJobItem(job, shards)) - 'result'.length - RESULT_SIZE_RESERVE_BYTES;
}

/** Epoch seconds at which an ended job expires. */
function expiresAt(nowMs: number, retentionDays: number): number {
  return Math.floor(nowMs / 1000) + retentionDays * 86_400;
}

/**
 * Records a successful attempt: `completed`, with the result when the job asked for `storeResult`.
 *
 * @example
 * ```ts
 * await recordSuccess(job, { sent: 3 }, deps, log);
 * ```
 */
export async function recordSuccess(job: JobRecord, value: unknown, deps: WorkerDeps, log: Logger): Promise<RecordedOutcome> {
  const nowMs = deps.clock.nowMs();
  const attempts = withAttempt(job, 'completed', nowMs);
  let stored: { result?: string; problem?: string } = {};
  if (job.storeResult) {
    // Sized against the item as the completion writes it, attempt history included.
    stored = serializeResult(value, resultCapacityBytes({ ...job, attempts }, deps.store.shards));
    if (stored.problem) log.warn(`Result not stored: ${stored.problem}`);
  }
  const completion = (result: { result?: string; problem?: string }) => ({
    state: 'completed' as const,
    nowMs,
    ...claimOf(job),
    // The budget that applied (a job may have inherited it from its task's definition), for `get` to show.
    maxAttempts: job.maxAttempts,
    attempts,
    ...(result.result === undefined ? {} : { result: result.result }),
    ...(result.problem === undefined ? {} : { resultDropped: result.problem }),
    expiresAtEpochSec: expiresAt(nowMs, deps.retentionDays),
  });
  let written: boolean;
  try {
    written = await deps.store.finishAttempt(job.id, job.attempt, completion(stored));
  } catch (error) {
    // The estimate is conservative, but the task has run: never let its result turn success into a re-run.
    if (!(error instanceof ItemTooLargeError) || stored.result === undefined) throw error;
    const problem = `the result (${Buffer.byteLength(stored.result, 'utf8')} bytes of JSON) did not fit in the job's item (DynamoDB's 400 KB limit, shared with the payload)`;
    log.warn(`Result not stored: ${problem}`);
    written = await deps.store.finishAttempt(job.id, job.attempt, completion({ problem }));
  }
  if (!written) return leaseLost(log);
  deps.metrics.addMetric(WORKER_METRICS.completed, MetricUnit.Count, 1);
  log.info('Job completed', { durationMs: nowMs - (job.startedAtMs ?? nowMs) });
  return 'completed';
}

/**
 * Records a failed attempt: `retrying` after the job's backoff while attempts remain (and `retry` is true), else
 * `failed` with a copy of its message on the queue's dead-letter queue.
 *
 * The retry is written before its message is sent. A crash in between leaves the job `retrying` with no message;
 * the attempt's own message, not yet acknowledged, comes back and its failed claim re-sends (see `decideLostClaim`).
 *
 * @example
 * ```ts
 * await recordFailure(job, new Error('SMTP 451'), deps, log, { retry: true });
 * ```
 */
export async function recordFailure(
  job: JobRecord,
  error: unknown,
  deps: WorkerDeps,
  log: Logger,
  options: { readonly retry: boolean },
): Promise<RecordedOutcome> {
  const nowMs = deps.clock.nowMs();
  const lastError = toStoredError(error);
  if (options.retry && job.attempt < job.maxAttempts) {
    const delayMs = backoffDelayMs(job.backoff, job.attempt, deps.random);
    const dueAtMs = nowMs + delayMs;
    // A retry is sent by the worker itself: within SQS's delay it needs no index entry.
    const placement = placementOf(dueAtMs, nowMs, DIRECT_HORIZON_MS);
    const written = await deps.store.finishAttempt(job.id, job.attempt, {
      state: 'retrying', nowMs, dueAtMs, lastError, placement, maxAttempts: job.maxAttempts, attempts: withAttempt(job, 'retrying', nowMs, error), ...claimOf(job),
    });
    if (!written) return leaseLost(log);
    if (placement === 'none') await sendJobMessages(deps.queue, [{ id: job.id, queue: job.queue, dueAtMs }], nowMs);
    deps.metrics.addMetric(WORKER_METRICS.retried, MetricUnit.Count, 1);
    log.warn('Job attempt failed; retrying', { error: lastError, retryInMs: delayMs, retryAt: new Date(dueAtMs).toISOString(), placement });
    return 'retrying';
  }
  const written = await deps.store.finishAttempt(job.id, job.attempt, {
    state: 'failed',
    nowMs,
    ...claimOf(job),
    lastError,
    maxAttempts: job.maxAttempts,
    attempts: withAttempt(job, 'failed', nowMs, error),
    expiresAtEpochSec: expiresAt(nowMs, deps.retentionDays),
  });
  if (!written) return leaseLost(log);
  deps.metrics.addMetric(WORKER_METRICS.failed, MetricUnit.Count, 1);
  log.error('Job failed', { error: lastError, attempts: job.attempt, maxAttempts: job.maxAttempts });
  try {
    // The table already says `failed`; the copy only feeds the DLQ alarm and redrive tooling, so losing it is logged
    // rather than retried (a redelivery would find the job failed and acknowledge it anyway).
    await deps.queue.sendToDeadLetter(job.queue, { v: 1, id: job.id, dueAtMs: job.dueAtMs, sentAtMs: nowMs });
  } catch (dlqError) {
    log.error('Dead-letter copy not sent', { error: toStoredError(dlqError) });
  }
  return 'failed';
}

function leaseLost(log: Logger): RecordedOutcome {
  log.warn('Outcome not written: the lease expired and another consumer took the job over');
  return 'lease-lost';
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The attempt's claim, written with its outcome so that a retried outcome write that committed is known as such. */
function claimOf(job: JobRecord): { leaseToken?: string } {
  return job.leaseToken === undefined ? {} : { leaseToken: job.leaseToken };
}
