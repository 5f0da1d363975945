/**
 * `sundial cancel <id>`: cancel a job (it never runs) or delete a schedule. `sundial cancel --task T --state S`: cancel
 * every job that matches, after showing the count and asking (or with `--yes`).
 */
import { ConflictError, NotFoundError } from '../../lib/core/errors.ts';
import type { JobState } from '../../lib/store/types.ts';
import { stringOption, type Command, type CommandContext, type CommandInput } from '../command.ts';
import { UsageError } from '../errors.ts';
import { isSchedule, jobOrScheduleJson } from '../format/json.ts';
import { confirm } from '../prompt.ts';
import { optional } from './enqueue.ts';
import { listAll } from '../list-all.ts';

const usage = 'sundial cancel <job-or-schedule-id> | sundial cancel (--task T | --state S)... [--yes]';
/** Cancels in flight at once: each is one conditional write. */
const CONCURRENCY = 16;

export const cancelCommand: Command = {
  name: 'cancel',
  summary: 'cancel a job, delete a schedule, or cancel every job matching --task/--state (asks first)',
  usage,
  options: { task: { type: 'string' }, state: { type: 'string' }, yes: { type: 'boolean', short: 'y' } },
  async run(ctx, input) {
    const id = input.positionals[0];
    const filtered = stringOption(input, 'task') !== undefined || stringOption(input, 'state') !== undefined;
    if (id !== undefined && filtered) throw new UsageError('give a <job-or-schedule-id> or filters, not both', usage);
    if (id === undefined && !filtered) throw new UsageError('missing <job-or-schedule-id> (or --task / --state to cancel many)', usage);
    if (filtered) return cancelMatching(ctx, input);
    const cancelled = await (await ctx.scheduler()).cancel(id!);
    ctx.print(jobOrScheduleJson(cancelled), () =>
      isSchedule(cancelled)
        ? `Deleted schedule ${ctx.colors.bold(cancelled.id)} (its queued occurrences are cancelled)`
        : `Cancelled job ${ctx.colors.bold(cancelled.id)} (${cancelled.task}): it will not run`,
    );
  },
};

async function cancelMatching(ctx: CommandContext, input: CommandInput): Promise<number> {
  const filters = { ...optional('task', stringOption(input, 'task')), ...optional('state', stringOption(input, 'state') as JobState | undefined) };
  const described = Object.entries(filters).map(([k, v]) => `${k} ${v}`).join(', ');
  if (input.values.yes !== true && !ctx.io.isTTY) {
    throw new UsageError('cancelling many jobs asks for confirmation on a terminal; pass --yes to cancel without asking', usage);
  }
  const scheduler = await ctx.scheduler();
  const matched = await listAll(scheduler, filters);
  if (matched.length === 0) {
    ctx.print({ matched: 0, cancelled: 0, skipped: [] }, () => `No jobs match (${described}).`);
    return 0;
  }
  if (input.values.yes !== true && !(await confirm(ctx.io, `Cancel ${matched.length.toLocaleString('en-US')} jobs (${described})?`))) {
    ctx.print({ matched: matched.length, cancelled: 0, skipped: [] }, () => 'Nothing cancelled.');
    return 0;
  }
  const skipped: { id: string; reason: string }[] = [];
  let cancelled = 0;
  let next = 0;
  const worker = async () => {
    while (next < matched.length) {
      const job = matched[next++]!;
      try {
        await scheduler.cancel(job.id);
        cancelled++;
      } catch (error) {
        // It started, ended or expired since it was listed: nothing left to cancel.
        if (!(error instanceof ConflictError || error instanceof NotFoundError)) throw error;
        skipped.push({ id: job.id, reason: error.message });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  ctx.print({ matched: matched.length, cancelled, skipped }, () =>
    `Cancelled ${cancelled.toLocaleString('en-US')} of ${matched.length.toLocaleString('en-US')} jobs (${described})` +
    (skipped.length > 0 ? `; ${skipped.length} had started or ended meanwhile` : ''),
  );
  return 0;
}
