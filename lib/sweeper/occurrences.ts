/**
 * Spawning the due occurrences of one recurring schedule: plan them with the schedule's misfire policy, then for each
 * occurrence send its message first and create its job while advancing `nextRunAtMs` in one conditional transaction.
 *
 * Send-then-spawn: a crash in between leaves the schedule unadvanced, so the next sweep sends and spawns the same
 * occurrence again under the same deterministic id; the first message either finds the job by then or is dropped as
 * an orphan, and a second message for the same (id, due time) is claimed away. Spawn-then-send would instead leave a
 * created job that no message ever runs.
 */
import { occurrenceJobId } from '../core/ids.ts';
import { planOccurrences } from '../core/misfire.ts';
import { dispatch } from '../dispatch.ts';
import type { JobRecord, ScheduleRecord } from '../store/types.ts';
import { recordFailure, type SweepContext } from './context.ts';

/**
 * The job of one occurrence: the schedule's task, payload and options, due at its slot, with the id
 * `<scheduleId>#<fireAtMs>` so that every sweeper builds the same job for the same slot.
 *
 * @example
 * ```ts
 * occurrenceJob(schedule, Date.parse('2026-11-23T09:00:00Z'), nowMs).id; // 'weekly-report#1795424400000'
 * ```
 */
export function occurrenceJob(schedule: ScheduleRecord, fireAtMs: number, nowMs: number): JobRecord {
  return {
    id: occurrenceJobId(schedule.id, fireAtMs),
    task: schedule.task,
    queue: schedule.queue,
    payload: schedule.payload,
    state: 'scheduled',
    dueAtMs: fireAtMs,
    attempt: 0,
    maxAttempts: schedule.maxAttempts,
    backoff: schedule.backoff,
    timeoutSec: schedule.timeoutSec,
    storeResult: schedule.storeResult,
    // Its message is sent before the job is written, so it never waits in the index.
    placement: 'none',
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
    scheduleId: schedule.id,
    sentAtMs: nowMs,
    ...(schedule.inherits?.length ? { inherits: schedule.inherits } : {}),
  };
}

/**
 * Whether the schedule's previous run still occupies it, for overlap `skip`: it is running, waiting for a retry, or
 * due and not yet started (a backlog). Decided when the next occurrence is spawned, up to one lookahead before its slot.
 *
 * @example
 * ```ts
 * if (schedule.overlap === 'skip' && (await previousRunBusy(ctx, schedule.lastJobId))) { ... }
 * ```
 */
export async function previousRunBusy(ctx: OccurrenceContext, lastJobId: string | undefined): Promise<boolean> {
  if (lastJobId === undefined) return false;
  const last = await ctx.deps.store.getJob(lastJobId);
  if (!last) return false;
  if (last.state === 'running' || last.state === 'retrying') return true;
  return last.state === 'scheduled' && last.dueAtMs <= ctx.nowMs;
}

/** What spawning needs of a sweep: its window and counters. `Scheduler.schedule` and `resume` spawn with it too. */
export type OccurrenceContext = Pick<SweepContext, 'deps' | 'nowMs' | 'untilMs' | 'counters'>;

/**
 * Spawns the occurrences of schedule `id` due within the sweep's window. The schedule is read again (the lane entry may
 * be stale: the index is eventually consistent); a paused, ended or not-yet-due schedule is left alone. Stops at the
 * first lost condition: another sweeper spawned it, or the schedule was changed meanwhile (its next sweep re-plans).
 *
 * @example
 * ```ts
 * await spawnDueOccurrences(ctx, 'weekly-report');
 * ```
 */
export async function spawnDueOccurrences(ctx: OccurrenceContext, id: string): Promise<void> {
  const { store, queue, clock, config } = ctx.deps;
  const schedule = await store.getSchedule(id);
  if (!schedule || schedule.paused || schedule.nextRunAtMs === undefined || schedule.nextRunAtMs > ctx.untilMs) return;
  const plan = planOccurrences({
    rule: schedule.recurrence,
    anchorMs: schedule.anchorMs,
    nextRunAtMs: schedule.nextRunAtMs,
    runs: schedule.runs,
    ...(schedule.maxRuns === undefined ? {} : { maxRuns: schedule.maxRuns }),
    ...(schedule.endAtMs === undefined ? {} : { endAtMs: schedule.endAtMs }),
    misfire: schedule.misfire,
    nowMs: ctx.nowMs,
    windowEndMs: ctx.untilMs,
    misfireGraceMs: config.misfireGraceSec * 1000,
    maxCatchUp: config.maxCatchUp,
  });
  ctx.counters.occurrencesSkipped += plan.skipped;
  const target = { id: schedule.id, version: schedule.version };
  let expectedNextRunAtMs = schedule.nextRunAtMs;
  let lastRunAtMs = schedule.lastRunAtMs;
  let lastJobId = schedule.lastJobId;
  let runs = schedule.runs;

  if (plan.fireAtMs.length === 0) {
    // Every missed slot was dropped by the policy (or the schedule ended): only move the schedule on.
    await store.spawnOccurrence({ ...target, expectedNextRunAtMs }, undefined, {
      nextRunAtMs: plan.nextRunAtMs,
      runs: plan.runs,
      lastRunAtMs,
      lastJobId,
      updatedAtMs: ctx.nowMs,
      ...endedExpiry(plan.nextRunAtMs, ctx.nowMs, config.retentionDays),
    });
    return;
  }

  for (const [i, fireAtMs] of plan.fireAtMs.entries()) {
    const isLast = i === plan.fireAtMs.length - 1;
    const nextRunAtMs = isLast ? plan.nextRunAtMs : plan.fireAtMs[i + 1];
    // An occurrence skipped for overlap still uses up its slot (and counts against maxRuns, as planned).
    runs = isLast ? plan.runs : runs + 1;
    const busy = schedule.overlap === 'skip' && (await previousRunBusy(ctx, lastJobId));
    const job = busy ? undefined : occurrenceJob(schedule, fireAtMs, clock.nowMs());
    if (job) {
      await dispatch(queue, [job], job.createdAtMs);
      ctx.counters.sent++;
    }
    // `undefined` fields are left out when stored: `nextRunAtMs: undefined` ends the schedule.
    const spawned = await store.spawnOccurrence({ ...target, expectedNextRunAtMs }, job, {
      nextRunAtMs,
      runs,
      lastRunAtMs: job ? fireAtMs : lastRunAtMs,
      lastJobId: job ? job.id : lastJobId,
      updatedAtMs: ctx.nowMs,
      ...endedExpiry(nextRunAtMs, ctx.nowMs, config.retentionDays),
    });
    if (!spawned) {
      ctx.deps.logger?.info('schedule changed or spawned by another sweep; left to the next sweep', { scheduleId: id, fireAtMs });
      return;
    }
    if (job) {
      ctx.counters.spawned++;
      lastRunAtMs = fireAtMs;
      lastJobId = job.id;
    } else {
      ctx.counters.occurrencesSkipped++;
    }
    if (nextRunAtMs === undefined) return;
    expectedNextRunAtMs = nextRunAtMs;
  }
}

/**
 * `spawnDueOccurrences` with its failure recorded instead of thrown, so one broken schedule does not stop the lane.
 *
 * @example
 * ```ts
 * await Promise.all(ids.map((id) => spawnDueOccurrencesSafely(ctx, id, shard)));
 * ```
 */
export async function spawnDueOccurrencesSafely(ctx: SweepContext, id: string, shard: number): Promise<void> {
  try {
    await spawnDueOccurrences(ctx, id);
  } catch (error) {
    recordFailure(ctx, { scope: 'schedule', shard, id }, error);
  }
}

/** An ending advance (no next run) carries the schedule's TTL: kept `retentionDays`, like an ended job. */
function endedExpiry(nextRunAtMs: number | undefined, nowMs: number, retentionDays: number): { expiresAtEpochSec?: number } {
  return nextRunAtMs === undefined ? { expiresAtEpochSec: Math.floor(nowMs / 1000) + retentionDays * 86_400 } : {};
}
