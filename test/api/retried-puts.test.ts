/**
 * A job put whose first attempt committed, whose response was lost, and which the SDK sends again. The direct path
 * sends the message before the put, so a consumer can claim (and even finish) the job between the commit and the
 * retry. Before the fix the retry put the original `scheduled` record over the consumer's work: `createJobs`
 * (enqueueMany's BatchWriteItem, unconditional) over a running job, `createJob` (enqueue, which may replace an ended
 * job) over one that had completed.
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../lib/scheduler.ts';
import { handleJobMessage } from '../../lib/worker/handle-job-message.ts';
import { T0, createHarness, defineTestTask } from '../worker/harness.ts';
import { retriedAfterCommit } from '../shared/retried-after-commit.ts';

const limits = { deadlineMs: T0 + 60_000 };

describe('enqueueMany: BatchWriteItem retried after it committed', () => {
  for (const outcome of ['succeeds', 'fails'] as const) {
    it(`leaves the job a consumer is running to it (task ${outcome})`, async () => {
      const h = createHarness();
      let ran = 0;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let started!: () => void;
      const running = new Promise<void>((r) => (started = r));
      const task = defineTestTask(async () => {
        ran++;
        started();
        await gate;
        if (outcome === 'fails') throw new Error('transient');
      });
      let consumer: Promise<unknown> | undefined;
      const store = retriedAfterCommit(h.store, 'createJobs', async () => {
        // The message was sent before the put: a consumer (already waiting for the write) claims and starts the task.
        consumer = handleJobMessage(h.queue.sent[0]!.message, h.deps, limits).catch((e: unknown) => e);
        await running;
      });
      const scheduler = new Scheduler({ store, queue: h.queue, clock: h.time.clock });
      const [result] = await scheduler.enqueueMany([{ task, payload: { n: 1 } }]);
      expect(result!.ok).toBe(true);
      release();
      const consumed = await consumer;
      const id = h.queue.sent[0]!.message.id;
      const stored = await h.store.getJob(id);
      const retryMessages = h.queue.sent.filter((m) => m.message.id === id).length - 1;
      if (outcome === 'succeeds') {
        expect({ consumed, ran, state: stored!.state }).toEqual({ consumed: 'completed', ran: 1, state: 'completed' });
      } else {
        expect({ consumed, ran, state: stored!.state, retryMessages }).toEqual({ consumed: 'retrying', ran: 1, state: 'retrying', retryMessages: 1 });
      }
    });
  }
});

describe('enqueue: a conditional put retried after it committed', () => {
  it('leaves a job that already completed as it is, so a later enqueue of the same unique key runs again', async () => {
    const h = createHarness();
    let ran = 0;
    const task = defineTestTask(() => void ran++);
    const store = retriedAfterCommit(h.store, 'createJob', async () => {
      // A fast task: claimed, run and completed before the SDK's retry leaves (its backoff is up to ~100-200 ms).
      expect(await handleJobMessage(h.queue.sent[0]!.message, h.deps, limits)).toBe('completed');
    });
    const scheduler = new Scheduler({ store, queue: h.queue, clock: h.time.clock });
    const job = await scheduler.enqueue(task, { to: 'ada' }, { unique: 'welcome:ada' });
    const afterRetry = await h.store.getJob(job.id);
    // The same key once the job ended: documented to enqueue again ("a unique job may run again once the previous one ended").
    const again = await scheduler.enqueue(task, { to: 'ada' }, { unique: 'welcome:ada' });
    expect({
      ran,
      storedAfterRetry: afterRetry!.state,
      secondEnqueueSentAMessage: h.queue.sent.length === 2,
    }).toEqual({ ran: 1, storedAfterRetry: 'completed', secondEnqueueSentAMessage: true });
    void again;
  });
});
