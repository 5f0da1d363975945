/**
 * State shared by the parts of one sweep (bucket and lane sweeps of every shard): the fixed window, the cursors, the
 * counters of the report and the stop signal.
 */
import type { CursorBook } from './cursor-book.ts';
import type { SweepDeps, SweepFailure } from './types.ts';

/** Counters that become the `SweepReport`. */
export interface SweepCounters {
  sent: number;
  spawned: number;
  occurrencesSkipped: number;
  bucketsRead: number;
  pagesRead: number;
}

/**
 * Counters at zero, for a new sweep (or a spawn outside one).
 */
export function emptyCounters(): SweepCounters {
  return { sent: 0, spawned: 0, occurrencesSkipped: 0, bucketsRead: 0, pagesRead: 0 };
}

export interface SweepContext {
  readonly deps: SweepDeps;
  /** The sweep's `now`: window and misfire decisions use it; message delays use the clock at each send. */
  readonly nowMs: number;
  /** `nowMs + lookahead`: nothing due later is read. */
  readonly untilMs: number;
  /** `untilMs`: a schedule's next run after it may wait on a tick (no tick cursor is past the window of the lease holder). */
  readonly ticksAfterMs: number;
  readonly book: CursorBook;
  readonly counters: SweepCounters;
  readonly failures: SweepFailure[];
  /** True once the sweep must wrap up: time is running low or the lease was lost. */
  shouldStop(): boolean;
}

/**
 * Records a failure of one part of the sweep and logs it; the other parts go on.
 */
export function recordFailure(ctx: SweepContext, where: Omit<SweepFailure, 'message'>, error: unknown): void {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  ctx.failures.push({ ...where, message });
  ctx.deps.logger?.error('sweep step failed; it is retried by the next sweep', { ...where, error: message });
}
