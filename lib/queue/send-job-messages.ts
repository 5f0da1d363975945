/**
 * The one way sundial turns due jobs into SQS messages, shared by the API's direct path (a job due within the SQS
 * horizon is sent at enqueue) and the sweeper (jobs read from buckets and lanes). Keeping it in one place keeps the
 * message body and the delay rule identical on both paths, which is what the consumer's claim relies on.
 */
import type { JobMessage, JobQueue, Precision } from './types.ts';
import { MessageSendError, ValidationError } from '../core/errors.ts';
import { SQS_MAX_DELAY_SEC } from './sqs-limits.ts';

/**
 * Jobs due before `now + DIRECT_HORIZON_MS` can be held by SQS itself and take the direct path; later ones wait in a
 * bucket for the sweeper (docs/architecture.md, "Two paths to the queue").
 */
export const DIRECT_HORIZON_MS = SQS_MAX_DELAY_SEC * 1000;

/** What `sendJobMessages` needs to know about a job; the index projection of the `due` GSI carries exactly this. */
export interface JobToSend {
  readonly id: string;
  /** The worker queue's name (a key of `SUNDIAL_QUEUES`). */
  readonly queue: string;
  readonly dueAtMs: number;
}

/**
 * Whole seconds SQS should hold a message for a job due at `dueAtMs`. With `'millisecond'` precision they are rounded
 * down, so the message is never late: the consumer waits the sub-second rest itself. With `'second'` they are rounded
 * up, so the message is never early and the consumer does not wait. Past due times give 0.
 */
export function delaySecFor(dueAtMs: number, nowMs: number, precision: Precision = 'millisecond'): number {
  const seconds = (dueAtMs - nowMs) / 1000;
  return Math.min(SQS_MAX_DELAY_SEC, Math.max(0, precision === 'second' ? Math.ceil(seconds) : Math.floor(seconds)));
}

/**
 * Sends one message per job: each queue's messages go to `queue.send` in one call, and the queue adapter forms the
 * batches of 10 and keeps several in flight (`SqsJobQueue`), so batches are formed in one place only. Each message
 * carries the job's due time (the claim matches it) and `sentAtMs = nowMs` (kept for diagnostics).
 *
 * Rejects before sending anything with a `ValidationError` listing every job due beyond the SQS horizon (such a job
 * belongs in a bucket: a clamped delay would deliver it early). Rejects with one `MessageSendError` naming every job
 * whose message was not accepted after the queue's retries; all others were sent, so a caller that retries everything
 * only produces duplicates, which the consumer's claim drops.
 */
export async function sendJobMessages(queue: JobQueue, jobs: readonly JobToSend[], nowMs: number): Promise<void> {
  const tooLate = jobs.filter((job) => job.dueAtMs - nowMs >= (SQS_MAX_DELAY_SEC + 1) * 1000);
  if (tooLate.length > 0) {
    throw new ValidationError(
      tooLate.map(
        (job) =>
          `job "${job.id}": due at ${new Date(job.dueAtMs).toISOString()}, ${Math.floor((job.dueAtMs - nowMs) / 1000)} s ` +
          `after now; a message can be delayed at most ${SQS_MAX_DELAY_SEC} s: put the job in its bucket instead of sending it`,
      ),
    );
  }
  const groups = [...groupByQueue(jobs)];
  const outcomes = await Promise.allSettled(
    groups.map(([queueName, group]) =>
      queue.send(
        queueName,
        group.map((job) => ({
          message: { v: 1, id: job.id, dueAtMs: job.dueAtMs, sentAtMs: nowMs } satisfies JobMessage,
          delaySec: delaySecFor(job.dueAtMs, nowMs, queue.precision),
        })),
      ),
    ),
  );
  const failedIds: string[] = [];
  const causes: unknown[] = [];
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') return;
    causes.push(outcome.reason);
    // A MessageSendError names the refused messages; any other rejection means none of that queue's was sent.
    failedIds.push(...(outcome.reason instanceof MessageSendError ? outcome.reason.failedIds : groups[i]![1].map((job) => job.id)));
  });
  if (causes.length > 0) {
    const first = causes[0] instanceof Error ? `: ${causes[0].message}` : '';
    throw new MessageSendError(
      `${failedIds.length} of ${jobs.length} messages were not sent${first}. They are still due; sending them again is safe.`,
      failedIds,
      { cause: causes.length === 1 ? causes[0] : new AggregateError(causes) },
    );
  }
}

function groupByQueue(jobs: readonly JobToSend[]): Map<string, JobToSend[]> {
  const groups = new Map<string, JobToSend[]>();
  for (const job of jobs) {
    const group = groups.get(job.queue);
    if (group) group.push(job);
    else groups.set(job.queue, [job]);
  }
  return groups;
}
