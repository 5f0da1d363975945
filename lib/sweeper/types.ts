/**
 * What a sweep needs and what it reports. The sweep itself is in `sweep.ts`; docs/sweeper.md explains the algorithm.
 */
import type { Clock } from '../core/clock.ts';
import type { JobQueue } from '../queue/types.ts';
import type { JobStore } from '../store/types.ts';

/** Tuning of one sweep. `readSweepConfig` fills the defaults. */
export interface SweepConfig {
  /** Write shards of the `due` index; must equal the store's. */
  readonly shards: number;
  /** Jobs and occurrences due up to `now + lookaheadSec` are sent, with `DelaySeconds` for the rest. */
  readonly lookaheadSec: number;
  /** An occurrence older than `now − misfireGraceSec` counts as missed (downtime) and follows the misfire policy. */
  readonly misfireGraceSec: number;
  /** Misfire policy `all` replays at most this many missed occurrences per schedule. */
  readonly maxCatchUp: number;
  /** Entries per index query (1–1000). */
  readonly pageSize: number;
  /** How long an ended schedule is kept (its TTL), in days. */
  readonly retentionDays: number;
}

/** The subset of a logger the sweeper writes to; Powertools' `Logger` fits. */
export interface SweepLogger {
  info(message: string, ...extra: Array<Record<string, unknown>>): void;
  warn(message: string, ...extra: Array<Record<string, unknown>>): void;
  error(message: string, ...extra: Array<Record<string, unknown>>): void;
}

export interface SweepDeps {
  readonly store: JobStore;
  readonly queue: JobQueue;
  readonly clock: Clock;
  readonly config: SweepConfig;
  /** Identifies this sweep in the lease (the Lambda request id). */
  readonly owner: string;
  /**
   * Time left before the process is stopped (Lambda's `context.getRemainingTimeInMillis`). The lease is held that long,
   * and the sweep stops early, saving its cursors, when less than `CONTINUATION_RESERVE_MS` is left.
   * @default - a budget of `DEFAULT_SWEEP_BUDGET_MS` measured on `clock`
   */
  readonly remainingTimeMs?: () => number;
  readonly logger?: SweepLogger;
}

/** Something that went wrong in one part of a sweep; the other parts went on. */
export interface SweepFailure {
  readonly scope: 'bucket' | 'lane' | 'tick' | 'schedule' | 'checkpoint';
  readonly shard?: number;
  /** The job or schedule concerned, when one is. */
  readonly id?: string;
  readonly message: string;
}

/** What one sweep did. */
export interface SweepReport {
  /** The sweep did nothing: another sweep holds the lease (a double-fired or overlapping trigger). */
  readonly skipped: boolean;
  /** The sweep stopped early (time ran low, or its lease was taken over); the next one resumes from the cursors. */
  readonly continued: boolean;
  /** Another sweep took over after this one's lease expired; this one stopped without saving. */
  readonly leaseLost: boolean;
  /** The sweep's `now` and the end of its window (`now + lookahead`). */
  readonly nowMs: number;
  readonly untilMs: number;
  /** Job messages sent (bucket and lane jobs, and occurrences). */
  readonly sent: number;
  /** Occurrence jobs created from recurring schedules. */
  readonly spawned: number;
  /** Occurrences not run: dropped by the misfire policy, or skipped by overlap `skip`. */
  readonly occurrencesSkipped: number;
  /** Bucket partitions visited (one shard's minute counts once). */
  readonly bucketsRead: number;
  /** Queries made (bucket, lane and tick pages, and schedule pages of a recovery). */
  readonly pagesRead: number;
  readonly failures: readonly SweepFailure[];
}
