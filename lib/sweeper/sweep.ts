/**
 * One sweep: take the lease, sweep every shard's buckets, lane and ticks in parallel, save the cursors and release the
 * lease.
 * docs/sweeper.md explains why this never loses a job and never runs one twice.
 */
import { sweepShardBuckets } from './bucket-sweep.ts';
import type { SweepContext, SweepCounters } from './context.ts';
import { emptyCounters, recordFailure } from './context.ts';
import { CursorBook } from './cursor-book.ts';
import { sweepShardLane } from './lane-sweep.ts';
import { recoverExpiredTicks, sweepShardTicks } from './tick-sweep.ts';
import { validateSweepConfig } from './sweep-config.ts';
import type { SweepDeps, SweepFailure, SweepReport } from './types.ts';

/** Lease and time budget of a sweep run without `remainingTimeMs` (outside Lambda). */
export const DEFAULT_SWEEP_BUDGET_MS = 60_000;

/**
 * A sweep stops starting new pages when less than this is left: enough to finish the pages in flight (a query and
 * its sends) and save the cursors before Lambda stops the process.
 */
export const CONTINUATION_RESERVE_MS = 10_000;

/**
 * Sweeps once. Resolves with what it did; `skipped` when another sweep holds the lease (a double-fired or overlapping
 * trigger), `continued` when it stopped early and the next sweep resumes from the saved cursors. Failures of single
 * shards, lane entries or schedules are in `failures` (their work stays due for the next sweep); it rejects only when
 * the lease or the final save of the cursors fails, and then the next sweep after the lease expires redoes the work.
 */
export async function sweep(deps: SweepDeps): Promise<SweepReport> {
  validateSweepConfig(deps.config, deps.store.shards);
  const { store, clock, config, owner } = deps;
  const nowMs = clock.nowMs();
  const untilMs = nowMs + config.lookaheadSec * 1000;
  const budgetEndMs = nowMs + DEFAULT_SWEEP_BUDGET_MS;
  const remainingTimeMs = deps.remainingTimeMs ?? (() => budgetEndMs - clock.nowMs());
  const counters: SweepCounters = emptyCounters();
  const failures: SweepFailure[] = [];
  const report = (flags: Pick<SweepReport, 'skipped' | 'continued' | 'leaseLost'>): SweepReport => ({
    ...flags,
    nowMs,
    untilMs,
    ...counters,
    failures,
  });

  const state = await store.acquireSweep(owner, nowMs, nowMs + remainingTimeMs());
  if (!state) {
    deps.logger?.info('another sweep holds the lease; skipping', { owner });
    return report({ skipped: true, continued: false, leaseLost: false });
  }

  let timeRanLow = false;
  const ctx: SweepContext = {
    deps,
    nowMs,
    untilMs,
    ticksAfterMs: untilMs,
    book: new CursorBook(store, owner, state, (error) => recordFailure(ctx, { scope: 'checkpoint' }, error)),
    counters,
    failures,
    shouldStop() {
      if (!timeRanLow && remainingTimeMs() < CONTINUATION_RESERVE_MS) timeRanLow = true;
      return timeRanLow || ctx.book.leaseLost;
    },
  };

  const shards = Array.from({ length: config.shards }, (_, shard) => shard);
  const tickShards = new Set(await recoverExpiredTicks(ctx, shards));
  await Promise.all(
    shards.flatMap((shard) => [
      sweepShardBuckets(ctx, shard),
      sweepShardLane(ctx, shard),
      ...(tickShards.has(shard) ? [sweepShardTicks(ctx, shard)] : []),
    ]),
  );

  if (!ctx.book.leaseLost) await ctx.book.save(true);
  const leaseLost = ctx.book.leaseLost;
  const result = report({ skipped: false, continued: timeRanLow || leaseLost, leaseLost });
  deps.logger?.info('sweep done', { ...counters, continued: result.continued, leaseLost, failures: failures.length });
  return result;
}
