import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSqsLocal, type SqsLocal } from '../../infra/local/sqs-local.ts';
import { ConfigurationError, MessageSendError, ValidationError } from '../../lib/core/errors.ts';
import { SqsJobQueue } from '../../lib/queue/sqs-queue.ts';
import { sendJobMessages } from '../../lib/queue/send-job-messages.ts';
import { queueUrlOf, sqsVisibilityChanger } from '../../lib/queue/sqs-visibility.ts';
import type { SQSRecord } from 'aws-lambda';
import type { JobMessage, OutgoingMessage } from '../../lib/queue/types.ts';

let sqs: SqsLocal;
let client: SQSClient;
/**
 * SendMessageBatch / SendMessage requests, counted by a middleware below the SDK's retry step, so every attempt the SDK
 * makes counts (requests are billed).
 */
let calls: string[] = [];
/** Entries of each SendMessageBatch request, in the order they were made. */
let batchSizes: number[] = [];
/** Errors to throw, one per request, before it leaves (an outage or throttling): the SDK's retry policy sees them. */
const injectedFailures: Error[] = [];

beforeAll(async () => {
  sqs = await startSqsLocal();
  client = new SQSClient({
    endpoint: sqs.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(context.commandName ?? '?');
      const entries = (args.input as { Entries?: unknown[] }).Entries;
      if (entries) batchSizes.push(entries.length);
      const failure = injectedFailures.shift();
      if (failure) throw failure;
      return next(args);
    },
    { step: 'deserialize', name: 'countAndInjectFailures' },
  );
});

afterAll(async () => {
  client?.destroy();
  await sqs?.stop();
});

async function createQueue(name: string): Promise<string> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name }));
  return QueueUrl!;
}

async function receiveAll(url: string): Promise<JobMessage[]> {
  const bodies: JobMessage[] = [];
  for (;;) {
    const { Messages } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 300 }),
    );
    if (!Messages || Messages.length === 0) return bodies;
    bodies.push(...Messages.map((m) => JSON.parse(m.Body!) as JobMessage));
  }
}

function outgoing(count: number, delaySec = 0, prefix = 'j'): OutgoingMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    message: { v: 1, id: `${prefix}${i}`, dueAtMs: 1_000 + i, sentAtMs: 500 },
    delaySec,
  }));
}

function queueFor(urls: Record<string, string>, deadLetterUrls: Record<string, string> = {}): SqsJobQueue {
  return new SqsJobQueue({ client, queueUrls: urls, deadLetterUrls, sleep: async () => {}, random: () => 0.5 });
}

describe('SqsJobQueue against the SQS emulator', () => {
  it('sends 23 messages in 3 batch calls, each body a JobMessage', async () => {
    const url = await createQueue('batches');
    calls = [];
    await queueFor({ default: url }).send('default', outgoing(23));
    expect(calls).toEqual(['SendMessageBatchCommand', 'SendMessageBatchCommand', 'SendMessageBatchCommand']);
    const received = await receiveAll(url);
    expect(received.map((m) => m.id).sort()).toEqual(outgoing(23).map((m) => m.message.id).sort());
    expect(received.find((m) => m.id === 'j7')).toEqual({ v: 1, id: 'j7', dueAtMs: 1_007, sentAtMs: 500 });
  });

  it("sendJobMessages: 25 jobs for one queue make exactly 3 SendMessageBatch requests, 10 + 10 + 5", async () => {
    const url = await createQueue('one-batching');
    calls = [];
    batchSizes = [];
    const jobs = Array.from({ length: 25 }, (_, i) => ({ id: `b${i}`, queue: 'default', dueAtMs: 1_000 }));
    await sendJobMessages(queueFor({ default: url }), jobs, 1_000);
    expect(calls).toEqual(['SendMessageBatchCommand', 'SendMessageBatchCommand', 'SendMessageBatchCommand']);
    expect(batchSizes).toEqual([10, 10, 5]);
    expect((await receiveAll(url)).map((m) => m.id).sort()).toEqual(jobs.map((j) => j.id).sort());
  });

  it('coalesces 50 concurrent single-message sends into shared batch calls, each caller resolved', async () => {
    const url = await createQueue('coalesced');
    calls = [];
    const queue = queueFor({ default: url });
    // The first send goes out alone at once; the 49 made while it is in flight share batches of up to 10.
    await Promise.all(outgoing(50, 0, 'c').map((m) => queue.send('default', [m])));
    expect(calls.length).toBeLessThanOrEqual(7);
    expect((await receiveAll(url)).map((m) => m.id).sort()).toEqual(outgoing(50, 0, 'c').map((m) => m.message.id).sort());
  });

  it('rejects only the callers whose entries SQS refused when their sends shared a batch', async () => {
    const { QueueUrl: url } = await client.send(new CreateQueueCommand({ QueueName: 'coalesced-refusals', Attributes: { MaximumMessageSize: '1024' } }));
    const queue = queueFor({ default: url! });
    calls = [];
    // A body over the queue's MaximumMessageSize is refused for that entry alone (SQS reports it per entry).
    const tooBig = { message: { v: 1, id: 'big', dueAtMs: 1, sentAtMs: 0, pad: 'x'.repeat(2_000) } as unknown as JobMessage, delaySec: 0 };
    const results = await Promise.allSettled([
      queue.send('default', outgoing(1, 0, 'lead')),
      queue.send('default', outgoing(2, 0, 'ok')),
      queue.send('default', [tooBig]),
      queue.send('default', outgoing(1, 0, 'after')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const refused = (results[2] as PromiseRejectedResult).reason;
    expect(refused).toBeInstanceOf(MessageSendError);
    expect((refused as MessageSendError).failedIds).toEqual(['big']);
    // The lead went alone; the three sends made while it was in flight shared one call.
    expect(calls).toEqual(['SendMessageBatchCommand', 'SendMessageBatchCommand']);
  });

  it('holds a message for its DelaySeconds (a 900 s delay is not receivable now)', async () => {
    const url = await createQueue('delayed');
    const queue = queueFor({ default: url });
    await queue.send('default', [...outgoing(1, 900, 'late'), ...outgoing(1, 0, 'now')]);
    expect((await receiveAll(url)).map((m) => m.id)).toEqual(['now0']);
  });

  it('rejects every out-of-range delay at once, before any request', async () => {
    const url = await createQueue('invalid-delays');
    calls = [];
    const bad: OutgoingMessage[] = [
      { message: { v: 1, id: 'a', dueAtMs: 0, sentAtMs: 0 }, delaySec: 901 },
      { message: { v: 1, id: 'b', dueAtMs: 0, sentAtMs: 0 }, delaySec: -1 },
      { message: { v: 1, id: 'c', dueAtMs: 0, sentAtMs: 0 }, delaySec: 1.5 },
      { message: { v: 1, id: 'd', dueAtMs: 0, sentAtMs: 0 }, delaySec: 900 },
    ];
    const error = await queueFor({ default: url }).send('default', bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const problems = (error as ValidationError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('job "a": received 901; expected a whole number of seconds from 0 to 900');
    expect(problems[1]).toContain('job "b": received -1');
    expect(problems[2]).toContain('job "c": received 1.5');
    expect(calls).toEqual([]);
    expect(await receiveAll(url)).toEqual([]);
  });

  it('rejects a coalescing wait or a batch concurrency out of range, naming both', () => {
    const error = (() => {
      try {
        return new SqsJobQueue({ client, queueUrls: { default: 'http://unused/1' }, coalesceWaitMs: 0, maxBatchesInFlight: 0 });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([
      expect.stringContaining('coalesceWaitMs: received 0'),
      expect.stringContaining('maxBatchesInFlight: received 0; expected a whole number ≥ 1'),
    ]);
  });

  it('names the known queues when asked for an unknown one', async () => {
    const queue = queueFor({ default: 'http://unused/1', reports: 'http://unused/2' });
    await expect(queue.send('emails', outgoing(1))).rejects.toThrow(ConfigurationError);
    await expect(queue.send('emails', outgoing(1))).rejects.toThrow('Unknown queue "emails"; known queues: default, reports.');
    await expect(queue.sendToDeadLetter('default', outgoing(1)[0]!.message)).rejects.toThrow(
      'Unknown queue "default"; known queues: (none).',
    );
  });

  it("leaves a throttled call to the SDK's retry policy: one retry, every message delivered once", async () => {
    const url = await createQueue('throttled');
    calls = [];
    injectedFailures.push(throttling());
    await queueFor({ default: url }).send('default', outgoing(4));
    expect(calls).toEqual(['SendMessageBatchCommand', 'SendMessageBatchCommand']);
    expect((await receiveAll(url)).map((m) => m.id).sort()).toEqual(['j0', 'j1', 'j2', 'j3']);
  });

  it("gives up after the SDK's attempts, not a multiple of them, with a MessageSendError naming every job", async () => {
    const url = await createQueue('always-throttled');
    calls = [];
    for (let i = 0; i < 12; i++) injectedFailures.push(throttling());
    const error = await queueFor({ default: url }).send('default', outgoing(3)).catch((e: unknown) => e);
    injectedFailures.length = 0;
    expect(error).toBeInstanceOf(MessageSendError);
    expect((error as MessageSendError).failedIds).toEqual(['j0', 'j1', 'j2']);
    expect((error as MessageSendError).message).toContain('3 of 3 messages were not accepted by queue "default"');
    // The SDK's default of 3 attempts; sundial's own loop resends refused entries only (it used to make this 12).
    expect(calls).toHaveLength(3);
  });

  it('does not retry a queue that does not exist, and names the jobs', async () => {
    calls = [];
    const missing = sqs.queueUrl('no-such-queue');
    const error = await queueFor({ default: missing }).send('default', outgoing(12)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessageSendError);
    expect((error as MessageSendError).failedIds).toHaveLength(12);
    expect(calls).toHaveLength(2); // one call per batch of 10, no retries
  });

  it('puts a copy on the dead-letter queue', async () => {
    const url = await createQueue('work');
    const dlq = await createQueue('work-dlq');
    const message: JobMessage = { v: 1, id: 'dead', dueAtMs: 5, sentAtMs: 4 };
    await queueFor({ default: url }, { default: dlq }).sendToDeadLetter('default', message);
    expect(await receiveAll(dlq)).toEqual([message]);
    expect(await receiveAll(url)).toEqual([]);
  });
});

describe('sqsVisibilityChanger', () => {
  it('makes a received message visible again after the given delay', async () => {
    const url = await createQueue('visibility');
    const queue = new SqsJobQueue({ client, queueUrls: { default: url } });
    await queue.send('default', [{ message: { v: 1, id: 'j-vis', dueAtMs: 0, sentAtMs: 0 }, delaySec: 0 }]);
    const first = await client.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 600, WaitTimeSeconds: 1 }));
    const received = first.Messages![0]!;
    const arn = `arn:aws:sqs:us-east-1:000000000000:${url.split('/').pop()}`;
    await sqsVisibilityChanger(client, [url])({ receiptHandle: received.ReceiptHandle!, eventSourceARN: arn } as SQSRecord, 0);
    const again = await client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 2 }));
    expect(again.Messages?.map((m) => m.MessageId)).toEqual([received.MessageId]);
  });

  it('finds the queue URL by the name the ARN ends with, or builds the AWS one', () => {
    expect(queueUrlOf('arn:aws:sqs:eu-west-1:123:jobs', ['http://127.0.0.1:1/000/other', 'http://127.0.0.1:1/000/jobs'])).toBe('http://127.0.0.1:1/000/jobs');
    expect(queueUrlOf('arn:aws:sqs:eu-west-1:123:jobs', [])).toBe('https://sqs.eu-west-1.amazonaws.com/123/jobs');
  });
});

/** The error SQS returns when throttling, as the SDK's retry policy recognises it. */
function throttling(): Error {
  return Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 }, $fault: 'client' });
}
