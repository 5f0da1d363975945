/**
 * `npm run bench` (`-- --quick` for a small run): boots the local stack with real timers and measures precision, cost
 * per job and scale; prints the tables beside the anchors, writes `bench/results/<mode>-latest.json` (a variant run,
 * with `--swept-jobs=N` or `--consumer-concurrency=N`, writes `<mode>-swept<N>-concurrency<N>-latest.json`), and after
 * a plain full run rewrites the results section of docs/performance.md. It judges the targets and never fails on them:
 * benchmarks print numbers, tests assert behaviour.
 */
import { cpus } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { benchFailOnce, benchRecord } from './fixtures/tasks.ts';
import { startBenchStack, type BenchStack } from './bench-stack.ts';
import { measureBundles } from './bundles.ts';
import { fixedCost, pathCost } from './cost.ts';
import { runEventBridgeWindows } from './eventbridge-path.ts';
import { lateness, triggerJitter } from './precision.ts';
import { judgeTargets, renderTables, type BenchResults } from './report.ts';
import { costChartOf, costChartSvg } from './cost-chart.ts';
import { runScale, type ScaleResult, type ScaleSizes } from './scale.ts';
import { mapLimit, sleep } from './stats.ts';
import { latenessBreakdown } from './trace.ts';
import { excluding, idleSweeps, openWindow, runWindow, type Window } from './windows.ts';
import { runBurst, type BurstResult } from './burst.ts';
import { runCoalescing } from './coalescing.ts';
import { runDensity, type DensityResult } from './density.ts';
import { pathsArg, runPaths } from './paths.ts';
import { runRecurring as runRecurringWindow } from './recurring.ts';
import { BENCH_SETTINGS } from './settings.ts';

const quick = process.argv.includes('--quick');
/**
 * `--swept-jobs=N`: N swept jobs over the same range instead of half the run's jobs — the density study of
 * docs/performance.md. Such a run writes its own results file and leaves the docs alone.
 */
const sweptJobsOverride = wholeNumberArg('--swept-jobs', 'e.g. --swept-jobs=400');
/**
 * `--consumer-concurrency=N`: the default queue's event source runs N consumer invocations at once instead of the
 * local runtime's default — the experiment behind the lateness analysis of docs/performance.md. Own results file too.
 */
const consumerConcurrency = wholeNumberArg('--consumer-concurrency', 'at least 2, e.g. --consumer-concurrency=8');
/** `--precision=second`: the construct's `precision: 'second'` (delays rounded up, no in-function wait). */
const precision = process.argv.includes('--precision=second') ? ('second' as const) : undefined;
/** `--consumer-memory=N`: the construct's `consumerMemorySize` (MB), which prices the consumer's billed time. */
const consumerMemory = wholeNumberArg('--consumer-memory', 'in MB, e.g. --consumer-memory=128');
/** `--poller-scaling=off`: the local event source stays at five batches (the run before AWS-like scaling). */
const pollerScaling = !process.argv.includes('--poller-scaling=off');
/** `--burst-jobs=N`: jobs of the burst suite (100,000 in the full run, 2,000 in the quick one). */
const burstJobs = wholeNumberArg('--burst-jobs', 'e.g. --burst-jobs=10000');
/** `--density`: the production-density suite in a quick run too (a full run always has it), shortened to one rate. */
const densityInQuick = process.argv.includes('--density');
/** What a run with options writes its results under, so it never replaces the reference run's file or docs. */
const variant = [
  pollerScaling ? '' : '-noscaling',
  burstJobs === undefined ? '' : `-burst${burstJobs}`,
  precision === undefined ? '' : '-precision-second',
  consumerMemory === undefined ? '' : `-memory${consumerMemory}`,
  sweptJobsOverride === undefined ? '' : `-swept${sweptJobsOverride}`,
  consumerConcurrency === undefined ? '' : `-concurrency${consumerConcurrency}`,
].join('');
const SIZES = quick
  ? { jobs: 100, perPath: 20, schedules: 5, direct: [2, 12], swept: [82, 86] }
  : { jobs: 2_000, perPath: 100, schedules: 20, direct: [2, 70], swept: [80, 200] };
const SCALE: ScaleSizes = quick
  ? { futureJobs: 10_000, dueJobs: 100, sendJobs: 1_000, rateJobs: 5_000 }
  : { futureJobs: 100_000, dueJobs: 100, sendJobs: 5_000, rateJobs: 20_000 };
const SETTINGS = BENCH_SETTINGS;
const CALLER_CONCURRENCY = 16;
/** Callers of the direct-path-under-load window (the target's "≥ 50 concurrent enqueues"). */
const LOAD_CALLERS = 50;
const BURST = { jobs: burstJobs ?? (quick ? 2_000 : 100_000), graceMs: quick ? 120_000 : 600_000 };
const DENSITY = quick ? { rates: [10], windowSec: 30 } : { rates: [1, 10, 100], windowSec: 120 };
/** Idle sweeps of the calibration; the quick run has room for 2 before the sweeper starts sending its swept jobs. */
const CALIBRATION_SWEEPS = quick ? 2 : 3;

const startedAt = Date.now();
const log = (line: string) => console.log(`[bench ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(3)} s] ${line}`);
/** `--paths=recurring`: only those paths' cost windows (`bench/paths.ts`), on a stack of their own. */
const onlyPaths = pathsArg(process.argv);
if (onlyPaths !== undefined) {
  await runPaths(onlyPaths, { quick, log });
  process.exit(0);
}
/**
 * `--render`: judges the targets again and rewrites the generated section of docs/performance.md from the last full
 * run's results (bench/results/full-latest.json), measuring nothing: for a change of prices or of the report. The
 * page's header says the tables were re-rendered, and when.
 */
if (process.argv.includes('--render')) {
  rerenderLastFullRun();
  process.exit(0);
}
const uniform = ([lo, hi]: readonly number[], i: number, n: number) => lo! + ((hi! - lo!) * (i + 0.5)) / n;
/** Due times spread evenly over the range, in shuffled order, so enqueue order does not follow due order. */
const horizonsSec = (range: readonly number[], n: number) =>
  Array.from({ length: n }, (_, i) => uniform(range, (i * 7919) % n, n));

log(`mode ${quick ? 'quick' : 'full'}: booting the local stack (DynamoDB Local, SQS emulator, bundled handlers)`);
const bench = await startBenchStack({
  sweepEverySeconds: SETTINGS.sweepEverySeconds,
  pollerScaling,
  props: {
    lookahead: Duration.seconds(SETTINGS.lookaheadSec),
    directHorizon: Duration.seconds(SETTINGS.directHorizonSec),
    ...(consumerConcurrency === undefined ? {} : { queues: { default: { maxConcurrency: consumerConcurrency } } }),
    ...(precision === undefined ? {} : { precision }),
    ...(consumerMemory === undefined ? {} : { consumerMemorySize: consumerMemory }),
  },
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

  const half = SIZES.jobs / 2;
  const sweptJobs = sweptJobsOverride ?? half;
  const runDirect = async () => {
    log(`precision + cost, direct path: ${half} jobs due in ${SIZES.direct[0]}–${SIZES.direct[1]} s`);
    return await runWindow(bench, 'direct', { sweeper: false }, async () => windowOf(await enqueueIn(benchRecord.name, horizonsSec(SIZES.direct, half))));
  };
  const runTransactional = async () => {
    log(`cost, transactional path: ${SIZES.perPath} jobs via transact()`);
    return await runWindow(bench, 'transactional', { sweeper: false }, async () =>
      windowOf(
        (await mapLimit(Array(SIZES.perPath).fill(0), CALLER_CONCURRENCY, () =>
          bench.scheduler.transact([], [{ task: benchRecord.name, payload: {}, options: { in: 2 } }]),
        )).flat(),
      ),
    );
  };
  const runRetried = async () => {
    log(`cost, retried path: ${SIZES.perPath} jobs failing once, retried 1 s later`);
    return await runWindow(bench, 'retried', { sweeper: false }, async () => {
      const jobs = await enqueueIn(benchFailOnce.name, Array(SIZES.perPath).fill(2));
      return { ...(await windowOf(jobs)), lastDueAtMs: Math.max(...jobs.map((j) => j.dueAt.getTime())) + 2_000 };
    });
  };
  const runRecurring = async () => {
    log(`cost, recurring path: ${SIZES.schedules} schedules every ${SETTINGS.occurrenceEverySec} s × ${SETTINGS.occurrenceRuns} runs`);
    return await runRecurringWindow(bench, { schedules: SIZES.schedules, everySec: SETTINGS.occurrenceEverySec, runs: SETTINGS.occurrenceRuns });
  };
  const runEventBridge = async () => {
    log(`cost, eventbridge path: ${SIZES.perPath} events into the queue (the targets' design), ${SIZES.perPath} through an ingest function`);
    return await runEventBridgeWindows(bench, benchRecord.name, SIZES.perPath);
  };
  const runCalibration = async () => {
    log(`calibration: ${CALIBRATION_SWEEPS} idle sweeps`);
    const sweepsBefore = bench.sweeps.length;
    const idle = await idleSweeps(bench, CALIBRATION_SWEEPS);
    const sent = bench.sweeps.slice(sweepsBefore).reduce((n, s) => n + s.sent, 0);
    if (sent > 0) log(`WARNING: a calibration sweep sent ${sent} messages: the idle cost is overstated`);
    return idle;
  };
  const runScaleSuite = () => {
    log(`scale: ${SCALE.futureJobs.toLocaleString('en-US')} future jobs, send and enqueueMany rates, bundles`);
    return runScale(bench, SCALE, log);
  };

  let idle: Awaited<ReturnType<typeof idleSweeps>>;
  let scale: ScaleResult;
  let swept: Window;
  const inner: Window[] = [];
  if (!quick) {
    idle = await runCalibration();
    log(`precision + cost, swept path: ${sweptJobs} jobs due in ${SIZES.swept[0]}–${SIZES.swept[1]} s`);
    swept = await runWindow(bench, 'swept', { sweeper: true }, async () => windowOf(await enqueueIn(benchRecord.name, horizonsSec(SIZES.swept, sweptJobs))));
    inner.push(await runDirect(), await runTransactional(), await runRetried(), await runRecurring());
    scale = await runScaleSuite();
  } else {
    // The swept jobs must wait ≥ lookahead + the direct horizon's margin; the other suites use that wait. Phase 1,
    // until the sweeper starts sending them: calibration (idle sweeps), with the scale suite (its own tables and
    // meter) beside it. Phase 2, once every swept job is sent and until the first is due: the other windows, whose
    // counts are taken out of the swept window's. A window that would not end in time runs after the swept one.
    log(`precision + cost, swept path: ${sweptJobs} jobs due in ${SIZES.swept[0]}–${SIZES.swept[1]} s; the other suites run while they wait`);
    const sweepsBefore = bench.sweeps.length;
    const open = await openWindow(bench, 'swept', { sweeper: true }, async () => windowOf(await enqueueIn(benchRecord.name, horizonsSec(SIZES.swept, sweptJobs))));
    const scalePromise = runScaleSuite();
    idle = await runCalibration();
    const firstDueAtMs = open.lastDueAtMs - (SIZES.swept[1]! - SIZES.swept[0]!) * 1000;
    const sentSoFar = () => bench.sweeps.slice(sweepsBefore).reduce((n, sweep) => n + sweep.sent, 0);
    while (sentSoFar() < sweptJobs && Date.now() < firstDueAtMs - 1_000) await sleep(200);
    log(`swept jobs sent by the sweeper: ${sentSoFar()} of ${sweptJobs}`);
    const later: Array<() => Promise<Window>> = [];
    // Messages may be received up to 1 s before their due time (DelaySeconds is rounded down): inner windows end before.
    const inTime = async (run: () => Promise<Window>, needsMs: number) => {
      if (Date.now() + needsMs < firstDueAtMs - 1_000) inner.push(await run());
      else later.push(run);
    };
    await inTime(runRecurring, ((SETTINGS.occurrenceRuns + 1) * SETTINGS.occurrenceEverySec + 5) * 1000);
    // Precision is measured with nothing else of the bench running.
    scale = await scalePromise;
    await inTime(runDirect, (SIZES.direct[1]! + 5) * 1000);
    await inTime(runTransactional, 8_000);
    await inTime(runRetried, 9_000);
    if (later.length > 0) log(`${later.map((r) => r.name).join(', ')} did not fit in the swept jobs' wait: running after them`);
    swept = excluding(await open.finish(), [idle.usage, ...inner.map((w) => w.usage)]);
    for (const run of later) inner.push(await run());
  }
  // With every other window closed: its counts are in no other window.
  inner.push(...(await runEventBridge()));
  const fixed = fixedCost(idle.usage, idle.sweeps, bench.functions, bench.customMetrics.size);
  const byPath = (path: string) => inner.find((w) => w.path === path)!;
  const [direct, transactional, retried, recurring] = (['direct', 'transactional', 'retried', 'recurring'] as const).map(byPath) as [Window, Window, Window, Window];

  const loadJobs = quick ? 200 : 1_000;
  log(`cost, direct path under load: ${loadJobs} jobs due in 3–5 s from ${LOAD_CALLERS} concurrent callers`);
  const directLoad = await runWindow(bench, 'direct, 50 callers', { sweeper: false }, async () => {
    const secs = Array.from({ length: loadJobs }, (_, i) => 3 + (2 * i) / loadJobs);
    return windowOf(await mapLimit(secs, LOAD_CALLERS, (s) => bench.scheduler.enqueue(benchRecord.name, { s }, { in: `${Math.round(s * 1000)}ms` })));
  });
  log(`coalescing: ${quick ? 200 : 1_000} single-message sends from ${LOAD_CALLERS} callers, coalesced vs one request each`);
  const coalescing = await runCoalescing(bench, { messages: quick ? 200 : 1_000, concurrency: LOAD_CALLERS });
  log(`burst: ${BURST.jobs.toLocaleString('en-US')} jobs due in the same minute`);
  const burst: BurstResult = await runBurst(bench, { jobs: BURST.jobs, rawPerSecond: scale.send.raw.perSecond, graceMs: BURST.graceMs }, log);
  const maxMemoryUsedMb = bench.meter.snapshot().maxMemoryUsedMb;
  const peakConsumerBatches = bench.stack.functions.get(bench.consumerId)?.peakRunning ?? 0;
  let density: DensityResult | undefined;
  if (!quick || densityInQuick) {
    // Its own stack (one-minute sweeps): the main one stops first, so the two never share the cores.
    await bench.stop();
    density = await runDensity({ ...DENSITY, idle: fixed, pollerScaling }, log);
  }

  const windows: Window[] = [direct, directLoad, swept, recurring, transactional, retried, byPath('eventbridge'), byPath('eventbridge-ingest')];
  const paths = [lateness(direct), lateness(swept)];
  const breakdown = [
    // Direct jobs become due from the first seconds of their window, while its enqueue burst still runs.
    latenessBreakdown('direct', direct.jobs, bench.trace, { maxConcurrency: bench.consumerConcurrency, quietFromMs: direct.createEndedAtMs }),
    latenessBreakdown('swept', swept.jobs, bench.trace, { maxConcurrency: bench.consumerConcurrency }),
  ];
  const costs = windows.map((w) => pathCost(w, fixed, bench.functions));
  const results: BenchResults = {
    startedAt: new Date(startedAt).toISOString(),
    mode: quick ? 'quick' : 'full',
    machine: { node: process.version, cpus: cpus().length, platform: `${process.platform}-${process.arch}` },
    settings: {
      ...SETTINGS, sizes: SIZES, sweptJobs, consumerConcurrency: bench.consumerConcurrency, scale: SCALE,
      memoryMb: { sweeper: bench.functions.sweeper.memoryMb, consumer: bench.functions.consumer.memoryMb },
      maxMemoryUsedMb,
      precision: bench.config.precision,
      pollerScaling,
      peakConsumerBatches,
    },
    precision: { paths, sweeperJitter: triggerJitter(bench.sweeps), breakdown },
    cost: { paths: costs, fixed },
    scale,
    coalescing,
    burst,
    ...(density ? { density } : {}),
    targets: judgeTargets(paths, costs, scale, { burst, pollerScaling, ...(density ? { density } : {}) }),
    bundles: measureBundles({ samples: quick ? 3 : 7 }),
    durationMs: Date.now() - startedAt,
  };
  const tables = renderTables(results);
  console.log(`\n${tables}\n`);
  const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(resultsDir, { recursive: true });
  const file = `${resultsDir}${results.mode}${variant}-latest.json`;
  writeFileSync(file, `${JSON.stringify({ ...results, windows: windows.map((w) => ({ path: w.path, jobs: w.jobs.length, unfinished: w.unfinished, durationMs: w.durationMs, usage: w.usage })) }, null, 2)}\n`);
  log(`results written to ${file}`);
  if (!quick && variant === '') {
    updatePerformanceDoc(tables, results);
    writeCostChart(results);
  }
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await bench.stop();
}
process.exit(exitCode);

/** A `--name=N` argument as a positive whole number (undefined when absent); exits with a usage message otherwise. */
function wholeNumberArg(name: string, example: string): number | undefined {
  const arg = process.argv.find((a) => a.startsWith(`${name}=`));
  if (arg === undefined) return undefined;
  const n = Number(arg.slice(name.length + 1));
  if (Number.isInteger(n) && n > 0) return n;
  console.error(`${name}: received ${JSON.stringify(arg)}; expected a positive whole number, ${example}.`);
  process.exit(2);
}

/** `--render`: the last full run's results, judged and rendered again, into its results file and the docs. */
function rerenderLastFullRun(): void {
  const file = fileURLToPath(new URL('./results/full-latest.json', import.meta.url));
  const stored = JSON.parse(readFileSync(file, 'utf8')) as BenchResults & { windows?: unknown; renderedAt?: string };
  const { windows, renderedAt: _previous, ...measured } = stored;
  const pollerScaling = measured.settings['pollerScaling'];
  const targets = judgeTargets(measured.precision.paths, measured.cost.paths, measured.scale, {
    ...(measured.burst ? { burst: measured.burst } : {}),
    ...(measured.density ? { density: measured.density } : {}),
    ...(typeof pollerScaling === 'boolean' ? { pollerScaling } : {}),
  });
  const results: BenchResults = { ...measured, targets };
  const renderedAt = new Date().toISOString();
  const tables = renderTables(results);
  console.log(`\n${tables}\n`);
  writeFileSync(file, `${JSON.stringify({ ...results, renderedAt, windows }, null, 2)}\n`);
  log(`${file}: targets judged again`);
  updatePerformanceDoc(tables, results, renderedAt);
  writeCostChart(results);
}

/** Replaces the generated section of docs/performance.md (between its markers) with this run's tables. */
function updatePerformanceDoc(tables: string, results: BenchResults, renderedAt?: string): void {
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
  const rendered = renderedAt === undefined ? '' : ` Tables re-rendered from its results at ${renderedAt} (\`npm run bench -- --render\`).`;
  const header = `Latest full run: ${results.startedAt}, ${Math.round(results.durationMs / 1000)} s, Node ${results.machine.node}, ${results.machine.cpus} CPUs (shared).${rendered}`;
  writeFileSync(path, `${doc.slice(0, from + begin.length)}\n${header}\n\n${tables}\n${doc.slice(to)}`);
  log(`docs/performance.md updated`);
}

/** The picture of docs/cost.md, from the same results as the tables. */
function writeCostChart(results: BenchResults): void {
  const path = fileURLToPath(new URL('../docs/images/cost-per-million.svg', import.meta.url));
  const { bars, markers } = costChartOf(results);
  writeFileSync(path, costChartSvg(bars, markers));
  log('docs/images/cost-per-million.svg updated');
}
