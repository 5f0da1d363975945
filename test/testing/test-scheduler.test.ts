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

  it('refuses to move the clock backwards, and a task list without tasks', async () => {
    t = createTestScheduler({ tasks: [announce], now: '2026-12-07T10:00:00Z' });
    await expect(t.advanceTo('2026-12-07T09:00:00Z')).rejects.toThrow(ValidationError);
    expect(() => createTestScheduler({ tasks: [{ notATask: 1 }], now: '2026-12-07T10:00:00Z' })).toThrow(/`tasks` holds no task/);
  });
});
