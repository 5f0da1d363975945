import { describe, expect, it } from 'vitest';
import { DIRECT_HORIZON_MS, delaySecFor, sendJobMessages } from '../../lib/queue/send-job-messages.ts';
import { SQS_MAX_DELAY_SEC } from '../../lib/queue/sqs-limits.ts';
import { MemoryJobQueue } from '../../lib/queue/memory-queue.ts';
import type { OutgoingMessage } from '../../lib/queue/types.ts';
import { MessageSendError, ValidationError } from '../../lib/core/errors.ts';

const NOW = Date.parse('2026-11-23T14:00:00.000Z');

/** A recording queue that also keeps each `send` call, and refuses the messages `refuse` names as SqsJobQueue does. */
class CallRecordingQueue extends MemoryJobQueue {
  readonly calls: Array<{ queue: string; messages: number }> = [];
  constructor(queueNames: string[], private readonly refuse: (messages: readonly OutgoingMessage[]) => string[] = () => []) {
    super(queueNames);
  }
  override async send(queue: string, messages: readonly OutgoingMessage[]): Promise<void> {
    this.calls.push({ queue, messages: messages.length });
    const refused = this.refuse(messages);
    await super.send(queue, messages.filter((m) => !refused.includes(m.message.id)));
    if (refused.length > 0) throw new MessageSendError(`${refused.length} refused`, refused);
  }
}

describe('delaySecFor', () => {
  it.each([
    { dueInMs: 0, expected: 0 },
    { dueInMs: 999, expected: 0 },
    { dueInMs: 1_000, expected: 1 },
    { dueInMs: 42_500, expected: 42 },
    { dueInMs: -60_000, expected: 0 },
    { dueInMs: 900_999, expected: 900 },
  ])('a job due in $dueInMs ms is held $expected s', ({ dueInMs, expected }) => {
    expect(delaySecFor(NOW + dueInMs, NOW)).toBe(expected);
  });

  it.each([
    { dueInMs: 0, expected: 0 },
    { dueInMs: 1, expected: 1 },
    { dueInMs: 1_000, expected: 1 },
    { dueInMs: 42_500, expected: 43 },
    { dueInMs: -60_000, expected: 0 },
    { dueInMs: 899_001, expected: 900 },
    { dueInMs: 900_500, expected: 900 },
  ])("with 'second' precision, a job due in $dueInMs ms is held $expected s (rounded up: never early)", ({ dueInMs, expected }) => {
    expect(delaySecFor(NOW + dueInMs, NOW, 'second')).toBe(expected);
  });

  it("sendJobMessages rounds delays the way its queue's precision says", async () => {
    const queue = new MemoryJobQueue(['default'], { precision: 'second' });
    await sendJobMessages(queue, [{ id: 'j', queue: 'default', dueAtMs: NOW + 42_100 }], NOW);
    expect(queue.sent[0]!.delaySec).toBe(43);
  });

  it('the direct horizon is the SQS maximum delay', () => {
    expect(DIRECT_HORIZON_MS).toBe(SQS_MAX_DELAY_SEC * 1000);
  });
});

describe('sendJobMessages', () => {
  it("hands each queue's messages to the queue adapter in one call: batches are the adapter's to form", async () => {
    const queue = new CallRecordingQueue(['default', 'emails']);
    const jobs = Array.from({ length: 37 }, (_, i) => ({ id: `j${i}`, queue: i < 25 ? 'default' : 'emails', dueAtMs: NOW + i * 1_000 }));
    await sendJobMessages(queue, jobs, NOW);
    expect(queue.calls).toEqual([{ queue: 'default', messages: 25 }, { queue: 'emails', messages: 12 }]);
  });

  it('groups by queue and writes the versioned message with the due time', async () => {
    const queue = new MemoryJobQueue(['default', 'emails']);
    const jobs = Array.from({ length: 23 }, (_, i) => ({
      id: `j${i}`,
      queue: i % 2 === 0 ? 'default' : 'emails',
      dueAtMs: NOW + i * 1_500,
    }));
    await sendJobMessages(queue, jobs, NOW);
    expect(queue.sent).toHaveLength(23);
    for (const job of jobs) {
      const sent = queue.sent.find((m) => m.message.id === job.id)!;
      expect(sent.queue).toBe(job.queue);
      expect(sent.message).toEqual({ v: 1, id: job.id, dueAtMs: job.dueAtMs, sentAtMs: NOW });
      expect(sent.delaySec).toBe(Math.floor((job.dueAtMs - NOW) / 1000));
    }
  });

  it('sends nothing for an empty list', async () => {
    const queue = new MemoryJobQueue();
    await sendJobMessages(queue, [], NOW);
    expect(queue.sent).toEqual([]);
  });

  it('rejects every job beyond the SQS horizon at once, before sending anything', async () => {
    const queue = new MemoryJobQueue();
    const error = await sendJobMessages(
      queue,
      [
        { id: 'ok', queue: 'default', dueAtMs: NOW + 900_999 },
        { id: 'far1', queue: 'default', dueAtMs: NOW + 901_000 },
        { id: 'far2', queue: 'default', dueAtMs: NOW + 3_600_000 },
      ],
      NOW,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const problems = (error as ValidationError).problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('"far1"');
    expect(problems[1]).toContain('"far2"');
    expect(problems[1]).toContain('bucket');
    expect(queue.sent).toEqual([]);
  });

  it("names the jobs of a queue whose send failed and still sends the other queues'", async () => {
    const queue = new MemoryJobQueue(['default', 'emails']);
    queue.failNextSends(1);
    const jobs = Array.from({ length: 25 }, (_, i) => ({ id: `j${i}`, queue: i % 2 === 0 ? 'default' : 'emails', dueAtMs: NOW }));
    const error = await sendJobMessages(queue, jobs, NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessageSendError);
    expect((error as MessageSendError).message).toMatch(/^13 of 25 messages were not sent: MemoryJobQueue: injected send failure/);
    const failed = (error as MessageSendError).failedIds;
    expect(failed).toEqual(jobs.filter((j) => j.queue === 'default').map((j) => j.id));
    expect(queue.sent.map((m) => m.message.id)).toEqual(jobs.filter((j) => j.queue === 'emails').map((j) => j.id));
  });

  it("passes on the adapter's per-message failures: only the refused ids are named", async () => {
    const queue = new CallRecordingQueue(['default'], (messages) => messages.filter((m) => m.message.id.endsWith('3')).map((m) => m.message.id));
    const jobs = Array.from({ length: 25 }, (_, i) => ({ id: `j${i}`, queue: 'default', dueAtMs: NOW }));
    const error = await sendJobMessages(queue, jobs, NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessageSendError);
    expect((error as MessageSendError).failedIds).toEqual(['j3', 'j13', 'j23']);
    expect((error as MessageSendError).message).toMatch(/^3 of 25 messages were not sent/);
  });
});
