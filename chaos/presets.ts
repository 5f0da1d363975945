/**
 * The chaos run's sizes: `full` (`npm run chaos`), `quick` (`npm run chaos -- --quick`, under 4 minutes here) and
 * `small` (the `npm test` version). All share the same faults; they differ in jobs, spread and windows.
 *
 * Settings that every size shares, and why:
 * - writers' clocks at −120 s, 0 and +120 s;
 * - `directHorizon` 240 s with `lookahead` 60 s: the sweeper's cursor tolerates horizon − lookahead = 180 s of writer
 *   skew plus write latency, more than the 120 s of skew and 40 s of held writes injected (production: 900 − 90 =
 *   810 s). With 200 s (140 s of tolerance) a swept job written by the −120 s writer and held 40 s landed behind the
 *   cursor: 2 of 10,000 were lost, as the documented envelope says they may be;
 * - 5 % of calls refused (throttling, 500, 503), three sweepers every 3 s, sweepers and consumers SIGKILLed;
 * - 1 % of calls applied and then answered with a 500 (`lost-response`), so the SDK sends a write that committed
 *   again: before lease tokens, the quick run lost 7 jobs and left 12 running forever at 2 % (seed 1).
 */
import type { ChaosConfig } from './run.ts';

const SHARED = {
  skewsSec: [-120, 0, 120],
  directHorizonSec: 240,
  lookaheadSec: 60,
} as const;

const MIX = { swept: 0.15, transact: 0.08, 'transact-items': 0.07, retried: 0.1, large: 0.02 } as const;

/**
 * A preset, with `jobs` and `seed` overridable from the command line.
 *
 * @example
 * ```ts
 * const config = chaosPreset('quick', { seed: 7 });
 * ```
 */
export function chaosPreset(
  size: 'full' | 'quick' | 'small',
  overrides: { jobs?: number; seed?: number; lostResponseRate?: number; log?: (line: string) => void } = {},
): ChaosConfig {
  const config = presetOf(size, overrides);
  return overrides.lostResponseRate === undefined ? config : { ...config, faults: { ...config.faults, lostResponseRate: overrides.lostResponseRate } };
}

function presetOf(size: 'full' | 'quick' | 'small', overrides: { jobs?: number; seed?: number; log?: (line: string) => void }): ChaosConfig {
  const seed = overrides.seed ?? 1;
  const log = overrides.log ? { log: overrides.log } : {};
  if (size === 'small') {
    return {
      // Seconds-long horizons keep the run short (the local sweeper fires every 3 s): 45 s of horizon with 6 s of
      // lookahead give the cursor 39 s of tolerance, more than the 30 s of skew; no held writes here.
      workload: { directHorizonSec: 45, lookaheadSec: 6, jobs: overrides.jobs ?? 150, schedules: 2, everySec: 5, spanSec: 30, mix: MIX, sweptMaxSkewSec: -30, seed, skewsSec: [-30, 0] },
      faults: { errorRate: 0.05, lostResponseRate: 0.01 },
      disruptions: { consumerKillEverySec: 10, sweeperKillEverySec: 12, extraSweepers: 2, sweepEverySec: 3, sqsOutage: { atSec: 15, downMs: 8_000 } },
      recoveryWindowSec: 60,
      writeConcurrency: 6,
      ...log,
    };
  }
  // The quick and full runs also hold back 1 % of the writers' job writes by 40 s (an `enqueueMany` under load) and
  // write jobs whose result does not fit in the item: both are defects of the issue this suite guards.
  const defects = { mix: { ...MIX, oversize: 0.01 }, faults: { errorRate: 0.05, lostResponseRate: 0.01, lagRate: 0.01, lagMs: 40_000 } };
  if (size === 'quick') {
    return {
      workload: { ...SHARED, jobs: overrides.jobs ?? 500, schedules: 3, everySec: 10, spanSec: 40, mix: defects.mix, sweptMaxSkewSec: -120, seed },
      faults: defects.faults,
      disruptions: { consumerKillEverySec: 10, sweeperKillEverySec: 12, extraSweepers: 2, sweepEverySec: 3, sqsOutage: { atSec: 40, downMs: 15_000 } },
      recoveryWindowSec: 90,
      writeConcurrency: 8,
      ...log,
    };
  }
  return {
    workload: { ...SHARED, jobs: overrides.jobs ?? 10_000, schedules: 10, everySec: 10, spanSec: 180, mix: defects.mix, seed },
    faults: defects.faults,
    disruptions: { consumerKillEverySec: 8, sweeperKillEverySec: 15, extraSweepers: 2, sweepEverySec: 3, sqsOutage: { atSec: 90, downMs: 20_000 } },
    recoveryWindowSec: 180,
    writeConcurrency: 8,
    ...log,
  };
}
