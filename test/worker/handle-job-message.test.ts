import { describe, expect, it } from 'vitest';
import { MessageDeferredError } from '../../lib/worker/errors.ts';
import { handleJobMessage } from '../../lib/worker/handle-job-message.ts';
import type { TaskContext } from '../../lib/tasks/registry.ts';
import { MISSING_JOB_POLL_MS, MISSING_JOB_RETRY_AFTER_SEC, MISSING_JOB_WAIT_MS, ORPHAN_GRACE_MS } from '../../lib/worker/deps.ts';
import { T0, createHarness, defineTestTask, jobRecord, messageFor, storedMetrics } from './harness.ts';

const minute = { deadlineMs: T0 + 15 * 60_000 };
const limits = () => minute;

describe('handleJobMessage: claim and run', () => {
  it('claims a due job, runs its task once with payload and context, and completes it', async () => {
    const h = createHarness();
    const seen: Array<{ payload: unknown; context: TaskContext }> = [];
    const task = defineTestTask((payload, context) => void seen.push({ payload, context }));
    const job = jobRecord(task, { payload: '{"to":"ada@example.com"}' });
    await h.store.createJob(job);

    expect(await handleJobMessage(messageFor(job), h.deps, limits())).toBe('completed');

    expect(seen).toHaveLength(1);
    expect(seen[0]!.payload).toEqual({ to: 'ada@example.com' });
    expect(seen[0]!.context).toMatchObject({ jobId: job.id, task, attempt: 1, maxAttempts: 3, dueAt: new Date(T0) });
    expect(seen[0]!.context.signal.aborted).toBe(false);
    const stored = await h.store.getJob(job.id);
    expect(stored).toMatchObject({ state: 'completed', attempt: 1, expiresAtEpochSec: T0 / 1000 + 7 * 86_400 });
    expect(stored!.result).toBeUndefined();
    expect(storedMetrics(h.metrics)).toEqual({ JobsStarted: [1], LatenessMs: [0], JobsCompleted: [1] });
  });

  it('stores the result as JSON when the job asks for storeResult', async () => {
    const h = createHarness();
    const task = defineTestTask(async () => ({ sent: 3, ids: ['a', 'b'] }));
    const job = jobRecord(task, { storeResult: true });
    await h.store.createJob(job);
    await handleJobMessage(messageFor(job), h.deps, limits());
    expect((await h.store.getJob(job.id))!.result).toBe('{"sent":3,"ids":["a","b"]}');
  });

  it('waits the sub-second rest until the due time before claiming', async () => {
    const h = createHarness();
    const startedAt: number[] = [];
    const task = defineTestTask(() => void startedAt.push(h.time.now));
    const job = jobRecord(task, { dueAtMs: T0 + 400 });
    await h.store.createJob(job);

    await handleJobMessage(messageFor(job), h.deps, limits());

    expect(h.time.sleeps).toEqual([400]);
    expect(startedAt).toEqual([T0 + 400]);
    expect((await h.store.getJob(job.id))!.startedAtMs).toBe(T0 + 400);
  });

  it("with 'second' precision, returns an early message to the queue for the rest instead of waiting in the function", async () => {
    const h = createHarness({ precision: 'second' });
    const ran: number[] = [];
    const job = jobRecord(defineTestTask(() => void ran.push(h.time.now)), { dueAtMs: T0 + 400 });
    await h.store.createJob(job);

    const deferred = handleJobMessage(messageFor(job), h.deps, limits());
    await expect(deferred).rejects.toBeInstanceOf(MessageDeferredError);
    await expect(deferred).rejects.toMatchObject({ retryAfterSec: 1 });
    expect(h.time.sleeps).toEqual([]);
    expect(ran).toEqual([]);
    expect((await h.store.getJob(job.id))!.state).toBe('scheduled');

    // Delivered again at or after its due time (the sender rounds delays up), it runs at once.
    h.time.now = T0 + 1_000;
    expect(await handleJobMessage(messageFor(job), h.deps, limits())).toBe('completed');
    expect(ran).toEqual([T0 + 1_000]);
    expect(h.time.sleeps).toEqual([]);
  });

  it('records lateness: the time between due and start', async () => {
    const h = createHarness();
    const job = jobRecord(defineTestTask(() => undefined));
    await h.store.createJob(job);
    h.time.now = T0 + 1_250;
    await handleJobMessage(messageFor(job), h.deps, limits());
    expect(storedMetrics(h.metrics).LatenessMs).toEqual([1_250]);
  });

  it('defers a message that leaves too little time in the invocation, without claiming', async () => {
    const h = createHarness();
    const job = jobRecord(defineTestTask(() => undefined));
    await h.store.createJob(job);
    await expect(handleJobMessage(messageFor(job), h.deps, { deadlineMs: T0 + 5_500 })).rejects.toThrow(MessageDeferredError);
    expect(await h.store.getJob(job.id)).toMatchObject({ state: 'scheduled', attempt: 0 });
  });
});

describe('handleJobMessage: duplicates and stale messages', () => {
  it('runs the task once when the same message is delivered twice at the same time', async () => {
    const h = createHarness();
    let runs = 0;
    const task = defineTestTask(async () => {
      runs++;
    });
    const job = jobRecord(task);
    await h.store.createJob(job);
    const outcomes = await Promise.all([
      handleJobMessage(messageFor(job), h.deps, limits()),
      handleJobMessage(messageFor(job), h.deps, limits()),
    ]);
    expect(runs).toBe(1);
    expect(outcomes.sort()).toEqual(['acknowledged', 'completed']);
  });

  it('acknowledges a message for a completed job without running it again', async () => {
    const h = createHarness();
    let runs = 0;
    const job = jobRecord(defineTestTask(() => void runs++));
    await h.store.createJob(job);
    await handleJobMessage(messageFor(job), h.deps, limits());
    expect(await handleJobMessage(messageFor(job), h.deps, limits())).toBe('acknowledged');
    expect(runs).toBe(1);
  });

  it('acknowledges the in-flight message of a cancelled job without running it', async () => {
    const h = createHarness();
    let runs = 0;
    const job = jobRecord(defineTestTask(() => void runs++));
    await h.store.createJob(job);
    await h.store.cancelJob(job.id, T0 - 1_000, T0 / 1000 + 86_400);
    expect(await handleJobMessage(messageFor(job), h.deps, limits())).toBe('acknowledged');
    expect(runs).toBe(0);
    expect(await h.store.getJob(job.id)).toMatchObject({ state: 'cancelled', attempt: 0 });
  });

  it('acknowledges a duplicate while another consumer holds a live lease, and re-claims after the lease (crashed consumer)', async () => {
    const h = createHarness();
    let runs = 0;
    const job = jobRecord(defineTestTask(() => void runs++));
    await h.store.createJob(job);
    // A consumer claims attempt 1 and dies mid-task: its claim is all that is left.
    const crashed = await h.store.claimJob(job.id, { dueAtMs: T0, nowMs: T0, leaseUntilMs: T0 + 60_000 });
    expect(crashed.claimed).toBe(true);

    h.time.now = T0 + 30_000;
    expect(await handleJobMessage(messageFor(job), h.deps, { deadlineMs: T0 + 15 * 60_000 })).toBe('acknowledged');
    expect(runs).toBe(0);

    // SQS shows the crashed consumer's message again after the visibility timeout; the lease has ended by then.
    h.time.now = T0 + 60_001;
    expect(await handleJobMessage(messageFor(job), h.deps, { deadlineMs: T0 + 20 * 60_000 })).toBe('completed');
    expect(runs).toBe(1);
    expect(await h.store.getJob(job.id)).toMatchObject({ state: 'completed', attempt: 2 });
  });

  it('fails a job instead of running it again when every attempt ended with its consumer crashing', async () => {
    const h = createHarness();
    let runs = 0;
    const job = jobRecord(defineTestTask(() => void runs++), { maxAttempts: 2 });
    await h.store.createJob(job);
    // Two consumers claimed and died mid-task; the message comes back a third time after the last lease ended.
    await h.store.claimJob(job.id, { dueAtMs: T0, nowMs: T0, leaseUntilMs: T0 + 60_000 });
    await h.store.claimJob(job.id, { dueAtMs: T0, nowMs: T0 + 60_001, leaseUntilMs: T0 + 120_000 });
    h.time.now = T0 + 120_001;
    expect(await handleJobMessage(messageFor(job), h.deps, { deadlineMs: T0 + 20 * 60_000 })).toBe('failed');
    expect(runs).toBe(0);
    expect(await h.store.getJob(job.id)).toMatchObject({ state: 'failed', attempt: 3, lastError: { name: 'AttemptsExhaustedError' } });
    expect(h.queue.deadLetters).toHaveLength(1);
  });

  it("sends a message for the job's own due time when one for an older due time arrives (direct path)", async () => {
    const h = createHarness();
    let runs = 0;
    const job = jobRecord(defineTestTask(() => void runs++), { dueAtMs: T0 + 100_000 });
    await h.store.createJob(job);
    expect(await handleJobMessage({ ...messageFor(job), dueAtMs: T0 }, h.deps, limits())).toBe('resent');
    // The job had no message for its own due time as far as the consumer can tell: it sends one, then the stale
    // message is gone. The new one claims normally.
    const [resent] = h.queue.take();
    expect(resent).toMatchObject({ queue: 'default', message: { id: job.id, dueAtMs: T0 + 100_000 }, delaySec: 100 });
    expect(runs).toBe(0);
  });

  it('acknowledges a stale message of a job waiting in its bucket (the sweeper will send it)', async () => {
    const h = createHarness();
    const job = jobRecord(defineTestTask(() => undefined), { dueAtMs: T0 + 3_600_000, placement: 'bucket' });
    await h.store.createJob(job);
    expect(await handleJobMessage({ ...messageFor(job), dueAtMs: T0 }, h.deps, limits())).toBe('acknowledged');
    expect(h.queue.sent).toEqual([]);
  });
});

describe('handleJobMessage: failures, retries and timeouts', () => {
  it('fails twice then succeeds: completed at attempt 3, retry messages sent with the backoff delays', async () => {
    const h = createHarness();
    const attempts: number[] = [];
    const task = defineTestTask((_payload, context: TaskContext) => {
      attempts.push(context.attempt);
      if (context.attempt < 3) throw new Error(`flaky ${context.attempt}`);
      return 'ok';
    });
    const job = jobRecord(task, { backoff: [10, 20], maxAttempts: 5 });
    await h.store.createJob(job);

    expect(await handleJobMessage(messageFor(job), h.deps, limits())).toBe('retrying');
    const [first] = h.queue.take();
    expect(first).toMatchObject({ queue: 'default', delaySec: 10, message: { id: job.id, dueAtMs: T0 + 10_000, sentAtMs: T0 } });
    expect(await h.store.getJob(job.id)).toMatchObject({
      state: 'retrying',
      attempt: 1,
      dueAtMs: T0 + 10_000,
      lastError: { name: 'Error', message: 'flaky 1' },
    });

    h.time.now = T0 + 10_000;
    expect(await handleJobMessage(first!.message, h.deps, { deadlineMs: h.time.now + 60_000 })).toBe('retrying');
    const [second] = h.queue.take();
    expect(second).toMatchObject({ delaySec: 20, message: { dueAtMs: T0 + 30_000 } });

    h.time.now = T0 + 30_000;
    expect(await handleJobMessage(second!.message, h.deps, { deadlineMs: h.time.now + 60_000 })).toBe('completed');
    expect(attempts).toEqual([1, 2, 3]);
    expect(await h.store.getJob(job.id)).toMatchObject({ state: 'completed', attempt: 3 });
    expect(h.queue.sent).toEqual([]);
    expect(storedMetrics(h.metrics)).toMatchObject({ JobsStarted: [1, 1, 1], JobsRetried: [1, 1], JobsCompleted: [1] });
  });

  it('always failing: failed after maxAttempts with its last error, and a copy on the dead-letter queue', async () => {
    const h = createHarness();
    const task = defineTestTask((_payload, context: TaskContext) => {
      throw new TypeError(`broken ${context.attempt}`);
    });
    const job = jobRecord(task, { maxAttempts: 3, backoff: [1] });
    await h.store.createJob(job);

    let message = messageFor(job);
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      h.time.now = message.dueAtMs;
      outcomes.push(await handleJobMessage(message, h.deps, { deadlineMs: h.time.now + 60_000 }));
      const next = h.queue.take();
      if (next[0]) message = next[0].message;
    }
    expect(outcomes).toEqual(['retrying', 'retrying', 'failed']);
    const stored = await h.store.getJob(job.id);
    expect(stored).toMatchObject({ state: 'failed', attempt: 3, lastError: { name: 'TypeError', message: 'broken 3' } });
    expect(stored!.expiresAtEpochSec).toBe(Math.floor(h.time.now / 1000) + 7 * 86_400);
    expect(h.queue.deadLetters).toEqual([{ queue: 'default', message: { v: 1, id: job.id, dueAtMs: message.dueAtMs, sentAtMs: h.time.now } }]);
    expect(storedMetrics(h.metrics).JobsFailed).toEqual([1]);
  });

  it('puts a retry due beyond the SQS horizon (900 s) in its bucket and sends no message', async () => {
    const h = createHarness();
    const job = jobRecord(
      defineTestTask(() => {
        throw new Error('later');
      }),
      { backoff: { type: 'fixed', seconds: 1_800 } },
    );
    await h.store.createJob(job);
    expect(await handleJobMessage(messageFor(job), h.deps, limits())).toBe('retrying');
    expect(h.queue.sent).toEqual([]);
    expect(await h.store.getJob(job.id)).toMatchObject({ state: 'retrying', placement: 'bucket', dueAtMs: T0 + 1_800_000 });
  });

  it('fails a job whose task is not registered, with a message naming it, without retrying', async () => {
    const h = createHarness();
    const job = jobRecord('no-such-task', { maxAttempts: 5 });
    await h.store.createJob(job);
    expect(await handleJobMessage(messageFor(job), h.deps, limits())).toBe('failed');
    const stored = await h.store.getJob(job.id);
    expect(stored).toMatchObject({ state: 'failed', attempt: 1, lastError: { name: 'UnknownTaskError' } });
    expect(stored!.lastError!.message).toContain('No task named "no-such-task" is registered in this consumer');
    expect(stored!.lastError!.message).toContain('defineTask');
    expect(h.queue.sent).toEqual([]);
    expect(h.queue.deadLetters).toHaveLength(1);
  });

  it('aborts the signal of a task that outlives its timeout and counts a failed attempt', async () => {
    const h = createHarness();
    let signal: AbortSignal | undefined;
    const task = defineTestTask(
      (_payload, context: TaskContext) =>
        new Promise((_resolve, reject) => {
          signal = context.signal;
          context.signal.addEventListener('abort', () => reject(context.signal.reason));
        }),
    );
    const job = jobRecord(task, { timeoutSec: 5, backoff: [10] });
    await h.store.createJob(job);

    expect(await handleJobMessage(messageFor(job), h.deps, limits())).toBe('retrying');
    expect(signal!.aborted).toBe(true);
    expect(h.time.sleeps).toEqual([5_000]);
    const stored = await h.store.getJob(job.id);
    expect(stored).toMatchObject({ state: 'retrying', attempt: 1, lastError: { name: 'TaskTimeoutError' } });
    expect(stored!.lastError!.message).toContain('within its timeout of 5 s');
  });

  it('cuts the timeout to the invocation time left (less the safety margin)', async () => {
    const h = createHarness();
    const task = defineTestTask((_payload, context: TaskContext) => new Promise((_r, reject) => context.signal.addEventListener('abort', () => reject(new Error('stopped')))));
    const job = jobRecord(task, { timeoutSec: 300 });
    await h.store.createJob(job);
    await handleJobMessage(messageFor(job), h.deps, { deadlineMs: T0 + 8_000 });
    expect(h.time.sleeps).toEqual([3_000]);
    expect((await h.store.getJob(job.id))!.lastError!.name).toBe('TaskTimeoutError');
  });

  it('a timer that lost to a fast task does not fail the attempt', async () => {
    const h = createHarness();
    const job = jobRecord(defineTestTask(async () => 'quick'), { timeoutSec: 1 });
    await h.store.createJob(job);
    expect(await handleJobMessage(messageFor(job), h.deps, limits())).toBe('completed');
    expect(h.time.sleeps).toEqual([]);
  });
});

describe('handleJobMessage: crash repair and orphans', () => {
  it('repairs a crash between the retry write and its send: the redelivered old message re-sends for the new due time', async () => {
    const h = createHarness();
    let runs = 0;
    const task = defineTestTask(() => {
      runs++;
      if (runs === 1) throw new Error('first try fails');
    });
    const job = jobRecord(task, { backoff: [30] });
    await h.store.createJob(job);

    h.queue.failNextSends(1);
    await expect(handleJobMessage(messageFor(job), h.deps, limits())).rejects.toThrow();
    expect(await h.store.getJob(job.id)).toMatchObject({ state: 'retrying', dueAtMs: T0 + 30_000 });
    expect(h.queue.sent).toEqual([]);

    // The old message was not acknowledged: SQS delivers it again after the visibility timeout.
    h.time.now = T0 + 20_000;
    expect(await handleJobMessage(messageFor(job), h.deps, { deadlineMs: h.time.now + 60_000 })).toBe('resent');
    const [repair] = h.queue.take();
    expect(repair).toMatchObject({ delaySec: 10, message: { id: job.id, dueAtMs: T0 + 30_000 } });

    h.time.now = T0 + 30_000;
    expect(await handleJobMessage(repair!.message, h.deps, { deadlineMs: h.time.now + 60_000 })).toBe('completed');
    expect(runs).toBe(2);
  });

  it('retries a message whose job does not exist yet, and finds it when the put lands meanwhile', async () => {
    const h = createHarness();
    let runs = 0;
    const job = jobRecord(defineTestTask(() => void runs++));
    h.time.onSleep = async () => {
      h.time.onSleep = undefined;
      await h.store.createJob(job);
    };
    expect(await handleJobMessage(messageFor(job, T0 - 500), h.deps, limits())).toBe('completed');
    expect(h.time.sleeps).toEqual([MISSING_JOB_POLL_MS]);
    expect(runs).toBe(1);
  });

  it('returns a young orphan to the queue after waiting for its write, and drops it once older than the grace', async () => {
    const h = createHarness();
    const orphan = { v: 1 as const, id: 'never-written', dueAtMs: T0, sentAtMs: T0 - 1_000 };
    const deferred = await handleJobMessage(orphan, h.deps, limits()).catch((e: unknown) => e);
    expect(deferred).toBeInstanceOf(MessageDeferredError);
    expect((deferred as MessageDeferredError).retryAfterSec).toBe(MISSING_JOB_RETRY_AFTER_SEC[0]);
    expect(h.time.sleeps).toEqual(Array(MISSING_JOB_WAIT_MS / MISSING_JOB_POLL_MS).fill(MISSING_JOB_POLL_MS));

    h.time.now = orphan.sentAtMs + ORPHAN_GRACE_MS + 1;
    expect(await handleJobMessage(orphan, h.deps, { deadlineMs: h.time.now + 60_000 })).toBe('dropped');
  });

  it('runs a job whose write trails its message by seconds (the direct path sends first), without returning it', async () => {
    const h = createHarness();
    let runs = 0;
    const job = jobRecord(defineTestTask(() => void runs++));
    let polls = 0;
    const deps = {
      ...h.deps,
      sleep: async (ms: number) => {
        await h.time.sleep(ms);
        if (++polls === 25) await h.store.createJob(job); // 2.5 s after the message arrived
      },
    };
    expect(await handleJobMessage(messageFor(job), deps, limits())).toBe('completed');
    expect(runs).toBe(1);
  });
});
