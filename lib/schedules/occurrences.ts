/**
 * A schedule's occurrences, used by both the sweeper and the API (`schedule`, `resume`, `pause`, `cancel`): spawning the
 * due ones (plan them with the schedule's misfire policy, then for each occurrence send its message first and create
 * its job while advancing `nextRunAtMs` in one conditional transaction), and cancelling the pending ones of a rule.
 *
 * Send-then-spawn: a crash in between leaves the schedule unadvanced, so the next sweep sends and spawns the same
 * occurrence again under the same deterministic id; the first message either finds the job by then or is dropped as
 * an orphan, and a second message for the same (id, due time) is claimed away. Spawn-then-send would instead leave a
 * created job that no message ever runs.
 */
import type { Clock } from '../core/clock.ts';
import { ConflictError, NotFoundError } from '../core/errors.ts';
import { occurrenceJobId } from '../core/ids.ts';
import { planOccurrences } from '../core/misfire.ts';
import { placementOf } from '../core/placement.ts';
import { nextOccurrenceMs } from '../core/recurrence.ts';
import { DIRECT_HORIZON_MS, sendJobMessages } from '../queue/send-job-messages.ts';
import type { JobQueue } from '../queue/types.ts';
import type { JobRecord, JobStore, ScheduleAdvance, ScheduleRecord } from '../store/types.ts';
import type { SweepConfig, SweepLogger } from '../sweeper/types.ts';

/** What spawning needs: the store and queue, a clock for message delays, the misfire tuning. */
export interface OccurrenceDeps {
  readonly store: JobStore;
  readonly queue: JobQueue;
  readonly clock: Clock;
  readonly config: Pick<SweepConfig, 'misfireGraceSec' | 'maxCatchUp' | 'retentionDays'>;
  readonly logger?: SweepLogger;
}

/** The window occurrences are spawned in: `nowMs` decides misfires, nothing due after `untilMs` is spawned. */
export interface OccurrenceWindow {
  readonly nowMs: number;
  readonly untilMs: number;
}

/** What spawning did, added to the caller's counters (a sweep's report). */
export interface OccurrenceCounters {
  sent: number;
  spawned: number;
  occurrencesSkipped: number;
}

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
    // Spawned within the lookahead and sent before it is written: it never waits in the index.
    placement: placementOf(fireAtMs, nowMs, DIRECT_HORIZON_MS),
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
export async function previousRunBusy(store: JobStore, nowMs: number, lastJobId: string | undefined): Promise<boolean> {
  if (lastJobId === undefined) return false;
  const last = await store.getJob(lastJobId);
  if (!last) return false;
  if (last.state === 'running' || last.state === 'retrying') return true;
  return last.state === 'scheduled' && last.dueAtMs <= nowMs;
}

/**
 * Spawns the occurrences of `schedule` due within the window; a paused, ended or not-yet-due schedule is left alone.
 * The caller passes the schedule as it was just read or written (the sweeper reads it again, since its lane entry may
 * be stale; the API passes what it wrote), so no read is spent here. Stops at the first lost condition: another sweeper
 * spawned it, or the schedule was changed meanwhile (its next sweep re-plans).
 *
 * Resolves with the schedule as it stands after the spawns (what a read would return), or `undefined` when a condition
 * was lost and only a read can tell.
 *
 * @example
 * ```ts
 * const after = await spawnDueOccurrences(deps, schedule, { nowMs, untilMs: nowMs + 90_000 }, counters);
 * ```
 */
export async function spawnDueOccurrences(
  deps: OccurrenceDeps,
  schedule: ScheduleRecord,
  window: OccurrenceWindow,
  counters: OccurrenceCounters,
): Promise<ScheduleRecord | undefined> {
  const { store, queue, clock, config } = deps;
  const ctx = { ...window, counters };
  const id = schedule.id;
  if (schedule.paused || schedule.nextRunAtMs === undefined || schedule.nextRunAtMs > ctx.untilMs) return schedule;
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
    const advance = {
      nextRunAtMs: plan.nextRunAtMs, runs: plan.runs, lastRunAtMs, lastJobId, updatedAtMs: ctx.nowMs,
      ...endedExpiry(plan.nextRunAtMs, ctx.nowMs, config.retentionDays),
    };
    return (await store.spawnOccurrence({ ...target, expectedNextRunAtMs }, undefined, advance)) ? advanced(schedule, advance) : undefined;
  }

  let current = schedule;

  for (const [i, fireAtMs] of plan.fireAtMs.entries()) {
    const isLast = i === plan.fireAtMs.length - 1;
    const nextRunAtMs = isLast ? plan.nextRunAtMs : plan.fireAtMs[i + 1];
    // An occurrence skipped for overlap still uses up its slot (and counts against maxRuns, as planned).
    runs = isLast ? plan.runs : runs + 1;
    const busy = schedule.overlap === 'skip' && (await previousRunBusy(store, ctx.nowMs, lastJobId));
    const job = busy ? undefined : occurrenceJob(schedule, fireAtMs, clock.nowMs());
    if (job) {
      await sendJobMessages(queue, [job], job.createdAtMs);
      ctx.counters.sent++;
    }
    // `undefined` fields are left out when stored: `nextRunAtMs: undefined` ends the schedule.
    const advance: ScheduleAdvance = {
      nextRunAtMs,
      runs,
      lastRunAtMs: job ? fireAtMs : lastRunAtMs,
      lastJobId: job ? job.id : lastJobId,
      updatedAtMs: ctx.nowMs,
      ...endedExpiry(nextRunAtMs, ctx.nowMs, config.retentionDays),
    };
    const spawned = await store.spawnOccurrence({ ...target, expectedNextRunAtMs }, job, advance);
    if (!spawned) {
      deps.logger?.info('schedule changed or spawned by another sweep; left to the next sweep', { scheduleId: id, fireAtMs });
      return undefined;
    }
    current = advanced(current, advance);
    if (job) {
      ctx.counters.spawned++;
      lastRunAtMs = fireAtMs;
      lastJobId = job.id;
    } else {
      ctx.counters.occurrencesSkipped++;
    }
    if (nextRunAtMs === undefined) return current;
    expectedNextRunAtMs = nextRunAtMs;
  }
  return current;
}

/** The schedule after `spawnOccurrence` applied `advance` (undefined fields are removed, as the store removes them). */
function advanced(schedule: ScheduleRecord, advance: ScheduleAdvance): ScheduleRecord {
  const { nextRunAtMs: _next, lastRunAtMs: _last, lastJobId: _job, ...rest } = schedule;
  return {
    ...rest,
    runs: advance.runs,
    updatedAtMs: advance.updatedAtMs,
    ...(advance.nextRunAtMs === undefined ? {} : { nextRunAtMs: advance.nextRunAtMs }),
    ...(advance.lastRunAtMs === undefined ? {} : { lastRunAtMs: advance.lastRunAtMs }),
    ...(advance.lastJobId === undefined ? {} : { lastJobId: advance.lastJobId }),
  };
}

/** How far back `cancelPendingOccurrences` looks for occurrences of the old rule that may still be pending. */
const PENDING_OCCURRENCE_LOOKBACK_MS = 60_000;
/** Bound on the occurrences one call cancels (an `every: 1s` schedule has ~15 minutes' worth in flight at most). */
const MAX_PENDING_OCCURRENCES = 1000;

/**
 * Cancels the occurrences of `schedule`'s rule already spawned (before its `nextRunAtMs`) that have not started yet:
 * replacing, pausing or deleting a schedule must not let its old rule fire again from SQS.
 *
 * @example
 * ```ts
 * await cancelPendingOccurrences(store, replaced, nowMs, expiresAtEpochSec);
 * ```
 */
export async function cancelPendingOccurrences(store: JobStore, schedule: ScheduleRecord, nowMs: number, expiresAtEpochSec: number): Promise<void> {
  const until = schedule.nextRunAtMs ?? nowMs;
  const ids: string[] = [];
  let slot = nextOccurrenceMs(schedule.recurrence, nowMs - PENDING_OCCURRENCE_LOOKBACK_MS, schedule.anchorMs);
  while (slot < until && ids.length < MAX_PENDING_OCCURRENCES) {
    ids.push(occurrenceJobId(schedule.id, slot));
    slot = nextOccurrenceMs(schedule.recurrence, slot, schedule.anchorMs);
  }
  await Promise.all(
    ids.map((id) =>
      store.cancelJob(id, nowMs, expiresAtEpochSec).catch((error: unknown) => {
        // Never spawned, already started or ended: nothing to cancel.
        if (!(error instanceof NotFoundError || error instanceof ConflictError)) throw error;
      }),
    ),
  );
}

/** An ending advance (no next run) carries the schedule's TTL: kept `retentionDays`, like an ended job. */
function endedExpiry(nextRunAtMs: number | undefined, nowMs: number, retentionDays: number): { expiresAtEpochSec?: number } {
  return nextRunAtMs === undefined ? { expiresAtEpochSec: Math.floor(nowMs / 1000) + retentionDays * 86_400 } : {};
}
