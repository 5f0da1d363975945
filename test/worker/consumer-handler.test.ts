import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConsumerHandler } from '../../lib/worker/consumer-handler.ts';
import { MISSING_JOB_RETRY_AFTER_SEC } from '../../lib/worker/deps.ts';
import { T0, createHarness, defineTestTask, jobRecord, lambdaContext, messageFor } from './harness.ts';

function record(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(T0),
      SenderId: 'sundial',
      ApproximateFirstReceiveTimestamp: String(T0),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:sundial-default',
    awsRegion: 'us-east-1',
  };
}

/** Captures what Powertools writes to stdout (its Logger and Metrics print JSON lines there). */
function captureStdout(): { lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  return {
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createConsumerHandler', () => {
  it('returns a message whose job is not written yet after a short delay, not after the whole visibility timeout', async () => {
    const h = createHarness();
    const changed: Array<[string, number]> = [];
    const handler = createConsumerHandler({ ...h.deps, changeVisibility: async (r, sec) => void changed.push([r.messageId, sec]) });
    // The direct path sends before it writes: here the write has not landed by the time the message arrives.
    const missing = jobRecord(defineTestTask(() => 1));
    const response = await handler({ Records: [record('m-early', JSON.stringify(messageFor(missing, T0)))] }, lambdaContext());
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-early' }]);
    expect(changed).toEqual([['m-early', MISSING_JOB_RETRY_AFTER_SEC[0]]]);
  });


  it('answers with a partial batch response: only the records to deliver again are listed', async () => {
    const h = createHarness();
    let runs = 0;
    const task = defineTestTask(() => void runs++);
    const due = jobRecord(task);
    const cancelled = jobRecord(task);
    await h.store.createJob(due);
    await h.store.createJob(cancelled);
    await h.store.cancelJob(cancelled.id, T0 - 1, T0 / 1000 + 86_400);
    const handler = createConsumerHandler(h.deps);

    const event: SQSEvent = {
      Records: [
        record('m-due', JSON.stringify(messageFor(due))),
        record('m-garbage', '{"hello":"world"}'),
        record('m-cancelled', JSON.stringify(messageFor(cancelled))),
        record('m-young-orphan', JSON.stringify({ v: 1, id: 'not-yet', dueAtMs: T0, sentAtMs: T0 - 100 })),
        record('m-duplicate', JSON.stringify(messageFor(due))),
      ],
    };
    const response = await handler(event, lambdaContext());

    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m-garbage', 'm-young-orphan']);
    expect(runs).toBe(1);
    expect(await h.store.getJob(due.id)).toMatchObject({ state: 'completed', attempt: 1 });
  });

  it('returns every record as a failure (not an invocation error) when the whole batch must come back', async () => {
    const h = createHarness();
    const handler = createConsumerHandler(h.deps);
    const response = await handler({ Records: [record('a', 'not json'), record('b', '[]')] }, lambdaContext());
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'a' }, { itemIdentifier: 'b' }] });
  });

  it('logs job id, task, attempt and lateness on every line of a job, one line of its own at INFO, and publishes the metrics once', async () => {
    const h = createHarness({ logLevel: 'INFO' });
    const task = defineTestTask((_payload, context) => context.logger.info('sending the email'));
    const job = jobRecord(task);
    await h.store.createJob(job);
    h.time.now = T0 + 700;
    const out = captureStdout();

    await createConsumerHandler(h.deps)({ Records: [record('m1', JSON.stringify(messageFor(job)))] }, lambdaContext());

    const lines = out.lines();
    const jobLines = lines.filter((line) => line['jobId'] === job.id);
    expect(jobLines.map((line) => line['message'])).toEqual(['sending the email', 'Job completed']);
    for (const line of jobLines) expect(line).toMatchObject({ task, attempt: 1, latenessMs: 700 });

    const emf = lines.filter((line) => '_aws' in line);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ JobsStarted: 1, JobsCompleted: 1, LatenessMs: 700, service: 'consumer' });
    expect(JSON.stringify(emf[0]!['_aws'])).toContain('"Namespace":"SundialTest"');
    expect(h.metrics.hasStoredMetrics()).toBe(false);
  });

  it('logs "Job started" too at DEBUG', async () => {
    const h = createHarness({ logLevel: 'DEBUG' });
    const task = defineTestTask(() => undefined);
    const job = jobRecord(task);
    await h.store.createJob(job);
    h.time.now = T0 + 5;
    const out = captureStdout();

    await createConsumerHandler(h.deps)({ Records: [record('m1', JSON.stringify(messageFor(job)))] }, lambdaContext());

    const jobLines = out.lines().filter((line) => line['jobId'] === job.id);
    expect(jobLines.map((line) => line['message'])).toEqual(['Job started', 'Job completed']);
    expect(jobLines[0]).toMatchObject({ level: 'DEBUG', task, attempt: 1, latenessMs: 5 });
  });
});
