/**
 * Production density: the swept path with the production sweep interval (one sweep a minute, 60 s lookahead), at
 * several rates of swept jobs per second, measured on a bench stack of its own. Each rate is one window: its jobs are
 * written at once, due evenly over `windowSec` starting beyond the direct horizon, so every one is swept; the window's
 * SQS requests per job (empty receives left out) and its all-in cost are what the density study reports.
 */
import { Duration } from 'aws-cdk-lib';
import { benchRecord } from './fixtures/tasks.ts';
import { startBenchStack } from './bench-stack.ts';
import { pathCost, type FixedCost, type PathCost } from './cost.ts';
import { lateness, type PathLateness } from './precision.ts';
import { mapLimit } from './stats.ts';
import { runWindow } from './windows.ts';

export interface DensityPoint {
  readonly jobsPerSecond: number;
  readonly cost: PathCost;
  readonly lateness: PathLateness;
}

export interface DensityResult {
  readonly sweepIntervalSec: number;
  readonly windowSec: number;
  readonly points: readonly DensityPoint[];
}

const SWEEP_INTERVAL_SEC = 60;

/**
 * Runs one window per rate on a fresh stack with one-minute sweeps, and stops it.
 *
 * @example
 * ```ts
 * const density = await runDensity({ rates: [1, 10, 100], windowSec: 120, idle: fixed }, log);
 * density.points[1]!.cost.sqsRequests;
 * ```
 */
export async function runDensity(
  options: { rates: readonly number[]; windowSec: number; idle: FixedCost; pollerScaling: boolean },
  log: (line: string) => void,
): Promise<DensityResult> {
  log(`density: booting a stack with ${SWEEP_INTERVAL_SEC} s sweeps (the production interval)`);
  const bench = await startBenchStack({
    sweepEverySeconds: SWEEP_INTERVAL_SEC,
    props: { lookahead: Duration.seconds(SWEEP_INTERVAL_SEC), directHorizon: Duration.seconds(75) },
    pollerScaling: options.pollerScaling,
  });
  try {
    const points: DensityPoint[] = [];
    for (const rate of options.rates) {
      const count = Math.max(1, Math.round(rate * options.windowSec));
      log(`density: ${rate} swept jobs/s — ${count} jobs due over ${options.windowSec} s`);
      const window = await runWindow(bench, 'swept', { sweeper: true }, async () => {
        const firstDueAtMs = Date.now() + (bench.directHorizonSec + 5) * 1_000 + (count / 1_500) * 1_000;
        const items = Array.from({ length: count }, (_, i) => ({
          task: benchRecord.name,
          payload: {},
          options: { at: new Date(firstDueAtMs + Math.floor((i * options.windowSec * 1_000) / count)) },
        }));
        const slices = Array.from({ length: Math.ceil(count / 1_000) }, (_, s) => items.slice(s * 1_000, (s + 1) * 1_000));
        const written = (await mapLimit(slices, 4, (slice) => bench.scheduler.enqueueMany(slice))).flat();
        const ids = written.flatMap((r) => (r.ok ? [r.job.id] : []));
        return { ids, lastDueAtMs: firstDueAtMs + options.windowSec * 1_000 };
      });
      points.push({ jobsPerSecond: rate, cost: pathCost(window, options.idle, bench.functions), lateness: lateness(window) });
    }
    return { sweepIntervalSec: SWEEP_INTERVAL_SEC, windowSec: options.windowSec, points };
  } finally {
    await bench.stop();
  }
}
