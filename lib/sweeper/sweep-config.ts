/**
 * The sweep's tuning: defaults, the mapping from sundial's environment, and validation that reports every problem.
 */
import { DEFAULT_RETENTION_DAYS, MAX_LOOKAHEAD_SEC, type SundialConfig } from '../config.ts';
import { ValidationError } from '../core/errors.ts';
import type { SweepConfig } from './types.ts';

/** An occurrence up to a minute late (a late or missed trigger) still fires normally; older ones are misfires. */
export const DEFAULT_MISFIRE_GRACE_SEC = 60;
/** Misfire `all` replays at most 10 missed occurrences per schedule (the most recent ones). */
export const DEFAULT_MAX_CATCH_UP = 10;
/** Entries per index query: big enough that a burst needs few queries, small enough to checkpoint often. */
export const DEFAULT_SWEEP_PAGE_SIZE = 500;
/** Largest page of one index query (DynamoDB stops at 1 MB anyway). */
export const MAX_SWEEP_PAGE_SIZE = 1000;

/**
 * The sweep configuration for sundial's environment (`SUNDIAL_SHARDS`, `SUNDIAL_LOOKAHEAD_SECONDS`), defaults for the rest.
 */
export function sweepConfigFrom(
  config: Pick<SundialConfig, 'shards' | 'lookaheadSec'> & Partial<Pick<SundialConfig, 'retentionDays'>>,
  overrides: Partial<SweepConfig> = {},
): SweepConfig {
  return {
    shards: config.shards,
    lookaheadSec: config.lookaheadSec,
    misfireGraceSec: DEFAULT_MISFIRE_GRACE_SEC,
    maxCatchUp: DEFAULT_MAX_CATCH_UP,
    pageSize: DEFAULT_SWEEP_PAGE_SIZE,
    retentionDays: config.retentionDays ?? DEFAULT_RETENTION_DAYS,
    ...overrides,
  };
}

/**
 * Problems with a sweep configuration, all at once; [] when it is valid. `storeShards` is the store's shard count,
 * which must match.
 */
export function sweepConfigProblems(config: SweepConfig, storeShards: number): string[] {
  const problems: string[] = [];
  const check = (field: keyof SweepConfig, min: number, max: number, why: string): void => {
    const value = config[field];
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`\`${field}\`: received ${JSON.stringify(value)}; expected a whole number from ${min} to ${max} (${why})`);
    }
  };
  check('shards', 1, 1000, 'the write shards of the table, SUNDIAL_SHARDS');
  check(
    'lookaheadSec',
    1,
    MAX_LOOKAHEAD_SEC,
    'one trigger period plus its jitter, e.g. 90; a longer window eats the 15-minute margin that absorbs writer clock skew',
  );
  check('misfireGraceSec', 0, 86_400, 'how late an occurrence may fire before it counts as missed, e.g. 60');
  check('maxCatchUp', 1, 1000, 'how many missed occurrences misfire `all` replays, e.g. 10');
  check('pageSize', 1, MAX_SWEEP_PAGE_SIZE, 'entries per index query, e.g. 500');
  if (Number.isInteger(config.shards) && config.shards !== storeShards) {
    problems.push(
      `\`shards\`: received ${config.shards} but the store has ${storeShards}; give both the same SUNDIAL_SHARDS, or the ` +
        'entries of the other shards are never swept',
    );
  }
  return problems;
}

/**
 * Throws one `ValidationError` listing every problem of `config`.
 */
export function validateSweepConfig(config: SweepConfig, storeShards: number): void {
  const problems = sweepConfigProblems(config, storeShards);
  if (problems.length > 0) throw new ValidationError(problems);
}
