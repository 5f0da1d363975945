/** The bounded attempt history each outcome write carries (no extra write: it rides in finishAttempt's update). */
import { describe, expect, it, vi } from 'vitest';
import { MAX_ATTEMPT_HISTORY, withAttempt } from '../../lib/worker/attempt-history.ts';
import { handleJobMessage } from '../../lib/worker/handle-job-message.ts';
import { T0, createHarness, defineTestTask, jobRecord, messageFor } from './harness.ts';

const minute = { deadlineMs: T0 + 15 * 60_000 };

describe('attempt history', () => {
  it('records each attempt in the outcome write: due, start, end, outcome, error with its stack head', async () => {
    const h = createHarness();
    const task = defineTestTask(async (_p, ctx) => {
      if (ctx.attempt < 2) throw new TypeError('upstream said 503');
      return 'ok';
    });
    const { job } = await h.store.createJob(jobRecord(task, { maxAttempts: 3, backoff: [10] }));
    const finish = vi.spyOn(h.store, 'finishAttempt');
    await handleJobMessage(messageFor(job), h.deps, minute);
    const retrying = (await h.store.getJob(job.id))!;
    expect(retrying.state).toBe('retrying');
    h.time.now = retrying.dueAtMs + 250;
    await handleJobMessage(messageFor(retrying), h.deps, minute);
    const done = (await h.store.getJob(job.id))!;
    expect(done.state).toBe('completed');
    expect(done.attempts).toHaveLength(2);
    const [first, second] = done.attempts!;
    expect(first).toMatchObject({ attempt: 1, dueAtMs: T0, outcome: 'retrying', error: { name: 'TypeError', message: 'upstream said 503' } });
    expect(first!.error!.stackHead).toMatch(/^at /);
    expect(second).toMatchObject({ attempt: 2, dueAtMs: retrying.dueAtMs, outcome: 'completed' });
    expect(second!.startedAtMs - second!.dueAtMs).toBe(250);
    expect(second!.error).toBeUndefined();
    // One outcome write per attempt, carrying the history: nothing else was written for it.
    expect(finish).toHaveBeenCalledTimes(2);
    expect(finish.mock.calls[1]![2].attempts).toEqual(done.attempts);
  });

  it('keeps only the newest attempts and cuts long messages', () => {
    let job = jobRecord('t', { attempt: 0 });
    for (let attempt = 1; attempt <= MAX_ATTEMPT_HISTORY + 3; attempt++) {
      job = { ...job, attempt, startedAtMs: T0 + attempt, attempts: withAttempt({ ...job, attempt, startedAtMs: T0 + attempt }, 'retrying', T0 + attempt + 1, new Error('x'.repeat(5_000))) };
    }
    expect(job.attempts).toHaveLength(MAX_ATTEMPT_HISTORY);
    expect(job.attempts!.map((a) => a.attempt)).toEqual([4, 5, 6, 7, 8]);
    expect(job.attempts![0]!.error!.message.length).toBeLessThanOrEqual(201);
    expect(JSON.stringify(job.attempts).length).toBeLessThan(4_000);
  });
});
