/**
 * A schedule as the Schedules page shows it: its rule, next runs (zone and UTC, DST changes marked) and the outcome of
 * its last runs, read through the library (`get` of each occurrence's deterministic job id).
 */
import { occurrenceJobId } from '../../lib/core/ids.ts';
import { nextOccurrenceMs, type RecurrenceRule } from '../../lib/core/recurrence.ts';
import { PENDING_OCCURRENCE_BOUND_MS } from '../../lib/schedules/occurrences.ts';
import { NotFoundError } from '../../lib/core/errors.ts';
import type { Schedule } from '../../lib/model.ts';
import type { Scheduler } from '../../lib/scheduler.ts';
import { describeInstants, describeRuns, type RunTime } from './run-times.ts';

/** Next runs shown per schedule. */
export const NEXT_RUNS_SHOWN = 5;
/** Last runs shown on a schedule's detail. */
export const LAST_RUNS_SHOWN = 5;
/** Cron slots walked back at most to find the last runs (an every-second schedule over one hour is 3,600). */
const MAX_SLOTS_WALKED = 5_000;
/** Windows tried, shortest first, to find the last cron slots before `lastRunAt`. */
const LOOKBACK_WINDOWS_MS = [3_600_000, 86_400_000, 35 * 86_400_000];

export interface LastRun {
  readonly at: string;
  readonly jobId: string;
  /**
   * The occurrence job's state; `pending` when it has no record yet but may still start (sent, not yet claimed: an
   * occurrence's job is created by the consumer's claim); `gone` (skipped by policy, or expired after retention).
   */
  readonly outcome: string;
}

export type ScheduleView = Schedule & {
  readonly state: 'active' | 'paused' | 'ended';
  readonly zone: string;
  readonly nextRuns: readonly RunTime[];
  readonly lastRuns: readonly LastRun[];
};

/**
 * Builds the view; `lastRuns` reads one job per run shown (`lastRunsCount` 1 on the list, 5 on a detail page).
 *
 * @example
 * ```ts
 * const view = await scheduleView(scheduler, await scheduler.getSchedule('nightly'), 5, Date.now());
 * ```
 */
export async function scheduleView(scheduler: Scheduler, schedule: Schedule, lastRunsCount: number, nowMs: number): Promise<ScheduleView> {
  const zone = schedule.timezone ?? 'UTC';
  const spec = schedule.cron !== undefined ? { cron: schedule.cron, timezone: zone } : { every: schedule.every! };
  const next = schedule.nextRunAt?.getTime();
  const nextRuns =
    next === undefined ? [] : describeInstants([next, ...describeRuns(spec, next, NEXT_RUNS_SHOWN - 1).map((r) => Date.parse(r.utc))], zone);
  const rule: RecurrenceRule = schedule.cron !== undefined ? { cron: schedule.cron, timezone: zone } : { everySec: schedule.every! };
  const slots = schedule.lastRunAt ? lastSlots(rule, schedule.lastRunAt.getTime(), lastRunsCount) : [];
  const lastRuns = await Promise.all(
    slots.map(async (slot) => {
      const jobId = occurrenceJobId(schedule.id, slot);
      const outcome = await scheduler.get(jobId).then(
        (job) => job.state as string,
        (error: unknown) => {
          if (error instanceof NotFoundError) return slot > nowMs - PENDING_OCCURRENCE_BOUND_MS ? 'pending' : 'gone';
          throw error;
        },
      );
      return { at: new Date(slot).toISOString(), jobId, outcome };
    }),
  );
  return {
    ...schedule,
    state: schedule.paused ? 'paused' : next === undefined ? 'ended' : 'active',
    zone,
    nextRuns,
    lastRuns,
  };
}

/** The last `count` slots up to and including `lastRunMs`, newest first. */
function lastSlots(rule: RecurrenceRule, lastRunMs: number, count: number): number[] {
  if (count <= 0) return [];
  if ('everySec' in rule) return Array.from({ length: count }, (_, k) => lastRunMs - k * rule.everySec * 1000);
  // Cron has no "previous": walk forward from a window before the last run, keeping the newest slots.
  for (const windowMs of LOOKBACK_WINDOWS_MS) {
    const found: number[] = [];
    let slot = nextOccurrenceMs(rule, lastRunMs - windowMs, 0);
    for (let walked = 0; slot <= lastRunMs && walked < MAX_SLOTS_WALKED; walked++) {
      found.push(slot);
      if (found.length > count) found.shift();
      slot = nextOccurrenceMs(rule, slot, 0);
    }
    if (found.length >= count || windowMs === LOOKBACK_WINDOWS_MS.at(-1)) return found.reverse();
  }
  return [];
}
