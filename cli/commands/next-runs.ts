/** `sundial next-runs`: the next instants of a recurrence (or of a stored schedule), in UTC and in its zone. */
import { parseInstantMs } from '../../lib/core/when.ts';
import { nextRuns, type RecurringSpec } from '../../lib/core/recurrence.ts';
import { integerOption, stringOption, type Command, type CommandContext, type CommandInput } from '../command.ts';
import { UsageError } from '../errors.ts';
import { isoInZone } from '../format/time.ts';

const usage = 'sundial next-runs (<schedule-id> | --cron EXPR [--timezone TZ] | --every 5m) [--count N] [--from ISO]';
const DEFAULT_COUNT = 5;

export const nextRunsCommand: Command = {
  name: 'next-runs',
  summary: 'print the next run times of a cron or interval (or of a schedule), in UTC and its zone',
  usage,
  options: { cron: { type: 'string' }, timezone: { type: 'string' }, every: { type: 'string' }, count: { type: 'string' }, from: { type: 'string' } },
  async run(ctx, input) {
    const { spec, zone } = await specOf(ctx, input);
    const fromRaw = stringOption(input, 'from');
    const from = fromRaw === undefined ? ctx.io.nowMs() : parseInstantMs(fromRaw, 'from');
    const runs = nextRuns(spec, { from, count: integerOption(input, 'count', usage) ?? DEFAULT_COUNT });
    const rows = runs.map((d) => ({ utc: d.toISOString(), local: isoInZone(d.getTime(), zone) }));
    ctx.print({ timezone: zone, runs: rows }, () =>
      rows.map((r) => `${r.utc.replace('.000Z', 'Z')}  ${r.local}  ${ctx.colors.dim(zone)}`).join('\n'),
    );
  },
};

/** The recurrence from the flags, or from the stored schedule named by the argument; and the zone to show it in. */
async function specOf(ctx: CommandContext, input: CommandInput): Promise<{ spec: RecurringSpec; zone: string }> {
  const cron = stringOption(input, 'cron');
  const every = stringOption(input, 'every');
  const timezone = stringOption(input, 'timezone');
  const id = input.positionals[0];
  if (id !== undefined) {
    if (cron !== undefined || every !== undefined) throw new UsageError('give a <schedule-id> or --cron/--every, not both', usage);
    const schedule = await (await ctx.scheduler()).getSchedule(id);
    if (schedule.cron !== undefined) return { spec: { cron: schedule.cron, timezone: schedule.timezone! }, zone: schedule.timezone! };
    return { spec: { every: schedule.every! }, zone: ctx.zone };
  }
  if (cron !== undefined) return { spec: { cron, ...(timezone ? { timezone } : {}), ...(every ? { every } : {}) }, zone: timezone ?? 'UTC' };
  if (every !== undefined) return { spec: { every }, zone: ctx.zone };
  throw new UsageError('give a <schedule-id>, --cron EXPR or --every DURATION', usage);
}
