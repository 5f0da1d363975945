/**
 * Queue depth, in-flight and dead-letter counts (SQS `GetQueueAttributes`), and the dashboard's DLQ redrive.
 *
 * A sundial DLQ message is a copy of a job's message sent when the job failed for good (the table already says
 * `failed`). Moving it back to the source queue would be acknowledged without running anything (the claim finds the
 * job failed), so redrive means: retry each job through the library, then delete its copy.
 */
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/core/errors.ts';
import type { Scheduler } from '../../lib/scheduler.ts';
import { parseJobMessage } from '../../lib/worker/message.ts';

/** A queue the dashboard reports on. */
export interface QueueTarget {
  readonly name: string;
  readonly url: string;
  readonly deadLetterUrl?: string;
}

export interface QueueHealth {
  readonly name: string;
  /** Messages available now (`ApproximateNumberOfMessages`). */
  readonly depth: number;
  /** Received and not yet deleted (`ApproximateNumberOfMessagesNotVisible`). */
  readonly inFlight: number;
  /** Waiting for their DelaySeconds (`ApproximateNumberOfMessagesDelayed`). */
  readonly delayed: number;
  /** Messages on the dead-letter queue; absent when the queue has none configured here. */
  readonly deadLetters?: number;
}

export interface RedriveResult {
  /** Jobs that were failed and now run again. */
  readonly retried: number;
  /** Copies whose job was no longer failed (already retried, or expired): deleted without a retry. */
  readonly skipped: number;
}

const ATTRIBUTES = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] as const;
/** Messages one redrive call handles, so one HTTP request (or Lambda invocation) stays short. */
const MAX_REDRIVE_MESSAGES = 100;

/**
 * Reads the counts of every queue and its DLQ.
 *
 * @example
 * ```ts
 * const health = await queueHealth(sqs, [{ name: 'default', url, deadLetterUrl }]);
 * ```
 */
export async function queueHealth(sqs: SQSClient, queues: readonly QueueTarget[]): Promise<QueueHealth[]> {
  return Promise.all(
    queues.map(async (q) => {
      const [main, dlq] = await Promise.all([attributes(sqs, q.url), q.deadLetterUrl ? attributes(sqs, q.deadLetterUrl) : undefined]);
      return {
        name: q.name,
        depth: main.ApproximateNumberOfMessages,
        inFlight: main.ApproximateNumberOfMessagesNotVisible,
        delayed: main.ApproximateNumberOfMessagesDelayed,
        ...(dlq ? { deadLetters: dlq.ApproximateNumberOfMessages + dlq.ApproximateNumberOfMessagesNotVisible } : {}),
      };
    }),
  );
}

/**
 * Retries the failed jobs whose copies sit on `queue`'s DLQ (up to 100 per call) and deletes the copies.
 *
 * @example
 * ```ts
 * const { retried } = await redriveDeadLetters(sqs, scheduler, target);
 * ```
 */
export async function redriveDeadLetters(sqs: SQSClient, scheduler: Scheduler, queue: QueueTarget): Promise<RedriveResult> {
  if (!queue.deadLetterUrl) throw new ValidationError(`queue "${queue.name}" has no dead-letter queue configured (SUNDIAL_DLQS)`);
  let retried = 0;
  let skipped = 0;
  while (retried + skipped < MAX_REDRIVE_MESSAGES) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.deadLetterUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 60 }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) {
      const id = jobIdOf(message.Body);
      const outcome = id === undefined ? 'skipped' : await scheduler.retry(id).then(
        () => 'retried' as const,
        (error: unknown) => {
          if (error instanceof ConflictError || error instanceof NotFoundError) return 'skipped' as const;
          throw error;
        },
      );
      if (outcome === 'retried') retried++;
      else skipped++;
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.deadLetterUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
  return { retried, skipped };
}

async function attributes(sqs: SQSClient, url: string): Promise<Record<(typeof ATTRIBUTES)[number], number>> {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [...ATTRIBUTES] }));
  return Object.fromEntries(ATTRIBUTES.map((name) => [name, Number(Attributes[name] ?? 0)])) as Record<(typeof ATTRIBUTES)[number], number>;
}

/** The job id of a DLQ copy; undefined for a body that is not a sundial message (deleted, as nothing can run it). */
function jobIdOf(body: string | undefined): string | undefined {
  try {
    return parseJobMessage(body ?? '').id;
  } catch {
    return undefined;
  }
}
