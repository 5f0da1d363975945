/**
 * The worker runtime end to end on the shared local stack: the synthesized template deployed on DynamoDB Local and the
 * SQS emulator, the bundled consumer run by the local Lambda runtime, real timers. Its jobs go to a queue of their own
 * (`worker-it`), so "the queue is empty" and "the dead-letter copy" mean this file's messages only.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, type QueueAttributeName, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsClient } from '../../lib/aws-clients.ts';
import type { Job } from '../../lib/model.ts';
import { Scheduler } from '../../lib/scheduler.ts';
import { VISIBILITY_TIMEOUT_SEC } from '../shared/stack-config.ts';
import { alwaysFails, crashOnce, flakyTwice, ignoresTime, recordRun } from './fixtures/integration-tasks.ts';
import { sharedStackEnv } from '../integration/support.ts';

/** This file's queue on the shared stack (test/shared/stack-config.ts). */
const QUEUE = 'worker-it';

let env: Readonly<Record<string, string>>;
let scheduler: Scheduler;
let sqs: SQSClient;
let dir: string;
let files = 0;

function noteFile(): string {
  return join(dir, `notes-${++files}.jsonl`);
}

function notes(file: string): Array<{ attempt?: number; aborted?: boolean; atMs: number }> {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { attempt?: number; aborted?: boolean; atMs: number });
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const until = (id: string, states: Job['state'][]) =>
  waitFor(() => scheduler.get(id), (job) => states.includes(job.state), `job ${id} to be ${states.join('/')}`);

function queueUrl(which: 'queue' | 'dlq'): string {
  const urls = JSON.parse(env[which === 'queue' ? 'SUNDIAL_QUEUES' : 'SUNDIAL_DLQS'] ?? '{}') as Record<string, string>;
  return urls[QUEUE]!;
}

const COUNTS: QueueAttributeName[] = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'];

/** Whether the queue holds no message, visible, in flight or delayed. A missing count is not a zero: it throws. */
async function queueIsEmpty(url: string): Promise<boolean> {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: COUNTS }));
  const missing = COUNTS.filter((name) => Attributes[name] === undefined);
  if (missing.length > 0) throw new Error(`GetQueueAttributes returned no ${missing.join(', ')} for ${url}`);
  return COUNTS.every((name) => Attributes[name] === '0');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sundial-worker-it-'));
  env = sharedStackEnv();
  scheduler = Scheduler.fromEnv(env);
  sqs = sqsClient(env);
});

afterAll(() => {
  sqs?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('consumer on the local stack', () => {
  it('a task failing twice then succeeding ends completed at attempt 3, each retry after its backoff', async () => {
    const file = noteFile();
    const job = await flakyTwice.enqueue({ file }, { scheduler, queue: QUEUE });
    const done = await until(job.id, ['completed', 'failed']);
    expect(done).toMatchObject({ state: 'completed', attempt: 3, result: { succeededOn: 3 } });
    const runs = notes(file);
    expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
    // backoff [1, 2]: a retry is due 1 s (then 2 s) after the failure was written, and never starts before it is due.
    expect(runs[1]!.atMs - runs[0]!.atMs).toBeGreaterThanOrEqual(1_000);
    expect(runs[2]!.atMs - runs[1]!.atMs).toBeGreaterThanOrEqual(2_000);
  });

  it('a task that always fails ends failed after maxAttempts with its last error, and reaches the DLQ', async () => {
    const file = noteFile();
    const job = await alwaysFails.enqueue({ file }, { scheduler, queue: QUEUE });
    const done = await until(job.id, ['completed', 'failed']);
    expect(done).toMatchObject({ state: 'failed', attempt: 2, lastError: { name: 'RangeError', message: 'still broken on attempt 2' } });
    expect(notes(file).map((r) => r.attempt)).toEqual([1, 2]);
    const dead = await waitFor(
      async () => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl('dlq'), MaxNumberOfMessages: 10, VisibilityTimeout: 0 }))).Messages ?? [],
      (messages) => messages.some((m) => m.Body!.includes(job.id)),
      'the dead-letter copy',
    );
    expect(JSON.parse(dead.find((m) => m.Body!.includes(job.id))!.Body!)).toMatchObject({ v: 1, id: job.id });
  });

  it('the same message delivered twice starts the task once', async () => {
    const file = noteFile();
    const job = await recordRun.enqueue({ file }, { scheduler, queue: QUEUE, in: 1 });
    // The emulator never duplicates: deliver a second copy of the job's message ourselves.
    const copy = { v: 1, id: job.id, dueAtMs: job.dueAt.getTime(), sentAtMs: Date.now() };
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl('queue'), MessageBody: JSON.stringify(copy), DelaySeconds: 1 }));
    await until(job.id, ['completed']);
    await waitFor(() => queueIsEmpty(queueUrl('queue')), Boolean, 'both copies to be handled');
    expect(notes(file).map((r) => r.attempt)).toEqual([1]);
  });

  it("a cancelled job's in-flight message is acknowledged without running", async () => {
    const file = noteFile();
    const job = await recordRun.enqueue({ file }, { scheduler, queue: QUEUE, in: 2 });
    await scheduler.cancel(job.id);
    // Control: a job on the same queue, due after it, must run; by then the cancelled job's message was handled.
    const controlFile = noteFile();
    const control = await recordRun.enqueue({ file: controlFile }, { scheduler, queue: QUEUE, in: 3 });
    await until(control.id, ['completed']);
    await waitFor(() => queueIsEmpty(queueUrl('queue')), Boolean, 'the message to be handled');
    expect(notes(controlFile).map((r) => r.attempt)).toEqual([1]);
    expect(notes(file)).toEqual([]);
    expect((await scheduler.get(job.id)).state).toBe('cancelled');
  });

  it('a timeout aborts the task and counts as a failed attempt', async () => {
    const file = noteFile();
    const job = await ignoresTime.enqueue({ file }, { scheduler, queue: QUEUE });
    const done = await until(job.id, ['completed', 'failed']);
    expect(done).toMatchObject({ state: 'failed', attempt: 1, lastError: { name: 'TaskTimeoutError' } });
    expect(notes(file).map((r) => r.aborted ?? false)).toEqual([false, true]);
  });

  it('a consumer killed mid-task is retried after its lease', async () => {
    const file = noteFile();
    const job = await crashOnce.enqueue({ file }, { scheduler, queue: QUEUE });
    const done = await until(job.id, ['completed', 'failed'], );
    expect(done).toMatchObject({ state: 'completed', attempt: 2 });
    const runs = notes(file);
    expect(runs.map((r) => r.attempt)).toEqual([1, 2]);
    // The message came back only after the visibility timeout, when the lease (within the invocation) had ended.
    expect(runs[1]!.atMs - runs[0]!.atMs).toBeGreaterThanOrEqual((VISIBILITY_TIMEOUT_SEC - 1) * 1_000);
  });
});
