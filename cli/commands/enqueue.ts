/** `sundial enqueue <task> [payload-json]`: one job, now, in a while or at an instant. */
import type { EnqueueOptions } from '../../lib/options.ts';
import { integerOption, jsonArgument, requiredArgument, stringOption, type Command } from '../command.ts';
import { relative, wallTime } from '../format/time.ts';
import { jobJson } from '../format/json.ts';

const usage = 'sundial enqueue <task> [payload-json] [--in 5m | --at ISO] [--unique KEY] [--queue Q] [--max-attempts N]';

export const enqueueCommand: Command = {
  name: 'enqueue',
  summary: 'enqueue one job (now, --in a duration, or --at an instant)',
  usage,
  options: {
    in: { type: 'string' }, at: { type: 'string' }, unique: { type: 'string' }, queue: { type: 'string' },
    'max-attempts': { type: 'string' },
  },
  async run(ctx, input) {
    const task = requiredArgument(input, 0, 'task', usage);
    const payload = jsonArgument(input.positionals[1], 'payload-json', usage) ?? {};
    const maxAttempts = integerOption(input, 'max-attempts', usage);
    const options: EnqueueOptions = {
      ...optional('in', stringOption(input, 'in')),
      ...optional('at', stringOption(input, 'at')),
      ...optional('unique', stringOption(input, 'unique')),
      ...optional('queue', stringOption(input, 'queue')),
      ...optional('maxAttempts', maxAttempts),
    };
    const job = await (await ctx.scheduler()).enqueue(task, payload, options);
    const dueMs = job.dueAt.getTime();
    ctx.print(jobJson(job), () => `Enqueued job ${ctx.colors.bold(job.id)} (${job.task}), due ${wallTime(dueMs, ctx.zone)} (${relative(dueMs, ctx.io.nowMs())})`);
  },
};

/**
 * `{ [key]: value }` when the value is set, else `{}`: options the caller did not give stay absent, so the library's
 * defaults (and its "exactly one of" checks) apply.
 *
 * @example
 * ```ts
 * ({ ...optional('in', flags.in) }); // {} when --in was not given
 * ```
 */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
