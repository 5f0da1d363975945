/**
 * The shortest consumer timeout the construct accepts (`MIN_CONSUMER_TIMEOUT_SEC`) runs a job on its first receive,
 * even when the message arrives as early as the consumer ever waits; one second less could not, which is why the
 * construct refuses it (test/infra/sundial-scheduler.test.ts).
 */
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { MAX_EARLY_WAIT_MS, MIN_CONSUMER_TIMEOUT_SEC } from '../../lib/worker/deps.ts';
import { createConsumerHandler } from '../../lib/worker/consumer-handler.ts';
import { T0, createHarness, defineTestTask, jobRecord, lambdaContext, messageFor } from './harness.ts';

function record(body: string, receive: number): SQSRecord {
  return {
    messageId: 'm', receiptHandle: `rh-${receive}`, body,
    attributes: { ApproximateReceiveCount: String(receive), SentTimestamp: String(T0), SenderId: 's', ApproximateFirstReceiveTimestamp: String(T0) },
    messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:sundial-default', awsRegion: 'us-east-1',
  };
}

describe('consumer timeout', () => {
  it.each([
    [MIN_CONSUMER_TIMEOUT_SEC, 1, 'completed'],
    [MIN_CONSUMER_TIMEOUT_SEC - 1, 0, 'scheduled'],
  ])(`at %i s, a message ${MAX_EARLY_WAIT_MS} ms early runs its job %i time(s) on the first receive, leaving it %s`, async (timeoutSec, runs, state) => {
    const h = createHarness();
    let ran = 0;
    const job = jobRecord(defineTestTask(() => void ran++), { dueAtMs: T0 + MAX_EARLY_WAIT_MS });
    await h.store.createJob(job);
    const handler = createConsumerHandler(h.deps);
    const context = lambdaContext(timeoutSec * 1000);
    await handler({ Records: [record(JSON.stringify(messageFor(job)), 1)] }, { ...context, getRemainingTimeInMillis: () => timeoutSec * 1000 - (h.time.now - T0) });
    expect({ ran, state: (await h.store.getJob(job.id))!.state }).toEqual({ ran: runs, state });
  });
});
