/**
 * Sweeps one shard's bucket partitions: from its cursor through the bucket of `now + lookahead`, page by page, sending
 * each page before moving the cursor past it.
 */
import { bucketOf, bucketStartMs, nextBucket } from '../core/buckets.ts';
import { DIRECT_HORIZON_MS, sendJobMessages } from '../queue/send-job-messages.ts';
import type { ShardCursor } from '../store/types.ts';
import { recordFailure, type SweepContext } from './context.ts';

const MINUTE_MS = 60_000;

/**
 * Where a shard without a saved cursor starts (a new table, or shards added): any bucket entry is written for a due
 * time at least `DIRECT_HORIZON_MS` after its writer's clock, so nothing older than this can have been waiting for it.
 */
export const FIRST_SWEEP_LOOKBACK_MS = DIRECT_HORIZON_MS;

/**
 * Sweeps the buckets of `shard`. Stops (leaving the cursor where everything before it is sent) at the end of the
 * window, when the sweep must stop, or on the first failure, which is recorded in the context.
 *
 * The cursor leaves a bucket only once the whole bucket is inside the window (its last millisecond ≤ `untilMs`); in
 * the bucket that straddles the window's end it keeps the position of the last entry sent, so entries written there
 * later, due after that position, are still read by the next sweep.
 */
export async function sweepShardBuckets(ctx: SweepContext, shard: number): Promise<void> {
  const { store, queue, clock, config } = ctx.deps;
  let cursor: ShardCursor = ctx.book.get(shard) ?? { bucket: bucketOf(ctx.nowMs - FIRST_SWEEP_LOOKBACK_MS) };
  // Recorded at once, so a sweep that stops before its first read still saves where this shard starts.
  ctx.book.set(shard, cursor);
  const lastBucketStartMs = bucketStartMs(bucketOf(ctx.untilMs));
  let visited: string | undefined;
  try {
    while (bucketStartMs(cursor.bucket) <= lastBucketStartMs && !ctx.shouldStop()) {
      const page = await store.readBucket(shard, cursor.bucket, {
        ...(cursor.after === undefined ? {} : { after: cursor.after }),
        untilMs: ctx.untilMs,
        limit: config.pageSize,
      });
      ctx.counters.pagesRead++;
      if (visited !== cursor.bucket) {
        visited = cursor.bucket;
        ctx.counters.bucketsRead++;
      }
      const jobs = page.entries.filter((entry) => entry.kind === 'job');
      if (jobs.length > 0) {
        await sendJobMessages(queue, jobs, clock.nowMs());
        ctx.counters.sent += jobs.length;
      }
      const last = page.entries.at(-1);
      if (last) cursor = { bucket: cursor.bucket, after: last.position };
      if (page.done) {
        const bucketComplete = bucketStartMs(cursor.bucket) + MINUTE_MS - 1 <= ctx.untilMs;
        if (!bucketComplete) {
          ctx.book.set(shard, cursor);
          break;
        }
        cursor = { bucket: nextBucket(cursor.bucket) };
      }
      ctx.book.set(shard, cursor);
      await ctx.book.pageDone();
    }
  } catch (error) {
    recordFailure(ctx, { scope: 'bucket', shard }, error);
  }
}
