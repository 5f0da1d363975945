import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/core/errors.ts';
import { uniqueJobId } from '../../lib/core/ids.ts';
import { createConsumerHandler } from '../../lib/worker/consumer-handler.ts';
import { EVENT_MESSAGE_FORMAT, eventJobKey, handleEventMessage, parseEventMessage } from '../../lib/worker/event-message.ts';
import { T0, createHarness, defineTestTask, lambdaContext } from './harness.ts';

const RULE = 'arn:aws:events:us-east-1:000000000000:rule/orders';

function eventBody(task: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    sundial: EVENT_MESSAGE_FORMAT,
    task,
    source: RULE,
    eventId: 'e-1',
    time: new Date(T0).toISOString(),
    payload: { detail: { order: 7 } },
    options: {},
    ...overrides,
  });
}

function sqsRecord(messageId: string, body: string): SQSRecord {
  return {
    messageId, receiptHandle: `rh-${messageId}`, body, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs',
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(T0), SenderId: 'events', ApproximateFirstReceiveTimestamp: String(T0) },
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:sundial-default', awsRegion: 'us-east-1',
  };
}

describe('event messages (EventBridge targets)', () => {
  it('tells event messages from job messages, and names every missing field', () => {
    expect(parseEventMessage('{"v":1,"id":"j_1","dueAtMs":1,"sentAtMs":1}')).toBeUndefined();
    expect(parseEventMessage('not json')).toBeUndefined();
    expect(parseEventMessage('null')).toBeUndefined();
    expect(parseEventMessage(eventBody('t'))).toMatchObject({ task: 't', eventId: 'e-1', payload: { detail: { order: 7 } }, options: {} });
    expect(parseEventMessage(JSON.stringify({ sundial: EVENT_MESSAGE_FORMAT, task: 't', source: 's', eventId: 'e', time: '2026-11-23T09:00:00Z' }))).toMatchObject({ payload: null, options: {} });
    try {
      parseEventMessage(JSON.stringify({ sundial: EVENT_MESSAGE_FORMAT, task: '', time: 'soon' }));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems).toEqual([
        expect.stringMatching(/`task`: received ""/), expect.stringMatching(/`source`: received undefined/),
        expect.stringMatching(/`eventId`/), expect.stringMatching(/`time`: received "soon"; expected an ISO 8601 time/),
      ]);
    }
  });

  it('one job per (source, task, event): ids differ by task and by rule, and # never reaches the key', () => {
    const base = { source: RULE, task: 'a', eventId: 'e-1' };
    expect(new Set([eventJobKey(base), eventJobKey({ ...base, task: 'b' }), eventJobKey({ ...base, source: `${RULE}2` })]).size).toBe(3);
    expect(eventJobKey({ ...base, eventId: 'x#y' })).not.toContain('#');
  });

  it('runs the task once when the same event is delivered twice, even after the first run ended', async () => {
    const h = createHarness();
    const seen: unknown[] = [];
    const task = defineTestTask((payload) => void seen.push(payload));
    const handler = createConsumerHandler(h.deps);
    const first = await handler({ Records: [sqsRecord('m1', eventBody(task))] }, lambdaContext());
    const again = await handler({ Records: [sqsRecord('m2', eventBody(task))] }, lambdaContext());
    expect([first.batchItemFailures, again.batchItemFailures]).toEqual([[], []]);
    expect(seen).toEqual([{ detail: { order: 7 } }]);
    const job = await h.store.getJob(uniqueJobId(task, eventJobKey({ source: RULE, task, eventId: 'e-1' })));
    expect(job).toMatchObject({ state: 'completed', attempt: 1, task });
    // Another event of the same rule is another job.
    await handler({ Records: [sqsRecord('m3', eventBody(task, { eventId: 'e-2' }))] }, lambdaContext());
    expect(seen).toHaveLength(2);
  });

  it('creates a job due now already claimed: one write before its outcome, none for a redelivery after it ended', async () => {
    const h = createHarness();
    const task = defineTestTask(() => undefined);
    const writes: string[] = [];
    for (const method of ['createJob', 'createClaimedJob', 'claimJob', 'finishAttempt'] as const) {
      const original = h.store[method].bind(h.store) as (...args: never[]) => Promise<unknown>;
      (h.store as unknown as Record<string, unknown>)[method] = (...args: never[]) => (writes.push(method), original(...args));
    }
    const message = parseEventMessage(eventBody(task))!;
    expect(await handleEventMessage(message, h.deps, { deadlineMs: T0 + 60_000 })).toBe('completed');
    expect(writes).toEqual(['createClaimedJob', 'finishAttempt']);
    // Due at the event's time, whichever delivery created it; a redelivery loses the create and is acknowledged.
    expect(await h.store.getJob(uniqueJobId(task, eventJobKey(message)))).toMatchObject({ state: 'completed', dueAtMs: T0, attempt: 1 });
    h.time.now = T0 + 30_000;
    expect(await handleEventMessage(message, h.deps, { deadlineMs: T0 + 90_000 })).toBe('acknowledged');
    expect(writes).toEqual(['createClaimedJob', 'finishAttempt', 'createClaimedJob']);
  });

  it('a redelivered event whose consumer crashed mid-task takes the expired lease over', async () => {
    const h = createHarness();
    const attempts: number[] = [];
    const task = defineTestTask((_payload, context) => void attempts.push(context.attempt));
    const message = parseEventMessage(eventBody(task))!;
    const id = uniqueJobId(task, eventJobKey(message));
    const job = (await h.store.createClaimedJob({
      id, task, queue: 'default', payload: '{}', state: 'running', dueAtMs: T0, attempt: 1, maxAttempts: 3, backoff: [10],
      timeoutSec: 30, storeResult: false, placement: 'none', createdAtMs: T0, updatedAtMs: T0, startedAtMs: T0, leaseUntilMs: T0 + 10_000,
    }));
    expect(job.claimed).toBe(true);
    h.time.now = T0 + 20_000;
    expect(await handleEventMessage(message, h.deps, { deadlineMs: T0 + 90_000 })).toBe('completed');
    expect(attempts).toEqual([2]);
  });

  it('`in` counts from the event time: a later job is sent with its delay, and its options kept', async () => {
    const h = createHarness();
    const task = defineTestTask(() => undefined);
    const message = parseEventMessage(eventBody(task, { options: { inSec: 60, queue: 'reports', maxAttempts: 2 } }))!;
    expect(await handleEventMessage(message, h.deps, { deadlineMs: T0 + 60_000 })).toBe('acknowledged');
    const job = await h.store.getJob(uniqueJobId(message.task, eventJobKey(message)));
    expect(job).toMatchObject({ state: 'scheduled', dueAtMs: T0 + 60_000, queue: 'reports', maxAttempts: 2, attempt: 0 });
    expect(h.queue.sent).toEqual([expect.objectContaining({ queue: 'reports', delaySec: 60, message: expect.objectContaining({ id: job!.id, dueAtMs: T0 + 60_000 }) })]);
    // Delivered again: the job is there, nothing more is sent.
    expect(await handleEventMessage(message, h.deps, { deadlineMs: T0 + 60_000 })).toBe('acknowledged');
    expect(h.queue.sent.filter((m) => m.message.id === job!.id)).toHaveLength(2); // a second message, turned away by the claim
    expect(await h.store.getJob(job!.id)).toMatchObject({ state: 'scheduled', dueAtMs: T0 + 60_000 });
  });
});
