/**
 * Sweeps one shard's lane: the sparse index partition of active schedules (at `nextRunAtMs`) and of jobs written by a
 * caller's transaction that were not yet sent. Only entries due within the window are read, and each one handled
 * leaves the window (a sent job leaves the lane, a spawned schedule moves to its next slot or leaves for a tick), so a
 * lane costs reads in proportion to what is due.
 */
import { sendJobMessages } from '../queue/send-job-messages.ts';
import type { DuePosition } from '../store/types.ts';
import { recordFailure, type SweepContext } from './context.ts';
import { spawnSchedules } from './schedule-spawn.ts';

/**
 * Sweeps the lane of `shard`: lane jobs are sent, then taken out of the lane (`markSent`); due schedules spawn their
 * occurrences. A failure is recorded and the entry stays in the lane for the next sweep: a job sent but not marked is
 * sent again and its duplicate claimed away.
 */
export async function sweepShardLane(ctx: SweepContext, shard: number): Promise<void> {
  const { store, queue, clock, config } = ctx.deps;
  let after: DuePosition | undefined;
  try {
    while (!ctx.shouldStop()) {
      const page = await store.readLane(shard, { ...(after === undefined ? {} : { after }), untilMs: ctx.untilMs, limit: config.pageSize });
      ctx.counters.pagesRead++;
      const jobs = page.entries.filter((entry) => entry.kind === 'job');
      if (jobs.length > 0) {
        const sentAtMs = clock.nowMs();
        await sendJobMessages(queue, jobs, sentAtMs);
        ctx.counters.sent += jobs.length;
        await Promise.all(
          jobs.map((job) =>
            store.markSent(job.id, job.dueAtMs, sentAtMs).catch((error: unknown) => {
              recordFailure(ctx, { scope: 'lane', shard, id: job.id }, error);
            }),
          ),
        );
      }
      await spawnSchedules(ctx, page.entries.filter((entry) => entry.kind === 'schedule').map((entry) => entry.id));
      after = page.entries.at(-1)?.position ?? after;
      if (page.done) break;
    }
  } catch (error) {
    recordFailure(ctx, { scope: 'lane', shard }, error);
  }
}
