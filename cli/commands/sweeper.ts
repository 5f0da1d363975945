/** `sundial sweeper pause|resume|status`: switch the sweeper's EventBridge Scheduler trigger off and on. */
import { schedulerClient } from '../../lib/aws-clients.ts';
import { pauseSweeper, resumeSweeper, sweeperStatus, sweeperTriggerFromEnv } from '../../lib/sweeper/sweeper-trigger.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';

const usage = 'sundial sweeper pause|resume|status';
const ACTIONS = { pause: pauseSweeper, resume: resumeSweeper, status: sweeperStatus } as const;

export const sweeperCommand: Command = {
  name: 'sweeper',
  summary: "pause, resume or show the sweeper (its EventBridge Scheduler trigger): nothing waiting in the table is sent while paused",
  usage,
  completes: { words: Object.keys(ACTIONS) },
  async run(ctx, input) {
    const action = input.positionals[0] ?? '';
    if (!(action in ACTIONS)) throw new UsageError(`sweeper takes pause, resume or status (received ${JSON.stringify(action)})`, usage);
    const env = await ctx.deploymentEnv();
    const status = await ACTIONS[action as keyof typeof ACTIONS](sweeperTriggerFromEnv(schedulerClient(env), env));
    ctx.print(status, () => {
      const state = status.state === 'running' ? ctx.colors.green('running') : ctx.colors.yellow('paused');
      return `The sweeper is ${state} (trigger ${status.groupName}/${status.scheduleName}, ${status.scheduleExpression})`;
    });
  },
};

/**
 * The command's former name, `sundial dispatch …`, kept for existing scripts: it says so on stderr (stdout stays what
 * scripts parse) and runs `sundial sweeper …`. Not listed in help or completion; will be removed in 1.0.
 */
export const deprecatedDispatchCommand: Command = {
  ...sweeperCommand,
  name: 'dispatch',
  usage: 'sundial dispatch pause|resume|status (deprecated: use sundial sweeper pause|resume|status)',
  async run(ctx, input) {
    ctx.io.err('sundial: `dispatch` is deprecated and will be removed in 1.0; use `sundial sweeper` (same actions and output).');
    return sweeperCommand.run(ctx, input);
  },
};
