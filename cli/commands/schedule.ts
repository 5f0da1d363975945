/** `sundial schedule <id> <task> [payload-json]`: create or replace a recurring schedule. */
import type { ScheduleOptions } from '../../lib/options.ts';
import { jsonArgument, requiredArgument, stringOption, type Command } from '../command.ts';
import { scheduleJson } from '../format/json.ts';
import { relative, wallTime } from '../format/time.ts';
import { optional } from './enqueue.ts';

const usage =
  'sundial schedule <id> <task> [payload-json] (--cron "0 9 * * MON" [--timezone Area/City] | --every 5m) [--misfire skip|once|all] [--overlap allow|skip] [--queue Q]';

export const scheduleCommand: Command = {
  name: 'schedule',
  summary: 'create or replace a recurring schedule (--cron in a time zone, or --every)',
  usage,
  options: {
    cron: { type: 'string' }, timezone: { type: 'string' }, every: { type: 'string' }, misfire: { type: 'string' },
    overlap: { type: 'string' }, queue: { type: 'string' },
  },
  async run(ctx, input) {
    const id = requiredArgument(input, 0, 'id', usage);
    const task = requiredArgument(input, 1, 'task', usage);
    const payload = jsonArgument(input.positionals[2], 'payload-json', usage) ?? {};
    const options = {
      ...optional('cron', stringOption(input, 'cron')),
      ...optional('timezone', stringOption(input, 'timezone')),
      ...optional('every', stringOption(input, 'every')),
      ...optional('misfire', stringOption(input, 'misfire')),
      ...optional('overlap', stringOption(input, 'overlap')),
      ...optional('queue', stringOption(input, 'queue')),
    } as ScheduleOptions; // the library validates the values and names every bad one
    const schedule = await (await ctx.scheduler()).schedule(id, task, payload, options);
    ctx.print(scheduleJson(schedule), () => {
      const rule = schedule.cron !== undefined ? `cron "${schedule.cron}" in ${schedule.timezone}` : `every ${schedule.every} s`;
      const next = schedule.nextRunAt ? `next run ${wallTime(schedule.nextRunAt.getTime(), ctx.zone)} (${relative(schedule.nextRunAt.getTime(), ctx.io.nowMs())})` : 'no further run';
      return `Scheduled ${ctx.colors.bold(schedule.id)} → ${schedule.task}, ${rule}; ${next}`;
    });
  },
};
