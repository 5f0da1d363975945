import { afterEach, describe, expect, it } from 'vitest';
import { defineTask } from '../../lib/tasks/define-task.ts';
import { ValidationError } from '../../lib/core/errors.ts';
import { createTestScheduler, type TestScheduler } from '../../lib/testing/index.ts';

const announce = defineTask('testing-announce', async (payload: { label: string }) => ({ announced: payload.label }), {
  storeResult: true,
});
let flakyCalls = 0;
const flaky = defineTask('testing-flaky', async (_payload: Record<string, never>, ctx) => {
  flakyCalls++;
  if (ctx.attempt < 3) throw new Error(`failure on attempt ${ctx.attempt}`);
  return 'ok';
}, { maxAttempts: 5, backoff: [5, 30] });

let t: TestScheduler | undefined;
afterEach(() => t?.close());

describe('createTestScheduler', () => {
  it('runs a weekly New York cron once, at Monday 09:00 New York, with its payload', async () => {
    t = createTestScheduler({ tasks: [announce], now: '2026-12-06T12:00:00-05:00' }); // a Sunday
    await announce.schedule('weekly', { label: 'standup' }, { cron: '0 9 * * MON', timezone: 'America/New_York' });
    await t.advanceTo('2026-12-07T08:59:00-05:00');
    expect(t.runs('testing-announce')).toEqual([]);
    await t.advanceTo('2026-12-07T09:00:30-05:00');
    const runs = t.runs('testing-announce');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      payload: { label: 'standup' },
      outcome: 'completed',
      attempt: 1,
      scheduleId: 'weekly',
      result: { announced: 'standup' },
      dueAt: new Date('2026-12-07T14:00:00Z'),
    });
    // On its second: started at the due time on the test clock.
    expect(runs[0]!.startedAt.getTime() - runs[0]!.dueAt.getTime()).toBeLessThan(1000);
    await t.advanceBy({ days: 7 });
    expect(t.runs('testing-announce').map((r) => r.dueAt.toISOString())).toEqual(['2026-12-07T14:00:00.000Z', '2026-12-14T14:00:00.000Z']);
  });

  it('runs a one-off job when its delay ends, not before, on the direct path and on the swept path', async () => {
    t = createTestScheduler({ tasks: [announce], now: '2026-12-07T10:00:00Z' });
    await t.scheduler.enqueue('testing-announce', { label: 'soon' }, { in: '10m' });
    await announce.enqueue({ label: 'later' }, { at: '2026-12-07T13:00:05Z' });
    await t.advanceBy({ minutes: 9, seconds: 59 });
    expect(t.runs()).toEqual([]);
    await t.advanceBy(1);
    expect(t.runs().map((r) => r.payload)).toEqual([{ label: 'soon' }]);
    await t.advanceTo('2026-12-07T13:00:04Z');
    expect(t.runs()).toHaveLength(1);
    await t.advanceTo('2026-12-07T13:00:06Z');
    expect(t.runs().map((r) => [r.payload, r.startedAt.toISOString()])).toEqual([
      [{ label: 'soon' }, '2026-12-07T10:10:00.000Z'],
      [{ label: 'later' }, '2026-12-07T13:00:05.000Z'],
    ]);
    expect(t.pendingMessages()).toBe(0);
  });

  it('retries a failing task with its backoff, through the real worker', async () => {
    flakyCalls = 0;
    t = createTestScheduler({ tasks: [{ flaky }], now: '2026-12-07T10:00:00Z' });
    const job = await flaky.enqueue({});
    await t.advanceBy(4);
    expect(t.runs().map((r) => r.outcome)).toEqual(['retrying']);
    await t.advanceBy(60);
    expect(t.runs().map((r) => [r.attempt, r.outcome, r.error?.message])).toEqual([
      [1, 'retrying', 'failure on attempt 1'],
      [2, 'retrying', 'failure on attempt 2'],
      [3, 'completed', undefined],
    ]);
    expect(flakyCalls).toBe(3);
    expect((await t.scheduler.get(job.id)).state).toBe('completed');
  });

  it('skips idle sweeps without moving any run: a week with a daily cron, a far job, an hour-long retry and a job booked mid-way', async () => {
    let slowCalls = 0;
    const slowRetry = defineTask('testing-slow-retry', async () => {
      if (++slowCalls === 1) throw new Error('first attempt fails');
    }, { maxAttempts: 2, backoff: [3_600] });
    t = createTestScheduler({ tasks: [announce, slowRetry], now: '2026-12-06T12:00:00Z' });
    await announce.schedule('daily', { label: 'daily' }, { cron: '0 9 * * *', timezone: 'America/New_York' });
    await announce.enqueue({ label: 'far' }, { at: '2026-12-10T12:00:00Z' });
    // Its retry is written into a bucket (an hour > the 15-minute SQS horizon) by a delivery inside the skipped span.
    await slowRetry.enqueue({}, { at: '2026-12-08T03:00:00Z' });
    await t.advanceBy({ days: 3 });
    // Booked after three idle-heavy days, 30 minutes out: the swept path, whose minute's sweep must still come.
    await announce.enqueue({ label: 'booked later' }, { in: '30m' });
    await t.advanceBy({ days: 4 });
    const runs = t.runs().map((r) => [r.task, r.dueAt.toISOString(), r.startedAt.getTime() - r.dueAt.getTime()]);
    expect(runs).toEqual([
      ['testing-announce', '2026-12-06T14:00:00.000Z', 0],
      ['testing-announce', '2026-12-07T14:00:00.000Z', 0],
      ['testing-slow-retry', '2026-12-08T03:00:00.000Z', 0],
      ['testing-slow-retry', '2026-12-08T04:00:00.000Z', 0],
      ['testing-announce', '2026-12-08T14:00:00.000Z', 0],
      ['testing-announce', '2026-12-09T12:30:00.000Z', 0],
      ['testing-announce', '2026-12-09T14:00:00.000Z', 0],
      ['testing-announce', '2026-12-10T12:00:00.000Z', 0],
      ['testing-announce', '2026-12-10T14:00:00.000Z', 0],
      ['testing-announce', '2026-12-11T14:00:00.000Z', 0],
      ['testing-announce', '2026-12-12T14:00:00.000Z', 0],
    ]);
  });

  it('refuses to move the clock backwards, and a task list without tasks', async () => {
    t = createTestScheduler({ tasks: [announce], now: '2026-12-07T10:00:00Z' });
    await expect(t.advanceTo('2026-12-07T09:00:00Z')).rejects.toThrow(ValidationError);
    expect(() => createTestScheduler({ tasks: [{ notATask: 1 }], now: '2026-12-07T10:00:00Z' })).toThrow(/`tasks` holds no task/);
  });
});
