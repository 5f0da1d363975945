/**
 * Sweeps one shard's lane: the sparse index partition of active schedules (at `nextRunAtMs`) and of jobs written by a
 * caller's transaction that were not yet sent. Only entries due within the window are read, and each one handled
 * leaves the window (a sent job leaves the lane, a spawned schedule moves to its next slot), so a lane costs reads in
 * proportion to what is due.
 */
import { sendJobMessages } from '../queue/send-job-messages.ts';
import type { DuePosition } from '../store/types.ts';
import { spawnDueOccurrences } from '../schedules/occurrences.ts';
import { recordFailure, type SweepContext } from './context.ts';

/** Schedules of one lane page handled at once; each costs a read, one send and one advance. */
const SCHEDULES_IN_FLIGHT = 8;

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
      const schedules = page.entries.filter((entry) => entry.kind === 'schedule');
      for (let i = 0; i < schedules.length; i += SCHEDULES_IN_FLIGHT) {
        await Promise.all(schedules.slice(i, i + SCHEDULES_IN_FLIGHT).map((s) => spawnDueOccurrencesSafely(ctx, s.id, shard)));
      }
      after = page.entries.at(-1)?.position ?? after;
      if (page.done) break;
    }
  } catch (error) {
    recordFailure(ctx, { scope: 'lane', shard }, error);
  }
}

/**
 * Reads schedule `id` again (its lane entry may be stale: the index is eventually consistent) and spawns its due
 * occurrences, recording a failure instead of throwing it, so one broken schedule does not stop the lane.
 */
async function spawnDueOccurrencesSafely(ctx: SweepContext, id: string, shard: number): Promise<void> {
  try {
    const schedule = await ctx.deps.store.getSchedule(id);
    if (schedule) await spawnDueOccurrences(ctx.deps, schedule, ctx, ctx.counters);
  } catch (error) {
    recordFailure(ctx, { scope: 'schedule', shard, id }, error);
  }
}
