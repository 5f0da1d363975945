/**
 * Spawning the schedules a sweep found due, from its lane pass, its tick pass, or a recovery from the schedules
 * themselves: each schedule is read again (what woke it may be stale) and spawned, a few at a time.
 */
import { shardOf } from '../core/buckets.ts';
import { spawnDueOccurrences } from '../schedules/occurrences.ts';
import type { ScheduleRecord } from '../store/types.ts';
import { recordFailure, type SweepContext } from './context.ts';

/** Schedules spawned at once; each costs a read, one send, and a tick and an advance. */
const SCHEDULES_IN_FLIGHT = 8;

/**
 * Spawns the due occurrences of each schedule, `SCHEDULES_IN_FLIGHT` at a time. A schedule given by id is read first
 * (strongly consistent: its lane entry or tick may be stale, the index eventually consistent); a record is spawned as
 * given. A failure is recorded instead of thrown, so one broken schedule does not stop the others. Resolves with
 * whether each one succeeded, in order.
 *
 * @example
 * ```ts
 * const ok = await spawnSchedules(ctx, ['nightly', 'weekly-report']);
 * ```
 */
export async function spawnSchedules(ctx: SweepContext, schedules: ReadonlyArray<string | ScheduleRecord>): Promise<boolean[]> {
  const results: boolean[] = [];
  for (let i = 0; i < schedules.length; i += SCHEDULES_IN_FLIGHT) {
    results.push(...(await Promise.all(schedules.slice(i, i + SCHEDULES_IN_FLIGHT).map((s) => spawnSafely(ctx, s)))));
  }
  return results;
}

async function spawnSafely(ctx: SweepContext, given: string | ScheduleRecord): Promise<boolean> {
  const id = typeof given === 'string' ? given : given.id;
  try {
    const schedule = typeof given === 'string' ? await ctx.deps.store.getSchedule(id) : given;
    if (schedule) await spawnDueOccurrences(ctx.deps, schedule, ctx, ctx.counters);
    return true;
  } catch (error) {
    recordFailure(ctx, { scope: 'schedule', shard: shardOf(id, ctx.deps.config.shards), id }, error);
    return false;
  }
}
