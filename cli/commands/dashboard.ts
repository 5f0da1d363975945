/**
 * `sundial dashboard`: the dashboard on a loopback port for the deployment the environment (or `--stack`) names, until
 * Ctrl-C. Loaded lazily, so other commands start fast.
 */
import { integerOption, type Command } from '../command.ts';

export const dashboardCommand: Command = {
  name: 'dashboard',
  summary: 'serve the dashboard on 127.0.0.1 for the deployment until Ctrl-C',
  usage: 'sundial dashboard [--port N] [--read-only]',
  options: { port: { type: 'string' }, 'read-only': { type: 'boolean' } },
  async run(ctx, input) {
    const port = integerOption(input, 'port', this.usage);
    const readOnly = input.values['read-only'] === true;
    const { serveDashboardUntil } = await import('../../dashboard/server/serve.ts');
    await serveDashboardUntil(await ctx.scheduler(), { port, readOnly, env: await ctx.deploymentEnv() }, ctx.json ? ctx.io.err : ctx.io.out, ctx.io.interrupted());
  },
};
