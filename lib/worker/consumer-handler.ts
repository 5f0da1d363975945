/**
 * The consumer Lambda's handler factory: Powertools' batch utility around `handleJobMessage`, with partial batch
 * responses so one failing message never makes SQS redeliver the others.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { WorkerDeps } from './deps.ts';
import { handleJobMessage } from './handle-job-message.ts';
import { MessageDeferredError } from './errors.ts';
import { parseJobMessage } from './message.ts';
import type { MessageReceipt } from '../queue/types.ts';
import { handleEventMessage, parseEventMessage } from './event-message.ts';

/**
 * Builds the consumer handler. Records of one batch are handled in parallel, each waiting for its own due time. A
 * record whose handling throws becomes a batch item failure (SQS delivers it again after the visibility timeout, and
 * after `maxReceiveCount` receives moves it to the DLQ); every other record is deleted. Metrics are published once
 * per invocation.
 *
 * @example
 * ```ts
 * export const handler = createConsumerHandler({ store, queue, clock: systemClock, random: Math.random,
 *   sleep: timerSleep, retentionDays: 7, logger: new Logger(), metrics: new Metrics({ namespace: 'Sundial' }) });
 * ```
 */
export function createConsumerHandler(deps: WorkerDeps): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  return async (event, context) => {
    const deadlineMs = deps.clock.nowMs() + context.getRemainingTimeInMillis();
    // One processor per invocation: it keeps per-batch state, and tests (or a local runtime) may overlap invocations.
    const processor = new BatchProcessor(EventType.SQS);
    const handleRecord = async (record: SQSRecord): Promise<void> => {
      try {
        // EventBridge targets put event messages into the same queues (event-message.ts).
        const event = parseEventMessage(record.body);
        const receipt = receiptOf(record);
        await (event
          ? handleEventMessage(event, deps, { deadlineMs }, receipt)
          : handleJobMessage(parseJobMessage(record.body), deps, { deadlineMs }, receipt));
      } catch (error) {
        deps.logger.error('Message returned to the queue', { messageId: record.messageId, error });
        if (error instanceof MessageDeferredError && error.retryAfterSec !== undefined && deps.changeVisibility) {
          await deps.changeVisibility(record, error.retryAfterSec).catch((cause: unknown) =>
            // Not fatal: the record still comes back, only after the queue's full visibility timeout.
            deps.logger.warn('Could not shorten the visibility of a deferred message', { messageId: record.messageId, error: cause }),
          );
        }
        throw error;
      }
    };
    try {
      // With every record failed, returning them all as item failures has the same effect as throwing, without an
      // invocation error that would count against the function's error alarm.
      return await processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false });
    } finally {
      if (deps.metrics.hasStoredMetrics()) deps.metrics.publishStoredMetrics();
    }
  };
}

/** SQS's own view of a delivery; absent or malformed attributes are left out (the consumer then falls back). */
function receiptOf(record: SQSRecord): MessageReceipt {
  const sqsSentAtMs = Number(record.attributes?.SentTimestamp);
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount);
  return {
    ...(Number.isSafeInteger(sqsSentAtMs) && sqsSentAtMs > 0 ? { sqsSentAtMs } : {}),
    ...(Number.isSafeInteger(receiveCount) && receiveCount > 0 ? { receiveCount } : {}),
  };
}
