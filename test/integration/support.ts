/**
 * Shared set-up of the local-stack integration tests: one stack per test file (files run in parallel), the fixture
 * tasks bundled into its consumer, and helpers to read what the tasks recorded.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { startLocalStack, type LocalStack } from '../../infra/local/index.ts';
import { Scheduler } from '../../lib/index.ts';

export const FIXTURE_TASKS = fileURLToPath(new URL('./fixtures/tasks.ts', import.meta.url));

/**
 * Horizons that let both dispatch paths run within a test: jobs 75 s or more ahead take the swept path; the local
 * trigger sweeps every 2 s (the template's schedule stays at AWS's one-minute minimum, so the lookahead stays 60 s).
 */
export const DIRECT_HORIZON_SEC = 75;
export const TEST_PROPS = {
  lookahead: Duration.seconds(60),
  directHorizon: Duration.seconds(DIRECT_HORIZON_SEC),
  consumerTimeout: Duration.seconds(10),
  visibilityTimeout: Duration.seconds(12),
};

export interface Run {
  readonly id: string;
  readonly tag?: string;
  readonly attempt: number;
  readonly dueAtMs: number;
  readonly startedAtMs: number;
  readonly aborted?: boolean;
}

export interface TestStack {
  readonly stack: LocalStack;
  readonly scheduler: Scheduler;
  /** The file the fixture tasks append to; pass it as `log` in payloads. */
  readonly log: string;
  runs(): Run[];
  stop(): Promise<void>;
}

/**
 * Boots a local stack with the fixture tasks.
 *
 * @example
 * ```ts
 * const t = await bootTestStack();
 * await t.scheduler.enqueue('record', { log: t.log });
 * ```
 */
export async function bootTestStack(options: { sweepEverySeconds?: number; props?: Record<string, unknown> } = {}): Promise<TestStack> {
  const dir = mkdtempSync(join(tmpdir(), 'sundial-it-'));
  const log = join(dir, 'runs.jsonl');
  const lines: string[] = [];
  const stack = await startLocalStack({
    workers: [FIXTURE_TASKS],
    sweepEverySeconds: options.sweepEverySeconds ?? 2,
    props: { ...TEST_PROPS, ...options.props },
    // Keep handler output for failure diagnosis without flooding the test output.
    onLog: (entry) => {
      lines.push(`[${entry.logicalId}] ${entry.line}`);
      if (lines.length > 2000) lines.shift();
    },
  });
  const scheduler = Scheduler.fromEnv(stack.env);
  return {
    stack,
    scheduler,
    log,
    runs: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Run) : []),
    stop: async () => {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
      if (process.env.SUNDIAL_TEST_LOGS) console.log(lines.join('\n'));
    },
  };
}

/**
 * Polls `check` until it returns a value other than undefined, or throws after `timeoutMs` with `what` in the message.
 *
 * @example
 * ```ts
 * const job = await eventually(async () => { const j = await scheduler.get(id); return j.state === 'completed' ? j : undefined; }, 'job completed');
 * ```
 */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Sleeps with real timers (integration tests run real time end to end). */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Nearest-rank percentile of `values` (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}
