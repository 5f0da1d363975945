/**
 * The bench stack's timing, shared by the full run (`run.ts`) and the single-path runs (`paths.ts`): sweeps every 5 s
 * with a 60 s lookahead, writers with a 75 s direct horizon (docs/performance.md, "How it measures"), and the recurring
 * window's schedules.
 */
export const BENCH_SETTINGS = { sweepEverySeconds: 5, lookaheadSec: 60, directHorizonSec: 75, occurrenceEverySec: 5, occurrenceRuns: 3 } as const;
