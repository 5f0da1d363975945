/**
 * Shared set-up of the local-stack integration tests: every file uses the ONE stack the integration project's global
 * setup boots (test/shared/), with a run log of its own, and helpers to read what the fixture tasks recorded.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { dynamodbClient } from '../../lib/aws-clients.ts';
import { Scheduler } from '../../lib/index.ts';

export { DIRECT_HORIZON_SEC, LOOKAHEAD_SEC, VISIBILITY_TIMEOUT_SEC } from '../shared/stack-config.ts';

export interface Run {
  readonly id: string;
  readonly tag?: string;
  readonly attempt: number;
  readonly dueAtMs: number;
  readonly startedAtMs: number;
  readonly aborted?: boolean;
}

export interface TestStack {
  /** The shared stack's environment (endpoint, credentials, table, queue URLs). */
  readonly env: Readonly<Record<string, string>>;
  readonly scheduler: Scheduler;
  /** The file the fixture tasks append to; pass it as `log` in payloads. */
  readonly log: string;
  runs(): Run[];
  /** Removes this file's log; the stack itself stops when the whole run ends. */
  stop(): Promise<void>;
}

/**
 * The shared local stack's environment, as the global setup provided it; throws why it did not boot, if it did not.
 *
 * @example
 * ```ts
 * const dynamodb = dynamodbClient(sharedStackEnv());
 * ```
 */
export function sharedStackEnv(): Readonly<Record<string, string>> {
  const error = inject('sharedStackError');
  if (error) throw new Error(error);
  return inject('sharedStackEnv');
}

/**
 * This file's handle on the shared local stack: a scheduler and a run log of its own.
 *
 * @example
 * ```ts
 * const t = useSharedStack();
 * await t.scheduler.enqueue('record', { log: t.log });
 * ```
 */
export function useSharedStack(): TestStack {
  const env = sharedStackEnv();
  const dir = mkdtempSync(join(tmpdir(), 'sundial-it-'));
  const log = join(dir, 'runs.jsonl');
  return {
    env,
    scheduler: Scheduler.fromEnv(env),
    log,
    runs: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Run) : []),
    stop: async () => rmSync(dir, { recursive: true, force: true }),
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

/**
 * The positive signal that replaces "sleep, then check that nothing ran": enqueues a control job `inSec` from now
 * (through `enqueue`, or a caller's own transaction with `via: 'transaction'`, which only a sweep sends) and waits
 * until it has run. Anything due before it, on the same path, has had its chance to run by then.
 *
 * @example
 * ```ts
 * await ranControl(t, { inSec: 3 });
 * expect(t.runs().some((r) => r.id === cancelled.id)).toBe(false);
 * ```
 */
export async function ranControl(t: TestStack, options: { inSec?: number; via?: 'enqueue' | 'transaction' } = {}): Promise<Run> {
  let id: string;
  if (options.via === 'transaction') {
    const items = t.scheduler.transactItems('record', { log: t.log, tag: 'control' }, { in: options.inSec ?? 0 });
    const dynamodb = dynamodbClient(t.env);
    await dynamodb.send(new TransactWriteItemsCommand({ TransactItems: items }));
    dynamodb.destroy();
    id = items[0]!.Put!.Item!.sk!.S!;
  } else {
    id = (await t.scheduler.enqueue('record', { log: t.log, tag: 'control' }, { in: options.inSec ?? 0 })).id;
  }
  return await eventually(() => t.runs().find((r) => r.id === id), `control job ${id} ran`);
}

/** Nearest-rank percentile of `values` (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}
