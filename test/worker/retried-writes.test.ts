/**
 * A conditional write whose first attempt committed but whose response was lost (a 500 InternalServerError, a reset
 * connection, a timeout) is sent again by the AWS SDK's own retry policy, and that retry fails its condition against
 * the item the first attempt wrote. Before lease tokens, the store reported "not claimed" / "not written", the consumer
 * read that as another consumer's claim or a lost lease and acknowledged the message: the job stayed `running` (or
 * `retrying` with no message) forever. The claim's token tells its own write from anyone else's.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DynamoDbJobStore } from '../../lib/store/dynamodb-store.ts';
import { toJobItem } from '../../lib/store/items.ts';
import { handleJobMessage } from '../../lib/worker/handle-job-message.ts';
import { T0, createHarness, defineTestTask, jobRecord, messageFor } from '../worker/harness.ts';
import { retriedAfterCommit } from '../shared/retried-after-commit.ts';

const limits = { deadlineMs: T0 + 60_000 };

describe('the SDK retries a conditional UpdateItem whose first attempt returned 500', () => {
  it('and DynamoDbJobStore.claimJob knows the item the retry fails on as its own claim', async () => {
    const job = jobRecord('any-task');
    const claimedItem = toJobItem({ ...job, state: 'running', attempt: 1, startedAtMs: T0, leaseUntilMs: T0 + 55_000, leaseToken: 'OURS' }, 4);
    const calls: string[] = [];
    const client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      requestHandler: {
        handle: async (request: { headers: Record<string, string> }) => {
          calls.push(request.headers['x-amz-target'] ?? '?');
          const first = calls.length === 1;
          const body = first
            ? { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' }
            : { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed', Item: marshall(claimedItem, { removeUndefinedValues: true }) };
          return {
            response: ({
              statusCode: first ? 500 : 400,
              headers: { 'content-type': 'application/x-amz-json-1.0' },
              body: Readable.from([Buffer.from(JSON.stringify(body))]),
            }),
          };
        },
      } as never,
    });
    const store = new DynamoDbJobStore({ tableName: 't', client, shards: 4 });
    const claim = await store.claimJob(job.id, { dueAtMs: job.dueAtMs, nowMs: T0, leaseUntilMs: T0 + 55_000, token: 'OURS' });
    // The SDK really sends the committed write twice; the second answer carries our own claim.
    expect(calls).toEqual(['DynamoDB_20120810.UpdateItem', 'DynamoDB_20120810.UpdateItem']);
    expect(claim).toMatchObject({ claimed: true, job: { state: 'running', leaseUntilMs: T0 + 55_000, attempt: 1, leaseToken: 'OURS' } });
    client.destroy();
  });
});

describe('consumer: a committed write retried by the SDK', () => {
  it('claim: the task runs once and the job completes', async () => {
    const h = createHarness();
    const ran: number[] = [];
    const job = jobRecord(defineTestTask(() => void ran.push(1)));
    await h.store.createJob(job);
    const deps = { ...h.deps, store: retriedAfterCommit(h.store, 'claimJob') };

    const outcome = await handleJobMessage(messageFor(job), deps, limits).catch((e: unknown) => e);
    const stored = await h.store.getJob(job.id);
    // A message may be deleted (a resolved outcome) only once its outcome is durable.
    expect({ outcome, ran: ran.length, state: stored!.state }).toEqual({ outcome: 'completed', ran: 1, state: 'completed' });
  });

  it('retry write: the attempt is recorded as retrying and its retry message is sent', async () => {
    const h = createHarness();
    const job = jobRecord(defineTestTask(() => { throw new Error('transient'); }));
    await h.store.createJob(job);
    const deps = { ...h.deps, store: retriedAfterCommit(h.store, 'finishAttempt') };

    const outcome = await handleJobMessage(messageFor(job), deps, limits).catch((e: unknown) => e);
    const stored = await h.store.getJob(job.id);
    expect(stored!.state).toBe('retrying');
    // The job waits (placement none) for a message that must be in SQS. If the handler resolved, the attempt's own
    // message is deleted, so the retry message must have been sent.
    expect({ outcome, retryMessages: h.queue.sent.filter((m) => m.message.id === job.id).length }).toEqual({ outcome: 'retrying', retryMessages: 1 });
  });
});

describe('consumer: an occurrence whose create-and-claim put committed and was retried by the SDK', () => {
  it('runs the occurrence once and completes it', async () => {
    const { occurrenceJobId } = await import('../../lib/core/ids.ts');
    const { scheduleGeneration } = await import('../../lib/schedules/occurrences.ts');
    const h = createHarness();
    let runs = 0;
    const task = defineTestTask(() => void runs++);
    await h.store.putSchedule({
      id: 'minutely', task, queue: 'default', payload: '{}', recurrence: { everySec: 60 }, anchorMs: T0,
      runs: 1, nextRunAtMs: T0 + 60_000, paused: false, misfire: 'once', overlap: 'allow', maxAttempts: 2, backoff: [10],
      timeoutSec: 30, storeResult: false, version: 1, createdAtMs: T0 - 3_600_000, updatedAtMs: T0 - 60_000,
    });
    const schedule = (await h.store.getSchedule('minutely'))!;
    const id = occurrenceJobId('minutely', T0);
    const message = { v: 1 as const, id, dueAtMs: T0, sentAtMs: T0 - 60_000, occurrence: { scheduleId: 'minutely', generation: scheduleGeneration(schedule) } };
    const store = retriedAfterCommit(h.store, 'createClaimedJob');
    const outcome = await handleJobMessage(message, { ...h.deps, store }, limits).catch((e: unknown) => e);
    const job = await h.store.getJob(id);
    expect({ outcome, runs, state: job!.state }).toEqual({ outcome: 'completed', runs: 1, state: 'completed' });
  });
});
