/**
 * `npm run bench -- --paths=recurring` (a comma-separated list of `recurring`, `recurring-production`, `eventbridge`):
 * boots the bench stack with the full run's settings (`recurring-production`: one sweep a minute, the production
 * interval, on a stack of its own), measures the idle sweeps (the fixed cost a window's sweeps are netted against) and
 * only the named paths' cost windows, prints one cost row per window and writes
 * `bench/results/paths-<names>-latest.json`. A fraction of the full run's time, for working on one path.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { startBenchStack } from './bench-stack.ts';
import { fixedCost, pathCost, type PathCost } from './cost.ts';
import { runEventBridgeWindows } from './eventbridge-path.ts';
import { benchRecord } from './fixtures/tasks.ts';
import { runRecurring, runRecurringOnePerAdvance, runRecurringSpawnedBySweeps } from './recurring.ts';
import { BENCH_SETTINGS } from './settings.ts';
import { distribution } from './stats.ts';
import { idleSweeps, type Window } from './windows.ts';

/** The production sweep interval (and lookahead) of `recurring-production`. */
const PRODUCTION_SWEEP_SEC = 60;

/** The paths `--paths` can name. */
export const SELECTABLE_PATHS = ['recurring', 'recurring-production', 'eventbridge'] as const;
export type SelectablePath = (typeof SELECTABLE_PATHS)[number];

/**
 * Measures the cost windows of `paths` on a fresh bench stack and prints them.
 *
 * @example
 * ```ts
 * await runPaths(['recurring'], { quick: true, log: console.log });
 * ```
 */
export async function runPaths(paths: readonly SelectablePath[], options: { quick: boolean; log: (line: string) => void }): Promise<void> {
  const { log } = options;
  const schedules = options.quick ? 5 : 20;
  const production = paths.includes('recurring-production');
  if (production && paths.length > 1) {
    console.error('--paths: recurring-production runs on a stack of its own (one sweep a minute); name it alone.');
    process.exit(2);
  }
  const sweepEverySeconds = production ? PRODUCTION_SWEEP_SEC : BENCH_SETTINGS.sweepEverySeconds;
  const lookaheadSec = production ? PRODUCTION_SWEEP_SEC : BENCH_SETTINGS.lookaheadSec;
  log(`paths ${paths.join(', ')}: booting the local stack (sweeps every ${sweepEverySeconds} s)`);
  const bench = await startBenchStack({
    sweepEverySeconds,
    pollerScaling: true,
    props: { lookahead: Duration.seconds(lookaheadSec), directHorizon: Duration.seconds(BENCH_SETTINGS.directHorizonSec) },
  });
  try {
    log('warm-up and calibration: 2 idle sweeps');
    const idle = await idleSweeps(bench, 2);
    const fixed = fixedCost(idle.usage, idle.sweeps, bench.functions, bench.customMetrics.size);
    const windows: Window[] = [];
    if (paths.includes('recurring')) {
      const sizes = { schedules, everySec: BENCH_SETTINGS.occurrenceEverySec, runs: BENCH_SETTINGS.occurrenceRuns };
      log(`recurring: ${schedules} schedules every ${sizes.everySec} s × ${sizes.runs} runs, created in the window`);
      windows.push(await runRecurring(bench, sizes));
      log(`recurring, 1 per advance: ${schedules} schedules every 60 s × 3 runs, overlap skip: each occurrence spawned by its own sweep`);
      windows.push(await runRecurringOnePerAdvance(bench, { schedules, everySec: 60, runs: 3 }, BENCH_SETTINGS.lookaheadSec));
    }
    if (production) {
      log(`recurring, 1-minute sweeps: ${schedules} schedules every 5 s × 36 runs, then every minute × 4 runs`);
      windows.push(await runRecurringSpawnedBySweeps(bench, 'recurring, every 5 s, 1-minute sweeps', { schedules, everySec: 5, runs: 36 }, { lookaheadSec, overlap: 'allow' }));
      windows.push(await runRecurringSpawnedBySweeps(bench, 'recurring, every minute, 1-minute sweeps', { schedules, everySec: 60, runs: 4 }, { lookaheadSec, overlap: 'allow' }));
      log(`recurring, cron every minute, 1-minute sweeps: ${schedules} schedules \`* * * * *\` × 4 runs (slots on whole minutes)`);
      windows.push(await runRecurringSpawnedBySweeps(bench, 'recurring, cron every minute, 1-minute sweeps', { schedules, everySec: 60, runs: 4 }, { lookaheadSec, overlap: 'allow', cron: '* * * * *' }));
    }
    if (paths.includes('eventbridge')) {
      log(`eventbridge: ${schedules * 4} events into the queue, as many through an ingest function`);
      windows.push(...(await runEventBridgeWindows(bench, benchRecord.name, schedules * 4)));
    }
    const costs = windows.map((w) => pathCost(w, fixed, bench.functions));
    console.log(`\n${renderCostRows(costs, windows)}\n`);
    const dir = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const file = `${dir}paths-${paths.join('-')}-latest.json`;
    writeFileSync(file, `${JSON.stringify({ startedAt: new Date().toISOString(), quick: options.quick, fixed, costs, windows: windows.map((w) => ({ path: w.path, jobs: w.jobs.length, unfinished: w.unfinished, usage: w.usage })) }, null, 2)}\n`);
    log(`results written to ${file}`);
  } finally {
    await bench.stop();
  }
}

/** One markdown row per window: units, requests and $ per million jobs. */
function renderCostRows(costs: readonly PathCost[], windows: readonly Window[]): string {
  const lines = [
    '| path | jobs (unfinished) | WCU | RCU (billed) | SQS requests | Lambda invocations | consumer billed ms per job | start − due p50 / p99 / max (ms) | $ per million | $ per million, consumer at 128 MB | requests per job |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  costs.forEach((c, i) => {
    const requests = Object.entries(c.requests).map(([key, n]) => `${key} ${n}`).join(', ');
    // A job's `startedAt` is its claim, made once the consumer's early wait is over: lateness as the consumer saw it.
    const lateness = distribution(windows[i]!.jobs.flatMap((job) => (job.startedAt ? [job.startedAt.getTime() - job.dueAt.getTime()] : [])));
    lines.push(
      `| ${c.path} | ${c.jobs} (${windows[i]!.unfinished}) | ${c.writeUnits} | ${c.readUnits} | ${c.sqsRequests} | ${c.lambdaInvocations} | ` +
        `${c.billedMs.consumer} | ${lateness.p50} / ${lateness.p99} / ${lateness.max} | ` +
        `$${c.usdPerMillion.toFixed(2)} | $${c.usdPerMillionAt128Mb.toFixed(2)} | ${requests} |`,
    );
  });
  return lines.join('\n');
}

/**
 * The `--paths=a,b` argument: undefined when absent; exits with a usage message for an unknown path.
 *
 * @example
 * ```ts
 * pathsArg(['--paths=recurring']); // ['recurring']
 * ```
 */
export function pathsArg(argv: readonly string[]): SelectablePath[] | undefined {
  const arg = argv.find((a) => a.startsWith('--paths='));
  if (arg === undefined) return undefined;
  const names = arg.slice('--paths='.length).split(',').filter((n) => n !== '');
  const unknown = names.filter((n) => !(SELECTABLE_PATHS as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    console.error(`--paths: received ${JSON.stringify(arg)}; expected a comma-separated list of ${SELECTABLE_PATHS.join(', ')}, e.g. --paths=recurring.`);
    process.exit(2);
  }
  return names as SelectablePath[];
}
