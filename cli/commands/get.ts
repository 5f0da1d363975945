/** `sundial get <id>`: a job, or else the schedule of that id, as a card. */
import { NotFoundError } from '../../lib/core/errors.ts';
import { requiredArgument, type Command } from '../command.ts';
import { jobCard, scheduleCard } from '../format/cards.ts';
import { jobJson, scheduleJson } from '../format/json.ts';

const usage = 'sundial get <job-or-schedule-id>';

export const getCommand: Command = {
  name: 'get',
  summary: 'show one job (or schedule) as a card',
  usage,
  async run(ctx, input) {
    const id = requiredArgument(input, 0, 'job-or-schedule-id', usage);
    const scheduler = await ctx.scheduler();
    const view = { zone: ctx.zone, nowMs: ctx.io.nowMs(), colors: ctx.colors };
    try {
      const job = await scheduler.get(id);
      ctx.print(jobJson(job), () => jobCard(job, view));
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      // Schedules and jobs share the id space people type; say "no job" when neither exists.
      const schedule = await scheduler.getSchedule(id).catch((e: unknown) => {
        throw e instanceof NotFoundError ? error : e;
      });
      ctx.print(scheduleJson(schedule), () => scheduleCard(schedule, view));
    }
  },
};
