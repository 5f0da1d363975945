/**
 * Ticks: a sweep's advance leaves a schedule's lane entry for a tick at its next run (1 write unit where moving the
 * lane entry costs 3), and the tick pass spawns it when a sweep's window reaches the tick. Memory store, fake clock.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF } from '../../lib/core/backoff.ts';
import { shardOf } from '../../lib/core/buckets.ts';
import type { RecurrenceRule } from '../../lib/core/recurrence.ts';
import { TICK_RETENTION_DAYS } from '../../lib/schedules/ticks.ts';
import type { ScheduleRecord } from '../../lib/store/types.ts';
import { sweepConfigFrom } from '../../lib/sweeper/sweep-config.ts';
import { MINUTE, T0, World } from './harness.ts';

const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function scheduleRecord(id: string, recurrence: RecurrenceRule, firstRunAtMs: number): ScheduleRecord {
  return {
    id, task: 'report', queue: 'default', payload: '{}', recurrence, anchorMs: firstRunAtMs, runs: 0, nextRunAtMs: firstRunAtMs,
    paused: false, misfire: 'once', overlap: 'allow', maxAttempts: 3, backoff: DEFAULT_BACKOFF, timeoutSec: 30,
    storeResult: false, version: 1, createdAtMs: T0, updatedAtMs: T0,
  };
}

/** Fire times of `id`'s occurrences that ran, in minutes after T0. */
function ranMinutes(world: World, id: string): number[] {
  return world.runs.filter((r) => r.id.startsWith(`${id}#`)).map((r) => (Number(r.id.slice(id.length + 1)) - T0) / MINUTE).sort((a, b) => a - b);
}

async function inLane(world: World, id: string): Promise<boolean> {
  const { entries } = await world.store.readLane(shardOf(id, world.config.shards), { untilMs: T0 + 400 * DAY, limit: 1000 });
  return entries.some((e) => e.kind === 'schedule' && e.id === id);
}

async function ticksOf(world: World, id: string): Promise<number[]> {
  const { ticks } = await world.store.readTicks(shardOf(id, world.config.shards), { fromMs: 0, untilMs: T0 + 400 * DAY, limit: 1000 });
  return ticks.filter((t) => t.scheduleId === id).map((t) => (t.atMs - T0) / MINUTE);
}

/** Counts the calls of the store's schedule writes from now on. */
function countWrites(world: World): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const method of ['advanceSchedule', 'putScheduleTick', 'putSchedule', 'setSchedulePaused'] as const) {
    const original = world.store[method].bind(world.store) as (...args: never[]) => Promise<unknown>;
    (world.store as unknown as Record<string, unknown>)[method] = (...args: never[]) => {
      counts[method] = (counts[method] ?? 0) + 1;
      return original(...args);
    };
  }
  return counts;
}

describe('ticks', () => {
  it('an hourly schedule leaves its lane at its first spawn and goes on from ticks: a tick and an advance per occurrence', async () => {
    const world = new World();
    await world.store.putSchedule(scheduleRecord('hourly', { everySec: 3600 }, T0 + MINUTE));
    expect(await inLane(world, 'hourly')).toBe(true);
    const writes = countWrites(world);
    await world.runMinutes(3 * 60 + 2);
    expect(ranMinutes(world, 'hourly')).toEqual([1, 61, 121, 181]);
    world.expectNoneRanTwice();
    expect(await inLane(world, 'hourly')).toBe(false);
    // Each spawn's tick at the next run; the last one is what the schedule waits on.
    expect(await ticksOf(world, 'hourly')).toEqual([61, 121, 181, 241]);
    expect((await world.store.getSchedule('hourly'))?.nextRunAtMs).toBe(T0 + 241 * MINUTE);
    expect(writes).toEqual({ putScheduleTick: 4, advanceSchedule: 4 });
  });

  it('a schedule every minute spawns its four slots from ticks too, each slot once', async () => {
    const world = new World();
    await world.store.putSchedule(scheduleRecord('minutely', { everySec: 60 }, T0 + MINUTE));
    const writes = countWrites(world);
    await world.runMinutes(30);
    const ran = ranMinutes(world, 'minutely').filter((m) => m <= 30);
    expect(ran).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    world.expectNoneRanTwice();
    expect(await inLane(world, 'minutely')).toBe(false);
    expect(writes.putScheduleTick).toBe(writes.advanceSchedule);
  });

  it("a spawn woken by a tick that fails is retried by the next sweep: the tick cursor stays at it", async () => {
    const world = new World();
    await world.store.putSchedule(scheduleRecord('hourly', { everySec: 3600 }, T0 + MINUTE));
    await world.runMinutes(2);
    await world.runMinutes(57);
    world.store.failNextCall('advanceSchedule');
    const [failed] = await world.runMinutes(1);
    expect(failed?.failures).toEqual([expect.objectContaining({ scope: 'schedule', id: 'hourly' })]);
    await world.runMinutes(3);
    expect(ranMinutes(world, 'hourly')).toEqual([1, 61]);
    world.expectNoneRanTwice();
    expect(await ticksOf(world, 'hourly')).toEqual([61, 121]);
  });

  it('a stale tick (the schedule was replaced, paused or deleted since) spawns nothing', async () => {
    const world = new World();
    await world.store.putSchedule(scheduleRecord('replaced', { everySec: 3600 }, T0 + MINUTE));
    await world.store.putSchedule(scheduleRecord('paused', { everySec: 3600 }, T0 + MINUTE));
    await world.store.putSchedule(scheduleRecord('deleted', { everySec: 3600 }, T0 + MINUTE));
    await world.runMinutes(2);
    // Replaced by a rule whose next run is later than the tick; paused; deleted.
    await world.store.putSchedule({ ...scheduleRecord('replaced', { everySec: 3600 }, T0 + 90 * MINUTE), version: 2 });
    await world.store.setSchedulePaused('paused', true, world.clock.now);
    await world.store.deleteSchedule('deleted');
    await world.runMinutes(70);
    expect(ranMinutes(world, 'replaced')).toEqual([1]);
    expect(ranMinutes(world, 'paused')).toEqual([1]);
    expect(ranMinutes(world, 'deleted')).toEqual([1]);
    await world.runMinutes(25);
    expect(ranMinutes(world, 'replaced')).toEqual([1, 90]);
  });

  it(`a sweeper stopped longer than ticks are kept (${TICK_RETENTION_DAYS} days) finds the due schedules from the schedules`, async () => {
    const world = new World();
    await world.store.putSchedule(scheduleRecord('hourly', { everySec: 3600 }, T0 + MINUTE));
    await world.store.putSchedule(scheduleRecord('daily', { everySec: 86_400 }, T0 + 2 * MINUTE));
    await world.runMinutes(3);
    // Stopped for 40 days; DynamoDB's TTL has deleted the ticks 30 days past their time.
    world.clock.advance(40 * DAY);
    const readTicks = world.store.readTicks.bind(world.store);
    world.store.readTicks = async (shard, options) => {
      const page = await readTicks(shard, options);
      return { ...page, ticks: page.ticks.filter((t) => t.atMs > world.clock.now - TICK_RETENTION_DAYS * DAY) };
    };
    const [first] = await world.runMinutes(1);
    expect(first).toMatchObject({ failures: [], spawned: 2 });
    await world.runMinutes(62);
    // Misfire `once`: the missed slots run once (under the first one's id), then the schedules go on from ticks.
    const restart = 40 * 24 * 60;
    expect(ranMinutes(world, 'hourly')).toEqual([1, 61, restart + 61]);
    expect(ranMinutes(world, 'daily')).toEqual([2, 24 * 60 + 2]);
    expect(await ticksOf(world, 'hourly')).toContain(restart + 121);
    world.expectNoneRanTwice();
  });

  it('a sweep whose window ends before the stored tick cursor (lookahead lowered, or the last sweeper\'s clock ahead) brings the cursor back, so a tick it writes is read even when its tick read fails', async () => {
    const world = new World({ shards: 1 });
    // The last sweep before a redeploy ran with a 600 s lookahead: the stored tick cursor is T0 + 600 s + 1.
    expect(await world.sweep({ config: sweepConfigFrom({ shards: 1, lookaheadSec: 600 }, { pageSize: 50 }) })).toMatchObject({ failures: [] });
    expect((await world.store.acquireSweep('peek', T0, T0))?.tickCursors).toEqual({ 0: T0 + 600_000 + 1 });
    // Created since by the API (in its lane), first run at T0 + 2 min, every 2 min.
    await world.store.putSchedule({ ...scheduleRecord('report', { everySec: 120 }, T0 + 2 * MINUTE), overlap: 'skip' });

    // T0 + 1 min with the 90 s lookahead: the lane pass spawns the 2-minute slot and puts the tick of minute 4, while
    // the tick read is throttled.
    world.clock.now = T0 + MINUTE;
    world.store.failNextCall('readTicks', { when: 'before', error: Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }) });
    expect((await world.sweep()).spawned).toBe(1);
    await world.deliver();
    expect(await ticksOf(world, 'report')).toEqual([4]);

    // The trigger is paused for a while, then runs every minute again: the tick of minute 4 must still be read.
    world.clock.now = T0 + 10 * MINUTE;
    await world.runMinutes(20);
    // Misfire 'once': the slots missed in the pause run once (at minute 10), then one every 2 minutes.
    const ran = ranMinutes(world, 'report');
    expect(ran.length).toBeGreaterThan(5);
    expect(ran.at(-1)).toBeGreaterThanOrEqual(26);
  });
});
