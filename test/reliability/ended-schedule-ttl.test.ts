/**
 * Low 11 of issue 11: a schedule that ends (its `maxRuns` or `endAt` reached) was kept forever. It now gets the TTL
 * attribute (end + retention), as ended jobs do; replacing it with `schedule()` removes the TTL again.
 */
import { describe, expect, it } from 'vitest';
import { MemoryJobQueue, MemoryJobStore, Scheduler } from '../../lib/index.ts';

const T0 = Date.parse('2026-11-23T09:00:00.000Z');

describe('ended schedules', () => {
  it('get a TTL when they end, and lose it when replaced', async () => {
    const store = new MemoryJobStore({ shards: 4 });
    const scheduler = new Scheduler({ store, queue: new MemoryJobQueue(['default']), clock: { nowMs: () => T0 }, retentionDays: 3 });
    // The first run is due now: schedule() spawns it, and with maxRuns 1 that ends the schedule.
    await scheduler.schedule('once', 'probe', {}, { every: 60, maxRuns: 1 });
    const ended = await store.getSchedule('once');
    expect(ended?.nextRunAtMs).toBeUndefined();
    expect(ended?.expiresAtEpochSec).toBe(T0 / 1000 + 3 * 86_400);

    await scheduler.schedule('once', 'probe', {}, { every: 60, startAt: new Date(T0 + 3_600_000) });
    const replaced = await store.getSchedule('once');
    expect(replaced?.nextRunAtMs).toBeDefined();
    expect(replaced?.expiresAtEpochSec).toBeUndefined();
  });
});
