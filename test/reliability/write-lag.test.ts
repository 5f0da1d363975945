/**
 * Defects 3 and 4 of issue 11: the direct path sends a job's message before it writes the job. A message whose job was
 * not written yet went to the DLQ in about 31 s (5 receives, 1 s apart), and the job, written later, stayed
 * `scheduled` with no index entry: stranded. And the orphan age came from the sender's clock (`sentAtMs`), so a writer
 * whose clock ran 2 minutes behind lost its immediate jobs. Now the age is SQS's own `SentTimestamp`, and a message
 * waiting for its job comes back after growing delays chosen by its `ApproximateReceiveCount`, so it outlives the
 * orphan grace before the queue's `maxReceiveCount` (5) would move it to the DLQ.
 *
 * The consumer handler runs as Lambda runs it, on the memory store and a fake clock; the test plays SQS: it delivers a
 * record, applies the visibility change the handler asked for, counts receives and "moves" the message to the DLQ
 * after `maxReceiveCount` receives, as the redrive policy does.
 */
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createConsumerHandler } from '../../lib/worker/consumer-handler.ts';
import { createHarness, defineTestTask, jobRecord, lambdaContext, messageFor, T0, type Harness } from '../worker/harness.ts';
import type { JobRecord } from '../../lib/store/types.ts';
import { MemoryJobQueue } from '../../lib/queue/memory-queue.ts';
import type { OutgoingMessage } from '../../lib/queue/types.ts';
import { MemoryJobStore } from '../../lib/store/memory-store.ts';
import { ENQUEUE_SLICE_SIZE, Scheduler } from '../../lib/scheduler.ts';

const MAX_RECEIVE_COUNT = 5;
/** The queue's visibility timeout when the handler does not shorten it (6 × a 30 s consumer timeout). */
const VISIBILITY_TIMEOUT_SEC = 180;

function sqsRecord(body: string, sentTimestampMs: number, receiveCount: number): SQSRecord {
  return {
    messageId: 'm-1',
    receiptHandle: `rh-${receiveCount}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(sentTimestampMs),
      SenderId: 'sundial',
      ApproximateFirstReceiveTimestamp: String(sentTimestampMs),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:sundial-default',
    awsRegion: 'us-east-1',
  };
}

/** Plays SQS for one message until it is deleted (→ 'deleted') or would move to the DLQ (→ 'dead-lettered'). */
async function deliver(h: Harness, body: string, sentTimestampMs: number): Promise<'deleted' | 'dead-lettered'> {
  let visibleAfterSec = VISIBILITY_TIMEOUT_SEC;
  const handler = createConsumerHandler({ ...h.deps, changeVisibility: async (_r, sec) => void (visibleAfterSec = sec) });
  for (let receive = 1; receive <= MAX_RECEIVE_COUNT; receive++) {
    visibleAfterSec = VISIBILITY_TIMEOUT_SEC;
    const response = await handler({ Records: [sqsRecord(body, sentTimestampMs, receive)] }, lambdaContext(60_000));
    if (response.batchItemFailures.length === 0) return 'deleted';
    h.time.now += visibleAfterSec * 1000;
    await h.time.onSleep?.(0);
  }
  return 'dead-lettered';
}

/** Writes `job` once the fake clock reaches `atMs` (the trailing put of the direct path). */
function writeAt(h: Harness, job: JobRecord, atMs: number): void {
  let written = false;
  h.time.onSleep = async () => {
    if (!written && h.time.now >= atMs) {
      written = true;
      await h.store.createJob(job);
    }
  };
}

describe('a direct-path job whose write trails its message', () => {
  it.each([5_000, 40_000, 5 * 60_000])('runs once when the write lands %i ms after the message', async (lagMs) => {
    const h = createHarness();
    let runs = 0;
    const job = jobRecord(defineTestTask(() => void runs++), { sentAtMs: T0 });
    writeAt(h, job, T0 + lagMs);
    const fate = await deliver(h, JSON.stringify(messageFor(job, T0)), T0);
    expect(fate).toBe('deleted');
    expect(runs).toBe(1);
    expect(await h.store.getJob(job.id)).toMatchObject({ state: 'completed', attempt: 1 });
  });

  it('drops a true orphan (the enqueue never wrote its job) once SQS says it is older than the grace, before the DLQ', async () => {
    const h = createHarness();
    const orphan = jobRecord(defineTestTask(() => undefined));
    expect(await deliver(h, JSON.stringify(messageFor(orphan, T0)), T0)).toBe('deleted');
    expect(h.time.now - T0).toBeGreaterThan(10 * 60_000);
  });
});

describe('writer clock skew (orphan age comes from SQS, not the sender)', () => {
  it('runs a job sent by a writer whose clock is 3 minutes behind', async () => {
    const h = createHarness();
    let runs = 0;
    // The writer believes it is T0 − 3 min; SQS stamps the message with its own time, T0.
    const job = jobRecord(defineTestTask(() => void runs++), { dueAtMs: T0 - 180_000, sentAtMs: T0 - 180_000 });
    writeAt(h, job, T0 + 3_000);
    const fate = await deliver(h, JSON.stringify(messageFor(job, T0 - 180_000)), T0);
    expect(fate).toBe('deleted');
    expect(runs).toBe(1);
  });
});

describe('enqueueMany bounds how far a write trails its message', () => {
  it('sends and writes slice by slice: at no point are more than one slice of messages waiting for their jobs', async () => {
    let sentNotWritten = 0;
    let worst = 0;
    class CountingQueue extends MemoryJobQueue {
      override async send(queue: string, messages: readonly OutgoingMessage[]): Promise<void> {
        await super.send(queue, messages);
        sentNotWritten += messages.length;
        worst = Math.max(worst, sentNotWritten);
      }
    }
    class CountingStore extends MemoryJobStore {
      override async createJobs(jobs: readonly JobRecord[]): Promise<Array<Error | undefined>> {
        const errors = await super.createJobs(jobs);
        sentNotWritten -= jobs.filter((j) => j.placement === 'none').length;
        return errors;
      }
    }
    const scheduler = new Scheduler({ store: new CountingStore({ shards: 4 }), queue: new CountingQueue(), clock: { nowMs: () => T0 } });
    const results = await scheduler.enqueueMany(Array.from({ length: 2_500 }, (_, n) => ({ task: 'lag-probe', payload: { n } })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(sentNotWritten).toBe(0);
    expect(worst).toBeLessThanOrEqual(1_000);
    expect(worst).toBe(ENQUEUE_SLICE_SIZE);
  });
});
