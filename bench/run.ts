/**
 * `npm run bench` (`-- --quick` for a small run): boots the local stack with real timers and measures precision, cost
 * per job and scale; prints the tables beside the anchors, writes `bench/results/<mode>-latest.json`, and after a full
 * run rewrites the results section of docs/performance.md. It judges the targets and never fails on them: benchmarks
 * print numbers, tests assert behaviour.
 */
import { cpus } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { benchFailOnce, benchOccurrence, benchRecord } from './fixtures/tasks.ts';
import { startBenchStack, type BenchStack } from './bench-stack.ts';
import { fixedCost, pathCost } from './cost.ts';
import { lateness, triggerJitter } from './precision.ts';
import { judgeTargets, renderTables, type BenchResults } from './report.ts';
import { runScale, type ScaleResult, type ScaleSizes } from './scale.ts';
import { mapLimit } from './stats.ts';
import { idleSweeps, runWindow, type Window } from './windows.ts';

const quick = process.argv.includes('--quick');
const SIZES = quick
  ? { jobs: 100, perPath: 20, schedules: 5, direct: [2, 12], swept: [76, 82] }
  : { jobs: 2_000, perPath: 100, schedules: 20, direct: [2, 70], swept: [80, 200] };
const SCALE: ScaleSizes = quick
  ? { futureJobs: 10_000, dueJobs: 100, dispatchJobs: 1_000, rateJobs: 5_000 }
  : { futureJobs: 100_000, dueJobs: 100, dispatchJobs: 5_000, rateJobs: 20_000 };
const SETTINGS = { sweepEverySeconds: 5, lookaheadSec: 60, directHorizonSec: 75, occurrenceEverySec: 5, occurrenceRuns: 3 };
const CALLER_CONCURRENCY = 16;

const startedAt = Date.now();
const log = (line: string) => console.log(`[bench ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(3)} s] ${line}`);
const uniform = ([lo, hi]: readonly number[], i: number, n: number) => lo! + ((hi! - lo!) * (i + 0.5)) / n;
/** Due times spread evenly over the range, in shuffled order, so enqueue order does not follow due order. */
const horizonsSec = (range: readonly number[], n: number) =>
  Array.from({ length: n }, (_, i) => uniform(range, (i * 7919) % n, n));

log(`mode ${quick ? 'quick' : 'full'}: booting the local stack (DynamoDB Local, SQS emulator, bundled handlers)`);
const bench = await startBenchStack({
  sweepEverySeconds: SETTINGS.sweepEverySeconds,
  props: { lookahead: Duration.seconds(SETTINGS.lookaheadSec), directHorizon: Duration.seconds(SETTINGS.directHorizonSec) },
});
let exitCode = 0;
try {
  log(`stack up in ${bench.stack.bootMs} ms; deployed SUNDIAL_DIRECT_HORIZON_SECONDS=${bench.deployedDirectHorizonSec}, bench writers use ${bench.directHorizonSec} s`);
  const enqueueIn = (task: string, secs: readonly number[]) =>
    mapLimit(secs, CALLER_CONCURRENCY, (s) => bench.scheduler.enqueue(task, { s }, { in: `${Math.round(s * 1000)}ms` }));
  const windowOf = async (jobs: ReadonlyArray<{ id: string; dueAt: Date }>) => ({
    ids: jobs.map((j) => j.id),
    lastDueAtMs: Math.max(...jobs.map((j) => j.dueAt.getTime())),
  });

  log('warm-up: 8 jobs, so the consumer environments exist before anything is measured');
  await runWindow(bench, 'direct', { sweeper: false }, async () => windowOf(await enqueueIn(benchRecord.name, Array(8).fill(1))));
  log('calibration: 3 idle sweeps');
  const idle = await idleSweeps(bench, 3);
  const fixed = fixedCost(idle.usage, idle.sweeps);

  const half = SIZES.jobs / 2;
  log(`precision + cost, swept path: ${half} jobs due in ${SIZES.swept[0]}–${SIZES.swept[1]} s`);
  let scalePromise: Promise<ScaleResult> | undefined;
  const swept = await runWindow(bench, 'swept', { sweeper: true }, async () => {
    const created = await windowOf(await enqueueIn(benchRecord.name, horizonsSec(SIZES.swept, half)));
    // The quick run measures scale while the swept jobs wait (in this process, on other tables and its own meter).
    if (quick) scalePromise = runScale(bench, SCALE, log);
    return created;
  });
  log(`precision + cost, direct path: ${half} jobs due in ${SIZES.direct[0]}–${SIZES.direct[1]} s`);
  const direct = await runWindow(bench, 'direct', { sweeper: false }, async () =>
    windowOf(await enqueueIn(benchRecord.name, horizonsSec(SIZES.direct, half))),
  );
  log(`cost, transactional path: ${SIZES.perPath} jobs via transact()`);
  const transactional = await runWindow(bench, 'transactional', { sweeper: false }, async () =>
    windowOf(
      (await mapLimit(Array(SIZES.perPath).fill(0), CALLER_CONCURRENCY, () =>
        bench.scheduler.transact([], [{ task: benchRecord.name, payload: {}, options: { in: 2 } }]),
      )).flat(),
    ),
  );
  log(`cost, retried path: ${SIZES.perPath} jobs failing once, retried 1 s later`);
  const retried = await runWindow(bench, 'retried', { sweeper: false }, async () => {
    const jobs = await enqueueIn(benchFailOnce.name, Array(SIZES.perPath).fill(2));
    return { ...(await windowOf(jobs)), lastDueAtMs: Math.max(...jobs.map((j) => j.dueAt.getTime())) + 2_000 };
  });
  const expected = SIZES.schedules * SETTINGS.occurrenceRuns;
  log(`cost, recurring path: ${SIZES.schedules} schedules every ${SETTINGS.occurrenceEverySec} s × ${SETTINGS.occurrenceRuns} runs`);
  const tag = Date.now().toString(36);
  await Promise.all(
    Array.from({ length: SIZES.schedules }, (_, i) =>
      bench.scheduler.schedule(`bench-${tag}-${i}`, benchOccurrence.name, {}, { every: SETTINGS.occurrenceEverySec, maxRuns: SETTINGS.occurrenceRuns }),
    ),
  );
  const recurring = await runWindow(
    bench,
    'recurring',
    { sweeper: true },
    async () => ({ ids: [], lastDueAtMs: Date.now() + (SETTINGS.occurrenceRuns + 1) * SETTINGS.occurrenceEverySec * 1000, expected }),
    async () => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await bench.reader.list({ task: benchOccurrence.name, limit: 1000, ...(cursor ? { cursor } : {}) });
        ids.push(...page.items.filter((j) => j.id.startsWith(`bench-${tag}-`)).map((j) => j.id));
        cursor = page.cursor;
      } while (cursor);
      return ids;
    },
  );

  if (!quick) log(`scale: ${SCALE.futureJobs.toLocaleString('en-US')} future jobs, dispatch and enqueueMany rates, bundles`);
  const scale = await (scalePromise ?? runScale(bench, SCALE, log));

  const windows: Window[] = [direct, swept, recurring, transactional, retried];
  const paths = [lateness(direct), lateness(swept)];
  const costs = windows.map((w) => pathCost(w, fixed, bench.sweeperId, bench.consumerId));
  const results: BenchResults = {
    startedAt: new Date(startedAt).toISOString(),
    mode: quick ? 'quick' : 'full',
    machine: { node: process.version, cpus: cpus().length, platform: `${process.platform}-${process.arch}` },
    settings: { ...SETTINGS, sizes: SIZES, scale: SCALE },
    precision: { paths, sweeperJitter: triggerJitter(bench.sweeps) },
    cost: { paths: costs, fixed },
    scale,
    targets: judgeTargets(paths, costs, scale),
    durationMs: Date.now() - startedAt,
  };
  const tables = renderTables(results);
  console.log(`\n${tables}\n`);
  const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(resultsDir, { recursive: true });
  const file = `${resultsDir}${results.mode}-latest.json`;
  writeFileSync(file, `${JSON.stringify({ ...results, windows: windows.map((w) => ({ path: w.path, jobs: w.jobs.length, unfinished: w.unfinished, durationMs: w.durationMs, usage: w.usage })) }, null, 2)}\n`);
  log(`results written to ${file}`);
  if (!quick) updatePerformanceDoc(tables, results);
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await bench.stop();
}
process.exit(exitCode);

/** Replaces the generated section of docs/performance.md (between its markers) with this run's tables. */
function updatePerformanceDoc(tables: string, results: BenchResults): void {
  const path = fileURLToPath(new URL('../docs/performance.md', import.meta.url));
  const begin = '<!-- bench:results:begin -->';
  const end = '<!-- bench:results:end -->';
  let doc: string;
  try {
    doc = readFileSync(path, 'utf8');
  } catch {
    return;
  }
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) return;
  const header = `Latest full run: ${results.startedAt}, ${Math.round(results.durationMs / 1000)} s, Node ${results.machine.node}, ${results.machine.cpus} CPUs (shared).`;
  writeFileSync(path, `${doc.slice(0, from + begin.length)}\n${header}\n\n${tables}\n${doc.slice(to)}`);
  log(`docs/performance.md updated`);
}
