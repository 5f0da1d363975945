/** `sundial dispatch pause|resume|status`: switch all dispatch through the sweeper's EventBridge Scheduler trigger. */
import { schedulerClient } from '../../lib/aws-clients.ts';
import { dispatchControlFromEnv, dispatchStatus, pauseDispatch, resumeDispatch } from '../../lib/sweeper/dispatch-control.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';

const usage = 'sundial dispatch pause|resume|status';
const ACTIONS = { pause: pauseDispatch, resume: resumeDispatch, status: dispatchStatus } as const;

export const dispatchCommand: Command = {
  name: 'dispatch',
  summary: "pause, resume or show ALL dispatch (the sweeper's EventBridge Scheduler trigger)",
  usage,
  completes: { words: Object.keys(ACTIONS) },
  async run(ctx, input) {
    const action = input.positionals[0] ?? '';
    if (!(action in ACTIONS)) throw new UsageError(`dispatch takes pause, resume or status (received ${JSON.stringify(action)})`, usage);
    const env = await ctx.deploymentEnv();
    const status = await ACTIONS[action as keyof typeof ACTIONS](dispatchControlFromEnv(schedulerClient(env), env));
    ctx.print(status, () => {
      const state = status.state === 'running' ? ctx.colors.green('running') : ctx.colors.yellow('paused');
      return `Dispatch is ${state} (trigger ${status.groupName}/${status.scheduleName}, ${status.scheduleExpression})`;
    });
  },
};
