/**
 * `sundial dev`: the local stack with the caller's task modules, until Ctrl-C. The CLI sits above every layer
 * (DESIGN §1); it loads infra lazily so the other commands start fast.
 */
import { resolve } from 'node:path';

/**
 * Starts the local stack with `workers` (task module paths) and prints the environment to use it from elsewhere.
 *
 * @example
 * ```ts
 * await runDev(['src/tasks.ts'], console.log);
 * ```
 */
export async function runDev(workers: string[], out: (line: string) => void): Promise<void> {
  const { startLocalStack } = await import('../infra/local/index.ts');
  const stack = await startLocalStack({ ...(workers.length ? { workers: workers.map((w) => resolve(w)) } : {}) });
  out('sundial local stack is up. To use it from another shell:');
  for (const [key, value] of Object.entries(stack.env)) out(`export ${key}='${value}'`);
  const { serveDashboardUntilSignal } = await import('../dashboard/server/serve.ts');
  const { Scheduler } = await import('../lib/scheduler.ts');
  await serveDashboardUntilSignal(Scheduler.fromEnv(stack.env), { env: stack.env }, out);
  await stack.stop();
}
