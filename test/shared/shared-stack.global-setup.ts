/**
 * Boots ONE local stack (synth + esbuild + DynamoDB Local + the SQS emulator) for every file of the `integration`
 * project, and hands its environment to them through `provide`/`inject`. Test files run in worker processes, so they
 * see the stack only through its endpoints; what they need of it must be serializable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalStack, type LocalStack } from '../../infra/local/local-stack.ts';
import { Scheduler } from '../../lib/index.ts';
import { SHARED_HORIZONS, SHARED_STACK_PROPS, SHARED_WORKERS, SWEEP_EVERY_SECONDS } from './stack-config.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Environment of the shared local stack: what `Scheduler.fromEnv()` reads. Empty when the boot failed. */
    sharedStackEnv: Record<string, string>;
    /** Why the shared stack could not boot; every integration file then fails with it (unit files still run). */
    sharedStackError: string;
  }
}

/** Boots tried before giving up: a JVM that does not answer in time on a loaded machine usually does on a retry. */
const BOOT_ATTEMPTS = 2;

const lines: string[] = [];

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let stack: LocalStack | undefined;
  const errors: string[] = [];
  for (let attempt = 1; attempt <= BOOT_ATTEMPTS && stack === undefined; attempt++) {
    try {
      stack = await bootWarm();
    } catch (error) {
      errors.push(`boot ${attempt}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  // A failed boot must not stop the unit project: the error is handed to the integration files, which fail with it.
  project.provide('sharedStackEnv', stack ? { ...stack.env } : {});
  project.provide('sharedStackError', stack ? '' : `The shared local stack did not boot: ${errors.join('; ')}`);
  return async () => {
    await stack?.stop();
    if (process.env.SUNDIAL_TEST_LOGS) console.log(lines.join('\n'));
  };
}

async function bootWarm(): Promise<LocalStack> {
  const stack = await startLocalStack({
    workers: SHARED_WORKERS,
    sweepEverySeconds: SWEEP_EVERY_SECONDS,
    horizons: SHARED_HORIZONS,
    props: SHARED_STACK_PROPS,
    // AWS-like poller scaling adds a Node process per extra batch: on 2 cores shared with the other test files, five
    // batches keep the functions responsive (the bench measures scaling).
    pollerScaling: false,
    // Handler output is kept for diagnosis (SUNDIAL_TEST_LOGS=1 prints it at the end) without flooding the run.
    onLog: (entry) => {
      lines.push(`[${entry.logicalId}] ${entry.line}`);
      if (lines.length > 5000) lines.shift();
    },
  });
  try {
    await warmUp(stack);
    return stack;
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

/**
 * Runs one job end to end before any test starts: proof that the stack works, and the consumer's cold start (process
 * spawn and module load, as on Lambda) is paid here rather than inside the first test's wait.
 */
async function warmUp(stack: LocalStack): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sundial-warm-up-'));
  const scheduler = Scheduler.fromEnv(stack.env);
  try {
    const job = await scheduler.enqueue('record', { log: join(dir, 'runs.jsonl'), tag: 'warm-up' });
    const deadline = Date.now() + 300_000; // a readiness bound: a loaded 2-core machine can take minutes
    while ((await scheduler.get(job.id)).state !== 'completed') {
      if (Date.now() > deadline) throw new Error(`the shared stack did not run its warm-up job ${job.id} within 300 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
