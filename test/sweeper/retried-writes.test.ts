/**
 * The sweeper's conditional writes whose first attempt committed and whose response was lost, so that the SDK's retry
 * fails its condition on the item the first attempt wrote: the advance (its token makes it the spawner's own, so the
 * slots it skipped still get their cancelled records) and the lease (its owner and end make it the sweep's own).
 */
import { describe, expect, it } from 'vitest';
import { MemoryJobQueue } from '../../lib/queue/memory-queue.ts';
import { claimOccurrence } from '../../lib/schedules/occurrence-claim.ts';
import { spawnDueOccurrences, type OccurrenceDeps } from '../../lib/schedules/occurrences.ts';
import { MemoryJobStore } from '../../lib/store/memory-store.ts';
import { FakeClock, World } from '../sweeper/harness.ts';
import { retriedAfterCommit } from '../shared/retried-after-commit.ts';

const T0 = Date.parse('2026-11-23T14:00:00.000Z');
const S = 1000;

describe('advanceSchedule committed, response lost', () => {
  for (const lost of [false, true]) {
    it(`a slot the misfire policy skipped is cancelled ${lost ? 'all the same' : '(no lost response)'}`, async () => {
      const store = new MemoryJobStore({ shards: 4 });
      const queue = new MemoryJobQueue(['default']);
      const clock = new FakeClock(T0);
      const config = { misfireGraceSec: 60, maxCatchUp: 10, retentionDays: 7 };
      await store.putSchedule({
        id: 'minutely', task: 't', queue: 'default', payload: '{}', recurrence: { everySec: 60 }, anchorMs: T0,
        runs: 0, nextRunAtMs: T0 + 60 * S, paused: false, misfire: 'skip', overlap: 'skip', maxAttempts: 1, backoff: [10],
        timeoutSec: 30, storeResult: false, version: 1, createdAtMs: T0 - 3_600_000, updatedAtMs: T0,
      });
      // Spawner 1 (a sweep at T0) sends slot T0+60s, then crashes before its advance.
      store.failNextCall('advanceSchedule', { when: 'before', error: new Error('SIGKILL') });
      const deps1: OccurrenceDeps = { store, queue, clock, config };
      await expect(spawnDueOccurrences(deps1, (await store.getSchedule('minutely'))!, { nowMs: T0, untilMs: T0 + 90 * S }, { sent: 0, spawned: 0, occurrencesSkipped: 0 })).rejects.toThrow('SIGKILL');
      const stale = queue.sent.find((m) => m.message.dueAtMs === T0 + 60 * S)!.message;

      // The sweeper is back at T0+185s: slots T0+60s and T0+120s are older than the grace and `skip` drops them.
      clock.now = T0 + 185 * S;
      const deps2: OccurrenceDeps = { store: lost ? retriedAfterCommit(store, 'advanceSchedule') : store, queue, clock, config };
      const after = await spawnDueOccurrences(deps2, (await store.getSchedule('minutely'))!, { nowMs: clock.now, untilMs: clock.now + 90 * S }, { sent: 0, spawned: 0, occurrencesSkipped: 0 });
      const stored = (await store.getSchedule('minutely'))!;
      expect(stored.nextRunAtMs).toBe(T0 + 300 * S); // the advance committed either way
      expect(after?.nextRunAtMs).toBe(T0 + 300 * S); // the spawner knows the advance for its own, and goes on as the winner

      // Spawner 1's message for the skipped slot comes back (deferred while its slot was not covered, within the 8 min grace).
      const claim = await claimOccurrence(store, stale, stale.occurrence!, { nowMs: clock.now + 5 * S, leaseUntilMs: clock.now + 65 * S });
      expect(claim.claimed).toBe(false);
    });
  }
});

describe('acquireSweep committed, response lost', () => {
  it('the sweep goes on under its own lease instead of skipping (and turning the next trigger away)', async () => {
    const w = new World();
    await w.enqueue('lane-job', T0 + 30 * S, { placement: 'lane' });
    const first = await w.sweep({ store: retriedAfterCommit(w.store, 'acquireSweep') });
    w.clock.advance(30 * S); // a second trigger (or a rerun) half a minute later
    const second = await w.sweep();
    expect({ firstSkipped: first.skipped, secondSkipped: second.skipped, sent: first.sent + second.sent })
      .toEqual({ firstSkipped: false, secondSkipped: false, sent: 1 });
  });
});
