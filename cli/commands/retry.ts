/** `sundial retry <job-id>`: run a failed job again now. */
import { integerOption, requiredArgument, type Command } from '../command.ts';
import { jobJson } from '../format/json.ts';
import { optional } from './enqueue.ts';

const usage = 'sundial retry <failed-job-id> [--max-attempts N]';

export const retryCommand: Command = {
  name: 'retry',
  summary: 'run a failed job again now, with more attempts',
  usage,
  options: { 'max-attempts': { type: 'string' } },
  async run(ctx, input) {
    const id = requiredArgument(input, 0, 'failed-job-id', usage);
    const job = await (await ctx.scheduler()).retry(id, optional('maxAttempts', integerOption(input, 'max-attempts', usage)));
    ctx.print(jobJson(job), () => `Retrying job ${ctx.colors.bold(job.id)} (${job.task}) now: attempt ${job.attempt + 1} of ${job.maxAttempts}`);
  },
};
