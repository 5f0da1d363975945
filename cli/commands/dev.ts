/**
 * `sundial dev`: the local stack with the caller's task modules and the dashboard on a loopback port, until Ctrl-C. It
 * loads infra lazily, so the other commands start fast.
 */
import { resolve } from 'node:path';
import type { Command } from '../command.ts';
import { SDK_NODE_WARNING_SWITCH } from '../sdk-warnings.ts';

export const devCommand: Command = {
  name: 'dev',
  summary: 'run the local stack with your task modules until Ctrl-C',
  usage: 'sundial dev [--workers file.ts ...]',
  options: { workers: { type: 'string', multiple: true } },
  async run(ctx, input) {
    const workers = (input.values.workers as string[] | undefined) ?? [];
    const { startLocalStack } = await import('../../infra/local/index.ts');
    const stack = await startLocalStack({
      ...(workers.length ? { workers: workers.map((w) => resolve(w)) } : {}),
      // The functions' output is part of this command's: the same SDK warning stays out of it.
      functionEnvironment: { [SDK_NODE_WARNING_SWITCH]: 'true' },
      // Functions log to stderr: stdout is the command's own output (the environment, JSON with --json).
      onLog: (entry) => ctx.io.err(`[${entry.logicalId}] ${entry.line}`),
    });
    try {
      ctx.print({ env: stack.env }, () =>
        ['sundial local stack is up (Ctrl-C stops it). To use it from another shell:', ...Object.entries(stack.env).map(([k, v]) => `export ${k}='${v}'`)].join('\n'),
      );
      const [{ serveDashboardUntil }, { Scheduler }] = await Promise.all([
        import('../../dashboard/server/serve.ts'),
        import('../../lib/scheduler.ts'),
      ]);
      await serveDashboardUntil(Scheduler.fromEnv(stack.env), { env: stack.env }, ctx.json ? ctx.io.err : ctx.io.out, ctx.io.interrupted());
    } finally {
      await stack.stop();
    }
  },
};
