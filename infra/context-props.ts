/**
 * CDK context → `SundialSchedulerProps`, so `npx cdk synth -c shards=16` (strings) and `cdk.json`'s "context"
 * (JSON values) configure the app the same way. The construct validates ranges; this only parses.
 */
import { Duration } from 'aws-cdk-lib';
import { ValidationError } from '../lib/core/errors.ts';
import type { SundialQueueOptions, SundialSchedulerProps } from './sundial-scheduler.ts';

/** Context keys with a number value, and how each becomes a prop. */
const NUMBER_KEYS = {
  shards: (n: number) => ({ shards: n }),
  maxReceiveCount: (n: number) => ({ maxReceiveCount: n }),
  consumerMemorySize: (n: number) => ({ consumerMemorySize: n }),
  sweeperMemorySize: (n: number) => ({ sweeperMemorySize: n }),
  consumerTimeoutSeconds: (n: number) => ({ consumerTimeout: Duration.seconds(n) }),
  sweeperTimeoutSeconds: (n: number) => ({ sweeperTimeout: Duration.seconds(n) }),
  visibilityTimeoutSeconds: (n: number) => ({ visibilityTimeout: Duration.seconds(n) }),
  lookaheadSeconds: (n: number) => ({ lookahead: Duration.seconds(n) }),
  sweepIntervalMinutes: (n: number) => ({ sweepInterval: Duration.minutes(n) }),
  retentionDays: (n: number) => ({ retention: Duration.days(n) }),
} satisfies Record<string, (n: number) => Partial<SundialSchedulerProps>>;

/** Every context key the app reads (besides `stackName`). */
export const CONTEXT_KEYS = ['tasksEntry', 'queues', ...Object.keys(NUMBER_KEYS)] as const;

/**
 * Reads the scheduler's props from context. `tasksEntry` is a path, a comma-separated list or a JSON array;
 * `queues` a JSON object (or an object in cdk.json); the rest numbers. Reports every unreadable value at once.
 *
 * @example
 * ```ts
 * const props = schedulerPropsFromContext((key) => app.node.tryGetContext(key));
 * // -c shards=16 -c queues='{"default":{},"emails":{"maxConcurrency":5}}' → { shards: 16, queues: {...} }
 * ```
 */
export function schedulerPropsFromContext(get: (key: string) => unknown): Partial<SundialSchedulerProps> {
  const problems: string[] = [];
  let props: Partial<SundialSchedulerProps> = {};

  const tasks = get('tasksEntry');
  if (tasks !== undefined) {
    const list = parseJsonIfString(tasks, (s) => (s.trim().startsWith('[') ? undefined : s.split(',').map((p) => p.trim())));
    if (Array.isArray(list) && list.length > 0 && list.every((p) => typeof p === 'string')) props = { ...props, tasksEntry: list };
    else problems.push(`context \`tasksEntry\`: received ${JSON.stringify(tasks)}; expected a path, comma-separated paths or a JSON array of paths, e.g. -c tasksEntry=src/tasks.ts.`);
  }

  const queues = get('queues');
  if (queues !== undefined) {
    const parsed = parseJsonIfString(queues);
    if (isQueueMap(parsed)) props = { ...props, queues: parsed };
    else problems.push(`context \`queues\`: received ${JSON.stringify(queues)}; expected a JSON object of queue name → { maxConcurrency?, batchSize? }, e.g. -c queues='{"default":{},"emails":{"maxConcurrency":5}}'.`);
  }

  for (const [key, toProps] of Object.entries(NUMBER_KEYS)) {
    const raw = get(key);
    if (raw === undefined) continue;
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    if (Number.isFinite(n)) props = { ...props, ...toProps(n) };
    else problems.push(`context \`${key}\`: received ${JSON.stringify(raw)}; expected a number, e.g. -c ${key}=10.`);
  }

  if (problems.length > 0) throw new ValidationError(problems);
  return props;
}

/** Context from the command line is a string; from cdk.json it may already be JSON. */
function parseJsonIfString(value: unknown, fallback?: (s: string) => unknown): unknown {
  if (typeof value !== 'string') return value;
  const plain = fallback?.(value);
  if (plain !== undefined) return plain;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function isQueueMap(value: unknown): value is Record<string, SundialQueueOptions> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.values(value).every(
    (options) =>
      !!options &&
      typeof options === 'object' &&
      !Array.isArray(options) &&
      Object.entries(options).every(([k, v]) => (k === 'maxConcurrency' || k === 'batchSize') && typeof v === 'number'),
  );
}
