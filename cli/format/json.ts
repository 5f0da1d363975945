/**
 * The `--json` shapes (docs/cli.md documents them). Jobs and schedules are the library's objects with dates as ISO
 * strings and a `kind` first, so a script can tell which one `get` or `cancel` returned.
 */
import type { Job, Schedule } from '../../lib/model.ts';

/**
 * A job as `--json` prints it: `{ kind: 'job', id, task, state, dueAt, attempt, ... }`.
 *
 * @example
 * ```ts
 * ctx.print(jobJson(job), () => jobCard(job, view));
 * ```
 */
export function jobJson(job: Job): { kind: 'job' } & Job {
  return { kind: 'job', ...job };
}

/**
 * A schedule as `--json` prints it: `{ kind: 'schedule', id, task, cron | every, nextRunAt, paused, ... }`.
 *
 * @example
 * ```ts
 * ctx.print(scheduleJson(schedule), () => scheduleCard(schedule, view));
 * ```
 */
export function scheduleJson(schedule: Schedule): { kind: 'schedule' } & Schedule {
  return { kind: 'schedule', ...schedule };
}

/**
 * A job or a schedule (what `cancel` returns), told apart by the fields only schedules have.
 *
 * @example
 * ```ts
 * ctx.print(jobOrScheduleJson(await scheduler.cancel(id)), ...);
 * ```
 */
export function jobOrScheduleJson(value: Job | Schedule): ReturnType<typeof jobJson> | ReturnType<typeof scheduleJson> {
  return isSchedule(value) ? scheduleJson(value) : jobJson(value);
}

/**
 * Whether `value` is a schedule (it has `paused`; jobs have `state`).
 *
 * @example
 * ```ts
 * isSchedule(await scheduler.cancel('weekly-report')); // true
 * ```
 */
export function isSchedule(value: Job | Schedule): value is Schedule {
  return 'paused' in value;
}
