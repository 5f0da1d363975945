/**
 * Reads sundial's environment once, with messages that say which variable is missing or malformed and how to set
 * it. Used by `Scheduler.fromEnv()`, the Lambda handlers and the CLI (docs/architecture.md lists the variables).
 */
import { ConfigurationError } from './core/errors.ts';
import type { Precision } from './queue/types.ts';
import { SQS_MAX_DELAY_SEC } from './queue/sqs-limits.ts';

export interface SundialConfig {
  readonly tableName: string;
  /** Queue name → queue URL; always has `default`. */
  readonly queueUrls: Readonly<Record<string, string>>;
  /** Queue name → dead-letter queue URL (set for the consumer). */
  readonly deadLetterUrls: Readonly<Record<string, string>>;
  readonly shards: number;
  readonly lookaheadSec: number;
  readonly retentionDays: number;
  /**
   * Jobs due sooner than this after their writer's clock go straight to SQS; later ones wait in a bucket. The margin
   * `directHorizonSec − lookaheadSec` is what the sweeper's cursor tolerates of writer clock skew and index lag.
   */
  readonly directHorizonSec: number;
  /** `SUNDIAL_PRECISION`: how delays are rounded and whether the consumer waits the sub-second rest. */
  readonly precision: Precision;
}

export const DEFAULT_SHARDS = 8;
export const DEFAULT_LOOKAHEAD_SEC = 90;
export const MAX_LOOKAHEAD_SEC = 600;
export const DEFAULT_RETENTION_DAYS = 7;
/** CloudWatch namespace of sundial's metrics, when `POWERTOOLS_METRICS_NAMESPACE` is not set. */
export const DEFAULT_METRICS_NAMESPACE = 'Sundial';
/** The largest direct horizon: as long as SQS can hold a message. */
export const DEFAULT_DIRECT_HORIZON_SEC = SQS_MAX_DELAY_SEC;

/**
 * Parses the `SUNDIAL_*` variables. Reports every problem at once.
 */
export function readConfig(env: Record<string, string | undefined> = process.env): SundialConfig {
  const problems: string[] = [];
  const tableName = env.SUNDIAL_TABLE_NAME ?? '';
  if (!tableName) problems.push('SUNDIAL_TABLE_NAME is not set: set it to the table the SundialScheduler construct created.');
  const queueUrls = jsonMap(env, 'SUNDIAL_QUEUES', problems, true);
  if (queueUrls && !queueUrls.default) problems.push('SUNDIAL_QUEUES has no "default" queue: add {"default": "<queue url>"}.');
  const deadLetterUrls = jsonMap(env, 'SUNDIAL_DLQS', problems, false) ?? {};
  const shards = integer(env, 'SUNDIAL_SHARDS', DEFAULT_SHARDS, 1, 1000, problems);
  const lookaheadSec = integer(env, 'SUNDIAL_LOOKAHEAD_SECONDS', DEFAULT_LOOKAHEAD_SEC, 1, MAX_LOOKAHEAD_SEC, problems);
  const retentionDays = integer(env, 'SUNDIAL_RETENTION_DAYS', DEFAULT_RETENTION_DAYS, 1, 3650, problems);
  const directHorizonSec = integer(env, 'SUNDIAL_DIRECT_HORIZON_SECONDS', DEFAULT_DIRECT_HORIZON_SEC, 2, DEFAULT_DIRECT_HORIZON_SEC, problems);
  const precision = (env.SUNDIAL_PRECISION || 'millisecond') as Precision;
  if (precision !== 'millisecond' && precision !== 'second') {
    problems.push(`SUNDIAL_PRECISION is ${JSON.stringify(env.SUNDIAL_PRECISION)}: set it to "millisecond" (the default) or "second".`);
  }
  if (directHorizonSec <= lookaheadSec) {
    problems.push(
      `SUNDIAL_DIRECT_HORIZON_SECONDS (${directHorizonSec}) must exceed SUNDIAL_LOOKAHEAD_SECONDS (${lookaheadSec}): a job written behind the sweeper's cursor would never be sent`,
    );
  }
  if (problems.length > 0) {
    throw new ConfigurationError(`sundial is not configured:\n- ${problems.join('\n- ')}`);
  }
  return { tableName, queueUrls: queueUrls!, deadLetterUrls, shards, lookaheadSec, retentionDays, directHorizonSec, precision };
}

function jsonMap(
  env: Record<string, string | undefined>,
  name: string,
  problems: string[],
  required: boolean,
): Record<string, string> | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    if (required) problems.push(`${name} is not set: set it to a JSON object of queue name → URL, e.g. {"default":"https://…"}.`);
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && Object.values(parsed).every((v) => typeof v === 'string')) {
      return parsed as Record<string, string>;
    }
  } catch {
    // reported below
  }
  problems.push(`${name} is not a JSON object of strings (received ${JSON.stringify(raw)}).`);
  return undefined;
}

function integer(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (received ${JSON.stringify(raw)}).`);
    return fallback;
  }
  return value;
}
