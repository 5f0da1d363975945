/** `sundial cancel <id>`: cancel a job (it never runs) or delete a schedule. */
import { requiredArgument, type Command } from '../command.ts';
import { isSchedule, jobOrScheduleJson } from '../format/json.ts';

const usage = 'sundial cancel <job-or-schedule-id>';

export const cancelCommand: Command = {
  name: 'cancel',
  summary: 'cancel a job, or delete a schedule',
  usage,
  async run(ctx, input) {
    const cancelled = await (await ctx.scheduler()).cancel(requiredArgument(input, 0, 'job-or-schedule-id', usage));
    ctx.print(jobOrScheduleJson(cancelled), () =>
      isSchedule(cancelled)
        ? `Deleted schedule ${ctx.colors.bold(cancelled.id)} (its queued occurrences are cancelled)`
        : `Cancelled job ${ctx.colors.bold(cancelled.id)} (${cancelled.task}): it will not run`,
    );
  },
};
