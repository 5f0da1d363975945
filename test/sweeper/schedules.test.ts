import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF } from '../../lib/core/backoff.ts';
import { occurrenceJobId } from '../../lib/core/ids.ts';
import type { RecurrenceRule } from '../../lib/core/recurrence.ts';
import type { MisfirePolicy, OverlapPolicy, ScheduleRecord } from '../../lib/store/types.ts';
import { spawnDueOccurrences, spawnWindowEnd } from '../../lib/schedules/occurrences.ts';
import { MINUTE, T0, World } from './harness.ts';

const HOUR = 60 * MINUTE;

function scheduleRecord(
  id: string,
  recurrence: RecurrenceRule,
  firstRunAtMs: number,
  options: { misfire?: MisfirePolicy; overlap?: OverlapPolicy; maxRuns?: number; queue?: string } = {},
): ScheduleRecord {
  return {
    id,
    task: 'report',
    queue: options.queue ?? 'default',
    payload: '{"kind":"daily"}',
    recurrence,
    anchorMs: firstRunAtMs,
    runs: 0,
    nextRunAtMs: firstRunAtMs,
    paused: false,
    misfire: options.misfire ?? 'once',
    overlap: options.overlap ?? 'allow',
    ...(options.maxRuns === undefined ? {} : { maxRuns: options.maxRuns }),
    maxAttempts: 3,
    backoff: DEFAULT_BACKOFF,
    timeoutSec: 30,
    storeResult: false,
    version: 1,
    createdAtMs: T0,
    updatedAtMs: T0,
  };
}

/** Counts the calls of one store method from now on. */
function countCalls(store: World['store'], method: 'advanceSchedule' | 'getJob'): () => number {
  const original = store[method].bind(store) as (...args: never[]) => Promise<unknown>;
  let calls = 0;
  (store as unknown as Record<string, unknown>)[method] = (...args: never[]) => {
    calls++;
    return original(...args);
  };
  return () => calls;
}

/** Ids of the occurrence jobs of `scheduleId` that ran, as fire times relative to T0 in minutes. */
function ranSlots(world: World, scheduleId: string): number[] {
  return world.runs
    .filter((r) => r.id.startsWith(`${scheduleId}#`))
    .map((r) => (Number(r.id.slice(scheduleId.length + 1)) - T0) / MINUTE)
    .sort((a, b) => a - b);
}

describe('recurring schedules', () => {
  it('spawns each occurrence once, with its deterministic id, on its second', async () => {
    const world = new World();
    await world.store.putSchedule(scheduleRecord('every5', { everySec: 300 }, T0 + 5 * MINUTE + 30_000));
    const reports = await world.runMinutes(31);
    expect(ranSlots(world, 'every5')).toEqual([5.5, 10.5, 15.5, 20.5, 25.5, 30.5]);
    expect(world.maxLatenessMs()).toBe(0);
    expect(world.duplicates).toBe(0);
    expect(reports.reduce((n, r) => n + r.spawned, 0)).toBe(6);
    const job = await world.store.getJob(occurrenceJobId('every5', T0 + 5 * MINUTE + 30_000));
    expect(job).toMatchObject({ task: 'report', payload: '{"kind":"daily"}', scheduleId: 'every5', dueAtMs: T0 + 5 * MINUTE + 30_000 });
    const schedule = await world.store.getSchedule('every5');
    expect(schedule).toMatchObject({ runs: 6, nextRunAtMs: T0 + 35 * MINUTE + 30_000, lastJobId: occurrenceJobId('every5', T0 + 30 * MINUTE + 30_000) });
  });

  it('an interval schedule shorter than the lookahead spawns every slot in the window', async () => {
    const world = new World();
    await world.store.putSchedule(scheduleRecord('every20s', { everySec: 20 }, T0 + 20_000));
    await world.runMinutes(5);
    // The last sweep (at 5 min) reads up to 6.5 min: slots 20 s, 40 s, … 6 min 20 s.
    expect(ranSlots(world, 'every20s')).toEqual(Array.from({ length: 19 }, (_, i) => (i + 1) / 3));
  });

  it('stops at maxRuns and leaves the lane', async () => {
    const world = new World();
    await world.store.putSchedule(scheduleRecord('three', { everySec: 60 }, T0 + MINUTE, { maxRuns: 3 }));
    await world.runMinutes(10);
    expect(ranSlots(world, 'three')).toEqual([1, 2, 3]);
    const schedule = await world.store.getSchedule('three');
    expect(schedule?.nextRunAtMs).toBeUndefined();
    const [next] = await world.runMinutes(1);
    expect(next!.spawned).toBe(0);
  });

  it('an interval schedule continues when its last run failed', async () => {
    const world = new World();
    await world.store.putSchedule(scheduleRecord('flaky', { everySec: 60 }, T0 + MINUTE));
    world.clock.advance(MINUTE);
    await world.sweep();
    // The first occurrence fails for good instead of completing.
    const [message, ...others] = world.memoryQueue.take();
    world.memoryQueue.sent.push(...others);
    expect(message!.message.id).toBe(occurrenceJobId('flaky', T0 + MINUTE));
    const claim = await world.claim(message!.message, T0 + MINUTE, T0 + 2 * MINUTE);
    expect(claim.claimed).toBe(true);
    await world.store.finishAttempt(message!.message.id, 1, {
      state: 'failed',
      nowMs: T0 + MINUTE,
      lastError: { name: 'Error', message: 'boom' },
      expiresAtEpochSec: 0,
    });
    await world.runMinutes(3);
    // Sent up to four slots ahead (MIN_OCCURRENCES_PER_SPAWN), each delivered here at its slot.
    expect(ranSlots(world, 'flaky')).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it('sends every occurrence of one spawn in one send and advances the schedule once, writing no job', async () => {
    const world = new World();
    await world.store.putSchedule(scheduleRecord('every10s', { everySec: 10 }, T0 + 10_000));
    const sends: number[] = [];
    world.queue.beforeSend = async () => void sends.push(world.memoryQueue.sent.length);
    const advances = countCalls(world.store, 'advanceSchedule');
    const report = await world.sweep();
    // Lookahead 90 s: slots 10 s … 90 s, nine occurrences, one send call, one advance.
    expect(report).toMatchObject({ sent: 9, spawned: 9 });
    expect(sends).toHaveLength(1);
    expect(advances()).toBe(1);
    const sent = world.memoryQueue.sent.map((m) => m.message);
    expect(sent.map((m) => m.id)).toEqual(Array.from({ length: 9 }, (_, i) => occurrenceJobId('every10s', T0 + (i + 1) * 10_000)));
    expect(sent[0]).toMatchObject({ occurrence: { scheduleId: 'every10s', generation: `${T0}.1` } });
    expect(await world.store.listJobs({ limit: 100 })).toEqual({ items: [] });
    expect(await world.store.getSchedule('every10s')).toMatchObject({ runs: 9, nextRunAtMs: T0 + 100_000, lastJobId: occurrenceJobId('every10s', T0 + 90_000) });
    // The consumer's claim creates each job, from the schedule, already running.
    await world.deliver();
    expect(await world.store.getJob(occurrenceJobId('every10s', T0 + 10_000))).toMatchObject({
      task: 'report', payload: '{"kind":"daily"}', state: 'completed', attempt: 1, scheduleId: 'every10s', scheduleGeneration: `${T0}.1`,
    });
  });

  it('a crash between the occurrence send and the advance: sent again by the next sweep, run once', async () => {
    const world = new World();
    await world.store.putSchedule(scheduleRecord('crashy', { everySec: 300 }, T0 + 2 * MINUTE));
    world.clock.advance(MINUTE);
    world.store.failNextCall('advanceSchedule');
    const first = await world.sweep();
    expect(first.failures).toEqual([expect.objectContaining({ scope: 'schedule', id: 'crashy' })]);
    // The messages went out before the crash (slots 2, 7 and 12 min: as many as fit in 14 minutes, up to four); the
    // schedule still points at the first.
    const slots = [2, 7, 12].map((m) => occurrenceJobId('crashy', T0 + m * MINUTE));
    expect(world.memoryQueue.sent.map((m) => m.message.id)).toEqual(slots);
    expect(await world.store.getSchedule('crashy')).toMatchObject({ runs: 0, nextRunAtMs: T0 + 2 * MINUTE });
    const early = world.memoryQueue.take();
    world.clock.advance(MINUTE);
    await world.sweep();
    // Now both sends reach the consumer: one message per slot creates the job, the other loses the conditional create.
    expect(world.memoryQueue.sent.map((m) => m.message.id)).toEqual(slots);
    world.memoryQueue.sent.unshift(...early);
    await world.deliver();
    expect(ranSlots(world, 'crashy')).toEqual([2, 7, 12]);
    expect(world.duplicates).toBe(3);
  });

  it('two sweepers spawning the same schedule at once: both send, one advance wins, each occurrence runs once', async () => {
    const world = new World();
    await world.store.putSchedule(scheduleRecord('raced', { everySec: 60 }, T0 + 30_000));
    // Both read the schedule before either spawns (what two sweeps racing on one lane entry do).
    const schedule = (await world.store.getSchedule('raced'))!;
    const window = { nowMs: T0, untilMs: T0 + 90_000 };
    const a = { counters: { sent: 0, spawned: 0, occurrencesSkipped: 0 } };
    const b = { counters: { sent: 0, spawned: 0, occurrencesSkipped: 0 } };
    await Promise.all([
      spawnDueOccurrences(world.deps({ owner: 'a' }), schedule, window, a.counters),
      spawnDueOccurrences(world.deps({ owner: 'b' }), schedule, window, b.counters),
    ]);
    // Slots 0.5 and 1.5 min are in the window; the spawn goes on to four slots (MIN_OCCURRENCES_PER_SPAWN).
    const slots = [0.5, 1.5, 2.5, 3.5];
    expect([a.counters.sent, b.counters.sent]).toEqual([4, 4]);
    expect([a.counters.spawned, b.counters.spawned].sort()).toEqual([0, 4]);
    expect(await world.store.getSchedule('raced')).toMatchObject({ runs: 4, nextRunAtMs: T0 + 270_000 });
    await world.deliver();
    expect(ranSlots(world, 'raced')).toEqual(slots);
    expect(world.duplicates).toBe(4);
    world.expectEachRanOnce(slots.map((m) => occurrenceJobId('raced', T0 + m * MINUTE)));
  });

  it('overlap skip: a slot whose previous run is still running is skipped; allow runs it', async () => {
    for (const overlap of ['skip', 'allow'] as const) {
      const world = new World();
      await world.store.putSchedule(scheduleRecord('long', { everySec: 120 }, T0 + 2 * MINUTE, { overlap }));
      world.clock.now = T0 + MINUTE;
      await world.sweep();
      // The first run starts and keeps running (a long task). `allow` sent four slots at once (2, 4, 6, 8 min); `skip`
      // spawns no further than the window, so that the overlap is decided close to each slot.
      const sent = world.memoryQueue.take();
      expect(sent.map((m) => (m.message.dueAtMs - T0) / MINUTE)).toEqual(overlap === 'skip' ? [2] : [2, 4, 6, 8]);
      const claim = await world.claim(sent[0]!.message, T0 + 2 * MINUTE, T0 + HOUR);
      expect(claim.claimed).toBe(true);
      world.clock.now = T0 + 3 * MINUTE;
      const during = await world.sweep();
      // Slot 4 min: skipped under `skip` (its predecessor runs); under `allow` it was sent and will run beside it.
      expect(during.occurrencesSkipped).toBe(overlap === 'skip' ? 1 : 0);
      expect(world.memoryQueue.take()).toEqual([]);
      // It finishes; the next slot spawns again.
      await world.store.finishAttempt(sent[0]!.message.id, 1, { state: 'completed', nowMs: T0 + 5 * MINUTE, expiresAtEpochSec: 0 });
      world.clock.now = T0 + 5 * MINUTE;
      expect((await world.sweep()).spawned).toBe(overlap === 'skip' ? 1 : 0);
      const schedule = await world.store.getSchedule('long');
      expect(schedule?.nextRunAtMs).toBe(T0 + (overlap === 'skip' ? 8 : 10) * MINUTE);
    }
  });

  it('overlap skip: an occurrence sent and due but not started yet (no job record) occupies the schedule, for a bounded time', async () => {
    const world = new World();
    await world.store.putSchedule(scheduleRecord('pending', { everySec: 60 }, T0 + MINUTE, { overlap: 'skip' }));
    await world.sweep();
    // Slot 1 min is sent; its message waits for a consumer (a backlog) and is never delivered here.
    expect(world.memoryQueue.take().map((m) => m.message.id)).toEqual([occurrenceJobId('pending', T0 + MINUTE)]);
    const sentSlots: number[] = [];
    for (let minute = 1; minute <= 7; minute++) {
      world.clock.now = T0 + minute * MINUTE + 10_000;
      await world.sweep();
      sentSlots.push(...world.memoryQueue.take().map((m) => (m.message.dueAtMs - T0) / MINUTE));
    }
    // Slots 2–6 min are skipped while slot 1 may still start; 5 min after it, a missing record no longer blocks: slot 7
    // fires, and (never delivered either) occupies the schedule in turn.
    expect(sentSlots).toEqual([7]);
    expect((await world.store.getSchedule('pending'))?.lastJobId).toBe(occurrenceJobId('pending', T0 + 7 * MINUTE));
  });

  it('overlap skip: of several missed slots due at once, only the first fires; slots not yet due all do', async () => {
    const world = new World({ config: { maxCatchUp: 5 } });
    await world.store.putSchedule(scheduleRecord('catchup', { everySec: 60 }, T0 + MINUTE, { overlap: 'skip', misfire: 'all' }));
    world.clock.now = T0 + 10 * MINUTE;
    const report = await world.sweep();
    // Missed 1–8 min (the last 5 replayed: 4–8 min), then 9 … 11 min: 4 min fires, and is due, so it occupies the rest.
    expect(world.memoryQueue.take().map((m) => (m.message.dueAtMs - T0) / MINUTE)).toEqual([4]);
    expect(report).toMatchObject({ spawned: 1 });
    // Not yet due: each slot's predecessor is in the future, so none occupies the schedule (as before: decided at spawn).
    const ahead = new World();
    await ahead.store.putSchedule(scheduleRecord('ahead', { everySec: 20 }, T0 + 20_000, { overlap: 'skip' }));
    await ahead.sweep();
    expect(ahead.memoryQueue.take()).toHaveLength(4);
  });

  it('a paused schedule spawns nothing; resumed, it follows its misfire policy', async () => {
    const world = new World();
    await world.store.putSchedule(scheduleRecord('pausable', { everySec: 60 }, T0 + MINUTE));
    await world.store.setSchedulePaused('pausable', true, T0);
    await world.runMinutes(5);
    expect(ranSlots(world, 'pausable')).toEqual([]);
    await world.store.setSchedulePaused('pausable', false, world.clock.now);
    await world.runMinutes(2);
    // Default `once`: the missed slots (1–3 min) fire once as the earliest, then the on-time ones (the second sweep
    // sends four slots ahead).
    expect(ranSlots(world, 'pausable')).toEqual([1, 5, 6, 7, 8, 9, 10, 11]);
  });
});

describe('how far one spawn goes (spawnWindowEnd)', () => {
  const window = { nowMs: T0, untilMs: T0 + 90_000 };
  it.each([
    ['every 10 s: the window already holds four slots', { everySec: 10 }, 'allow' as const, T0 + 90_000],
    ['every minute: on to the fourth slot', { everySec: 60 }, 'allow' as const, T0 + 4 * MINUTE],
    ['every 5 minutes: as many as fit in 14 minutes', { everySec: 300 }, 'allow' as const, T0 + 14 * MINUTE],
    ['hourly: one slot, nothing to share', { everySec: 3600 }, 'allow' as const, T0 + 14 * MINUTE],
    ['overlap skip: the window only (the overlap is decided at spawn)', { everySec: 60 }, 'skip' as const, T0 + 90_000],
  ])('%s', (_case, recurrence, overlap, endMs) => {
    expect(spawnWindowEnd(scheduleRecord('s', recurrence, T0 + MINUTE, { overlap }), window)).toBe(endMs);
  });

  it('an hourly schedule pays one advance per occurrence; one every minute shares it four ways', async () => {
    const world = new World();
    await world.store.putSchedule(scheduleRecord('hourly', { everySec: 3600 }, T0 + MINUTE));
    await world.store.putSchedule(scheduleRecord('minutely', { everySec: 60 }, T0 + MINUTE));
    const advances = countCalls(world.store, 'advanceSchedule');
    await world.runMinutes(60);
    const ran = (id: string) => ranSlots(world, id).filter((m) => m <= 60).length;
    // Hourly: the slot at 1 min (and at 61, sent ahead within 14 minutes of the last sweep); minutely: 60 slots.
    expect([ran('hourly'), ran('minutely')]).toEqual([1, 60]);
    expect(advances()).toBe(2 + 16);
  });
});

describe('3 hours of downtime, per misfire policy', () => {
  it.each([
    // Every 10 minutes from 00:10; the sweeper is down from 00:05 to 03:05, 18 slots (00:10 … 03:00) are missed.
    { misfire: 'skip' as const, missedThatRun: [] as number[] },
    { misfire: 'once' as const, missedThatRun: [10] },
    { misfire: 'all' as const, missedThatRun: [110, 120, 130, 140, 150, 160, 170, 180] },
  ])('$misfire', async ({ misfire, missedThatRun }) => {
    const world = new World({ config: { maxCatchUp: misfire === 'all' ? 8 : 10 } });
    await world.store.putSchedule(scheduleRecord('tenmin', { everySec: 600 }, T0 + 10 * MINUTE, { misfire }));
    await world.runMinutes(5);
    world.clock.advance(3 * HOUR);
    await world.runMinutes(30);
    const after = [190, 200, 210, 220];
    expect(ranSlots(world, 'tenmin')).toEqual([...missedThatRun, ...after]);
    expect(world.duplicates).toBe(0);
    const schedule = await world.store.getSchedule('tenmin');
    expect(schedule?.nextRunAtMs).toBe(T0 + 230 * MINUTE);
  });

  it('a slot fired within the misfire grace (a late sweep) is not a misfire, under any policy', async () => {
    for (const misfire of ['skip', 'once', 'all'] as const) {
      const world = new World();
      await world.store.putSchedule(scheduleRecord(`late-${misfire}`, { everySec: 600 }, T0 + 10 * MINUTE, { misfire }));
      world.clock.now = T0 + 8 * MINUTE;
      await world.sweep();
      // The next sweep comes 2.75 minutes later: the 10:00 slot is 45 s old. It fires, with the 20:00 one (as many as
      // fit in the next 14 minutes, up to four).
      world.clock.now = T0 + 10 * MINUTE + 45_000;
      expect((await world.sweep()).spawned).toBe(2);
      await world.deliver();
      expect(ranSlots(world, `late-${misfire}`)).toEqual([10, 20]);
    }
  });
});
