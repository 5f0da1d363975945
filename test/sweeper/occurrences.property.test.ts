import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF } from '../../lib/core/backoff.ts';
import { occurrenceJobId } from '../../lib/core/ids.ts';
import { spawnDueOccurrences } from '../../lib/schedules/occurrences.ts';
import type { ScheduleRecord } from '../../lib/store/types.ts';
import { T0, World } from './harness.ts';

/** One round: `spawners` spawn the schedule as read once (racing), some crash before their advance; then, maybe, delivery. */
const round = fc.record({
  stepMs: fc.integer({ min: 1_000, max: 60_000 }),
  spawners: fc.integer({ min: 1, max: 3 }),
  crashes: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  // Spawned as a sweep does (its next run may wait on a tick, written before the advance), or as the API does.
  ticks: fc.boolean(),
  deliver: fc.boolean(),
  order: fc.array(fc.nat(), { minLength: 0, maxLength: 40 }),
});

describe('occurrences: exactly once per slot (property)', () => {
  // With a catch-up bound of 3, misfire `all` drops the older missed slots: a slot a crashed spawner sent and the next
  // spawn drops must not run either (the schedule's `runs`, and so `maxRuns`, count exactly what ran).
  it("racing spawners and crashes between send (and tick) and advance never run a slot twice nor lose one", { timeout: 180_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(5, 20, 60, 300), fc.constantFrom(3, 1000), fc.array(round, { minLength: 1, maxLength: 12 }), async (everySec, maxCatchUp, rounds) => {
        const world = new World({ config: { maxCatchUp } });
        const schedule: ScheduleRecord = {
          id: 'prop', task: 'report', queue: 'default', payload: '{}', recurrence: { everySec }, anchorMs: T0 + everySec * 1000,
          runs: 0, nextRunAtMs: T0 + everySec * 1000, paused: false, misfire: 'all', overlap: 'allow', maxAttempts: 3,
          backoff: DEFAULT_BACKOFF, timeoutSec: 30, storeResult: false, version: 1, createdAtMs: T0, updatedAtMs: T0,
        };
        await world.store.putSchedule(schedule);
        for (const r of rounds) {
          world.clock.advance(r.stepMs);
          const read = (await world.store.getSchedule('prop'))!;
          const nowMs = world.clock.now;
          await Promise.all(
            Array.from({ length: r.spawners }, async (_, i) => {
              const store = world.store;
              // A crash after the send: the advance never happens.
              const deps = r.crashes[i] ? { ...world.deps(), store: crashingAdvance(store) } : world.deps();
              const counters = { sent: 0, spawned: 0, occurrencesSkipped: 0 };
              const window = { nowMs, untilMs: nowMs + 90_000, ...(r.ticks ? { ticksAfterMs: nowMs + 90_000 } : {}) };
              await spawnDueOccurrences(deps, read, window, counters).catch(() => undefined);
            }),
          );
          if (r.deliver) await deliverShuffled(world, r.order);
        }
        // Recover: sweeps until the schedule has moved past now, then deliver everything left.
        for (let i = 0; i < 3; i++) {
          world.clock.advance(30_000);
          await world.sweep();
        }
        await deliverShuffled(world, []);
        world.expectNoneRanTwice();
        const after = (await world.store.getSchedule('prop'))!;
        const slots: string[] = [];
        for (let slot = schedule.nextRunAtMs!; slot < after.nextRunAtMs!; slot += everySec * 1000) slots.push(occurrenceJobId('prop', slot));
        const ran = world.runs.map((run) => run.id).sort();
        expect(after.runs).toBe(ran.length);
        if (maxCatchUp === 1000) expect(ran).toEqual(slots.sort());
        else for (const id of ran) expect(slots).toContain(id);
      }),
      { numRuns: 40 },
    );
  });
});

/** The store with `advanceSchedule` failing as a crashed spawner's would (it sent, it never advanced). */
function crashingAdvance(store: World['store']): World['store'] {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'advanceSchedule') return async () => { throw new Error('spawner crashed before its advance'); };
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Delivers every message sent so far in an order drawn from `order` (SQS does not keep order). */
async function deliverShuffled(world: World, order: readonly number[]): Promise<void> {
  const messages = world.memoryQueue.take();
  for (let i = 0; i < order.length && messages.length > 1; i++) {
    const j = order[i]! % messages.length;
    const k = (i * 7) % messages.length;
    [messages[j], messages[k]] = [messages[k]!, messages[j]!];
  }
  world.memoryQueue.sent.push(...messages);
  await world.deliver();
}
