/**
 * `sundial get` (and the commands that return one job or schedule): a card of labelled lines, times in the user's zone
 * with UTC beside them.
 */
import type { Job, Schedule } from '../../lib/model.ts';
import { stateText, type Colors } from './style.ts';
import { humanDuration, latenessMs, relative, wallTime } from './time.ts';

/** How cards show times. */
export interface CardView {
  readonly zone: string;
  readonly nowMs: number;
  readonly colors: Colors;
}

/**
 * A job as a card.
 *
 * @example
 * ```ts
 * out(jobCard(await scheduler.get(id), { zone: 'Europe/Rome', nowMs: Date.now(), colors }));
 * ```
 */
export function jobCard(job: Job, view: CardView): string {
  const c = view.colors;
  const late = latenessMs(job, view.nowMs);
  return card(c, `Job ${job.id}`, [
    ['task', job.task],
    ['state', stateText(job.state, c)],
    ['due', when(job.dueAt, view)],
    ['attempt', `${job.attempt} of ${job.maxAttempts}`],
    ['lateness', late === undefined ? undefined : humanDuration(late)],
    ['queue', job.queue],
    ['unique key', job.uniqueKey],
    ['schedule', job.scheduleId],
    ['created', when(job.createdAt, view)],
    ['started', job.startedAt && when(job.startedAt, view)],
    ['finished', job.finishedAt && when(job.finishedAt, view)],
    ['payload', JSON.stringify(job.payload)],
    ['result', job.result === undefined ? undefined : JSON.stringify(job.result)],
    ['last error', job.lastError && c.red(`${job.lastError.name}: ${job.lastError.message}`)],
  ]);
}

/**
 * A recurring schedule as a card.
 *
 * @example
 * ```ts
 * out(scheduleCard(await scheduler.getSchedule('weekly-report'), view));
 * ```
 */
export function scheduleCard(schedule: Schedule, view: CardView): string {
  const c = view.colors;
  const rule = schedule.cron !== undefined ? `cron ${schedule.cron} (${schedule.timezone})` : `every ${humanDuration((schedule.every ?? 0) * 1000)}`;
  return card(c, `Schedule ${schedule.id}`, [
    ['task', schedule.task],
    ['rule', rule],
    ['state', schedule.paused ? c.yellow('paused') : schedule.nextRunAt ? c.green('active') : c.dim('ended')],
    ['next run', schedule.nextRunAt && when(schedule.nextRunAt, view)],
    ['last run', schedule.lastRunAt && when(schedule.lastRunAt, view)],
    ['last job', schedule.lastJobId],
    ['runs', schedule.maxRuns === undefined ? String(schedule.runs) : `${schedule.runs} of ${schedule.maxRuns}`],
    ['misfire', schedule.misfire],
    ['overlap', schedule.overlap],
    ['queue', schedule.queue],
    ['payload', JSON.stringify(schedule.payload)],
  ]);
}

function when(date: Date, view: CardView): string {
  const ms = date.getTime();
  const local = wallTime(ms, view.zone);
  return view.zone === 'UTC' ? `${local} (${relative(ms, view.nowMs)})` : `${local} · ${wallTime(ms, 'UTC')} (${relative(ms, view.nowMs)})`;
}

function card(c: Colors, title: string, fields: [string, string | undefined][]): string {
  const shown = fields.filter((f): f is [string, string] => f[1] !== undefined);
  const width = Math.max(...shown.map(([label]) => label.length));
  return [c.bold(title), ...shown.map(([label, value]) => `  ${c.dim(label.padEnd(width))}  ${value}`)].join('\n');
}
