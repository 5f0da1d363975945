/**
 * Sweeps one shard's ticks: the schedules that wait for their next run on a tick instead of in the lane (a sweep's
 * advance puts one there, 1 write unit where moving a lane entry costs 3). From the shard's tick cursor through the
 * window's end, page by page, every tick's schedule is read again and spawned; a tick whose schedule moved on since
 * (replaced, paused, deleted, advanced by another spawner) spawns nothing. The cursor passes a tick only once its
 * schedule was spawned, so a failed spawn is retried by the next sweep; a tick read twice spawns nothing the second
 * time.
 */
import { shardOf } from '../core/buckets.ts';
import { ticksMayHaveExpired } from '../schedules/ticks.ts';
import { FIRST_SWEEP_LOOKBACK_MS } from './bucket-sweep.ts';
import { recordFailure, type SweepContext } from './context.ts';
import { spawnSchedules } from './schedule-spawn.ts';

/**
 * Sweeps the ticks of `shard`, leaving its tick cursor where every tick before it is handled: past the window when
 * all went well, at the first failed tick otherwise.
 *
 * @example
 * ```ts
 * await Promise.all(shards.map((shard) => sweepShardTicks(ctx, shard)));
 * ```
 */
export async function sweepShardTicks(ctx: SweepContext, shard: number): Promise<void> {
  const { store, config } = ctx.deps;
  // No cursor yet (a new table, shards added, the first sweep of a version with ticks): only a sweep writes ticks, and
  // only past its window, so none can be older than the last sweeps' windows.
  const storedMs = ctx.book.getTicks(shard) ?? ctx.nowMs - FIRST_SWEEP_LOOKBACK_MS;
  // This sweep writes ticks just past its own window, which may end before the stored cursor: the last sweep ran with
  // a longer lookahead (a redeploy lowered it) or on a clock ahead of this one. The cursor comes back to the window's
  // end, and is saved there even if the reads below fail, so no tick this sweep writes is ever behind it. The ticks
  // read again between the two spawn nothing: their schedules have moved on.
  const fromMs = Math.min(storedMs, ctx.untilMs + 1);
  ctx.book.setTicks(shard, fromMs);
  let after: string | undefined;
  try {
    while (!ctx.shouldStop()) {
      const page = await store.readTicks(shard, { fromMs, untilMs: ctx.untilMs, limit: config.pageSize, ...(after === undefined ? {} : { after }) });
      ctx.counters.pagesRead++;
      const spawned = await spawnSchedules(ctx, page.ticks.map((tick) => tick.scheduleId));
      const failed = spawned.indexOf(false);
      if (failed >= 0) {
        ctx.book.setTicks(shard, page.ticks[failed]!.atMs);
        return;
      }
      if (page.done) {
        ctx.book.setTicks(shard, ctx.untilMs + 1);
        return;
      }
      const last = page.ticks.at(-1);
      if (last) {
        after = last.position;
        // Inclusive: the other ticks at that instant, on the next page, are not handled yet.
        ctx.book.setTicks(shard, last.atMs);
      }
      await ctx.book.pageDone();
    }
  } catch (error) {
    recordFailure(ctx, { scope: 'tick', shard }, error);
  }
}

/**
 * The shards whose tick pass may run in this sweep. A shard whose tick cursor is older than ticks are kept (the
 * sweeper was stopped for about a month) may have lost unread ticks to their TTL: the due schedules of such shards
 * are found from the schedules themselves (every schedule is read, once) and spawned. If that fails, those shards
 * skip their tick pass, their cursors stay, and the next sweep tries again.
 *
 * @example
 * ```ts
 * const tickShards = await recoverExpiredTicks(ctx, shards);
 * ```
 */
export async function recoverExpiredTicks(ctx: SweepContext, shards: readonly number[]): Promise<number[]> {
  const { store, config } = ctx.deps;
  const stale = new Set(shards.filter((shard) => {
    const fromMs = ctx.book.getTicks(shard);
    return fromMs !== undefined && ticksMayHaveExpired(fromMs, ctx.nowMs);
  }));
  if (stale.size === 0) return [...shards];
  ctx.deps.logger?.warn('tick cursors older than ticks are kept; spawning the due schedules of their shards from the schedules', { shards: [...stale] });
  try {
    let cursor: string | undefined;
    let spawnedAll = true;
    do {
      const page = await store.listSchedules({ limit: config.pageSize, ...(cursor === undefined ? {} : { cursor }) });
      ctx.counters.pagesRead++;
      const due = page.items.filter((s) => stale.has(shardOf(s.id, config.shards)) && !s.paused && s.nextRunAtMs !== undefined && s.nextRunAtMs <= ctx.untilMs);
      spawnedAll = !(await spawnSchedules(ctx, due)).includes(false) && spawnedAll;
      cursor = page.cursor;
    } while (cursor !== undefined && !ctx.shouldStop());
    if (spawnedAll && cursor === undefined) return [...shards];
  } catch (error) {
    recordFailure(ctx, { scope: 'tick' }, error);
  }
  return shards.filter((shard) => !stale.has(shard));
}
