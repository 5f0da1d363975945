/**
 * The benchmark's output: the targets judged met or not, the stdout tables and the markdown of docs/performance.md.
 */
import { renderBundles, type BundleMeasurement } from './bundles.ts';
import { ANCHORS, PRICES, quotedPrice } from './prices.ts';
import { provisionedUsdPerMillion, type FixedCost, type PathCost } from './cost.ts';
import { DEFAULT_TARGET_UTILIZATION_PERCENT } from '../infra/table-billing.ts';
import type { PathLateness } from './precision.ts';
import type { ScaleResult } from './scale.ts';
import type { BurstResult } from './burst.ts';
import type { CoalescingResult } from './coalescing.ts';
import type { DensityResult } from './density.ts';
import type { Distribution } from './stats.ts';
import type { LatenessBreakdown } from './trace.ts';

/** Everything one run measured (the JSON file under bench/results/). */
export interface BenchResults {
  readonly startedAt: string;
  readonly mode: 'quick' | 'full';
  readonly machine: { readonly node: string; readonly cpus: number; readonly platform: string };
  readonly settings: Record<string, unknown>;
  readonly precision: {
    readonly paths: readonly PathLateness[];
    readonly sweeperJitter: Distribution;
    /** Where each path's lateness goes, stage by stage (absent in results written before it was measured). */
    readonly breakdown?: readonly LatenessBreakdown[];
  };
  readonly cost: { readonly paths: readonly PathCost[]; readonly fixed: FixedCost };
  readonly scale: ScaleResult;
  /** Coalesced vs one-request-per-message sends (absent in results written before it was measured). */
  readonly coalescing?: CoalescingResult;
  readonly burst?: BurstResult;
  readonly density?: DensityResult;
  readonly targets: readonly TargetResult[];
  readonly durationMs: number;
  /** The Lambda bundles' size and module-init time, SDK bundled vs runtime-provided (absent in older results). */
  readonly bundles?: readonly BundleMeasurement[];
}

export interface TargetResult {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

const KB = 1024;
/** The utilization the provisioned rows assume: the construct's default auto scaling target. */
const PROVISIONED = `${DEFAULT_TARGET_UTILIZATION_PERCENT} %`;

/**
 * Judges the issue's targets against the measurements.
 *
 * @example
 * ```ts
 * const targets = judgeTargets(paths, costs, scale);
 * ```
 */
export function judgeTargets(
  lateness: readonly PathLateness[],
  costs: readonly PathCost[],
  scale: ScaleResult,
  extra: { burst?: BurstResult; density?: DensityResult; pollerScaling?: boolean } = {},
): TargetResult[] {
  const targets: TargetResult[] = [];
  // The rows of issue 14's table first, in its order.
  const atTenPerSecond = extra.density?.points.find((p) => p.jobsPerSecond === 10);
  const sweptAt10 = atTenPerSecond?.cost;
  if (sweptAt10) {
    targets.push({
      target: 'one-off swept job, all-in incl. Lambda GB-s at 128 MB, 10 jobs/s ≤ $2.7 per million',
      measured: `$${sweptAt10.usdPerMillionAt128Mb.toFixed(2)}/M (1-minute sweeps; $${sweptAt10.usdPerMillion.toFixed(2)}/M at the deployed consumer memory)`,
      met: sweptAt10.usdPerMillionAt128Mb <= 2.7,
    });
    const provisioned = provisionedUsdPerMillion(sweptAt10);
    targets.push({
      target: `the same, table on provisioned capacity auto-scaled to ${PROVISIONED} (\`tableBilling\`)`,
      measured: `$${provisioned.toFixed(2)}/M (the same ${sweptAt10.writeUnits} write units, priced per capacity-hour)`,
      met: provisioned <= 2.7,
    });
  }
  const recurring = costs.find((c) => c.path === 'recurring');
  if (recurring) {
    targets.push({
      target: 'recurring occurrence ≤ 4 write units, ≤ $2.7 per million all-in (128 MB)',
      measured: `${recurring.writeUnits} WCU, $${recurring.usdPerMillionAt128Mb.toFixed(2)}/M`,
      met: recurring.writeUnits <= 4 && recurring.usdPerMillionAt128Mb <= 2.7,
    });
    const provisioned = provisionedUsdPerMillion(recurring);
    targets.push({
      target: `the same, table on provisioned capacity auto-scaled to ${PROVISIONED} (\`tableBilling\`)`,
      measured: `${recurring.writeUnits} WCU, $${provisioned.toFixed(2)}/M`,
      met: recurring.writeUnits <= 4 && provisioned <= 2.7,
    });
  }
  const directLoad = costs.find((c) => c.path === 'direct, 50 callers');
  if (directLoad) {
    targets.push({
      target: 'direct job ≤ 1.2 SQS requests at ≥ 50 concurrent enqueues',
      measured: `${directLoad.sqsRequests} SQS requests (${Object.entries(directLoad.requests).filter(([k]) => k.startsWith('sqs.')).map(([k, n]) => `${k.slice(4)} ${n}`).join(', ')})`,
      met: directLoad.sqsRequests <= 1.2,
    });
  }
  for (const path of lateness) {
    const l = path.lateness;
    const scaling = extra.pollerScaling === undefined ? '' : extra.pollerScaling ? ', AWS-like poller scaling' : ', poller scaling off';
    targets.push({
      target: `${path.path}: lateness p99 ≤ 100 ms and max ≤ 500 ms (all jobs completed${scaling})`,
      measured: `p99 ${l.p99} ms, max ${l.max} ms, ${path.notCompleted} not completed`,
      met: l.p99 <= 100 && l.max <= 500 && path.notCompleted === 0,
    });
  }
  if (extra.burst) {
    const b = extra.burst;
    targets.push({
      target: `${b.jobs.toLocaleString('en-US')}-job burst: every job once; sweeper send rate ≥ 50 % of raw`,
      measured: `${b.ranOnce} once, ${b.ranMoreThanOnce} more than once, ${b.neverRan} never; ${b.sweeper.perSecond}/s = ${pct(b.ratio)} of raw ${b.raw.perSecond}/s`,
      met: b.ranOnce === b.jobs && b.ratio >= 0.5,
    });
  }
  const swept = costs.find((c) => c.path === 'swept');
  if (swept) {
    targets.push({
      target: 'far-future (swept) job ≤ 4 WCU, ≤ 0.1 RCU, ≤ 0.35 SQS requests, ≤ $2.7 per million',
      measured: `${swept.writeUnits} WCU, ${swept.readUnits} RCU, ${swept.sqsRequests} SQS, $${swept.usdPerMillion.toFixed(2)}/M`,
      met: swept.writeUnits <= 4 && swept.readUnits <= 0.1 && swept.sqsRequests <= 0.35 && swept.usdPerMillion <= 2.7,
    });
  }
  targets.push({
    target: `sweep read units with ${scale.sweepReads.many.futureJobs.toLocaleString('en-US')} future jobs ≤ 1.1× with none`,
    measured: `${scale.sweepReads.many.readUnits} vs ${scale.sweepReads.none.readUnits} RCU (${scale.sweepReads.ratio}×)`,
    met: scale.sweepReads.ratio <= 1.1,
  });
  targets.push({
    target: 'sweeper send rate ≥ 50 % of raw SendMessageBatch',
    measured: `${pct(scale.send.ratio)} (${scale.send.sweeper.perSecond}/s vs ${scale.send.raw.perSecond}/s)`,
    met: scale.send.ratio >= 0.5,
  });
  targets.push({
    target: 'enqueueMany ≥ 80 % of raw BatchWriteItem',
    measured: `${pct(scale.enqueueMany.ratio)} (${scale.enqueueMany.api.perSecond}/s vs ${scale.enqueueMany.raw.perSecond}/s)`,
    met: scale.enqueueMany.ratio >= 0.8,
  });
  for (const bundle of scale.bundles) {
    targets.push({
      target: `${bundle.function} bundle ≤ 300 KB minified`,
      measured: `${kb(bundle.minifiedBytes)} minified (${kb(bundle.bytes)} as deployed)`,
      met: bundle.minifiedBytes <= 300 * KB,
    });
  }
  return targets;
}

/**
 * The results as markdown tables (stdout prints the same tables).
 *
 * @example
 * ```ts
 * console.log(renderTables(results));
 * ```
 */
export function renderTables(r: BenchResults): string {
  const lines: string[] = [];
  lines.push(`### Precision — lateness = task start − due (ms)`, '');
  lines.push(table(
    ['path', 'jobs', 'p50', 'p90', 'p99', 'max', 'early', 'not completed'],
    [
      ...r.precision.paths.map((p) => [p.path, p.lateness.count, p.lateness.p50, p.lateness.p90, p.lateness.p99, p.lateness.max, p.early, p.notCompleted]),
      ['sweep start after its tick (send phase + trigger jitter)', r.precision.sweeperJitter.count, r.precision.sweeperJitter.p50, r.precision.sweeperJitter.p90, r.precision.sweeperJitter.p99, r.precision.sweeperJitter.max, '', ''],
    ],
  ));
  if (r.precision.breakdown?.length) lines.push('', ...renderBreakdown(r.precision.breakdown));
  if (r.bundles?.length) lines.push('', '### Lambda bundles — size and module init in Node', '', renderBundles(r.bundles));
  lines.push('', `### Cost per job (AWS billing rules applied to what the local stack counted)`, '');
  lines.push(table(
    ['path', 'jobs', 'WCU', 'RCU (billed)', 'RCU (reported)', 'SQS requests', 'Lambda invocations', 'billed ms (consumer + sweeper)', 'log bytes', '$ per million', '$ per million, consumer at 128 MB'],
    r.cost.paths.map((c) => [
      c.path, c.jobs, c.writeUnits, c.readUnits, c.reportedReadUnits, c.sqsRequests, c.lambdaInvocations,
      c.billedMs ? `${c.billedMs.consumer} + ${c.billedMs.sweeper}` : '', c.logBytes ?? '', `$${c.usdPerMillion.toFixed(2)}`,
      c.usdPerMillionAt128Mb === undefined ? '' : `$${c.usdPerMillionAt128Mb.toFixed(2)}`,
    ]),
  ));
  const memory = r.settings.memoryMb as { sweeper?: number; consumer?: number } | undefined;
  const used = r.settings.maxMemoryUsedMb as Record<string, number> | undefined;
  if (used && Object.keys(used).length > 0) {
    lines.push('', `Max memory used (peak resident set of the local environments): ${Object.entries(used).map(([fn, mb]) => `${fn} ${mb} MB`).join(', ')}${r.settings.precision ? `; precision '${String(r.settings.precision)}'` : ''}.`);
  }
  lines.push('', `Where the money goes ($ per million jobs${memory ? `, consumer at ${memory.consumer} MB, sweeper at ${memory.sweeper} MB` : ''}):`, '');
  lines.push(table(
    ['path', 'DynamoDB', 'SQS', 'Lambda requests', 'Lambda duration', 'CloudWatch Logs', 'EventBridge', 'total'],
    r.cost.paths.filter((c) => c.split).map((c) => [
      c.path, ...Object.values(c.split).map((usd) => `$${usd.toFixed(3)}`), `$${c.usdPerMillion.toFixed(3)}`,
    ]),
  ));
  lines.push('', 'Requests per job by operation:', '');
  lines.push(table(
    ['path', 'requests per job'],
    r.cost.paths.map((c) => [c.path, Object.entries(c.requests).map(([k, n]) => `${k} ${n}`).join(', ')]),
  ));
  const f = r.cost.fixed;
  lines.push('', `Fixed cost: one idle sweep = ${round(f.perSweep.writeUnits)} WCU + ${round(f.perSweep.readUnits)} RCU + 1 Lambda request + ${round(f.perSweep.billedMs ?? 0)} billed ms + ${Math.round(f.perSweep.logBytes ?? 0)} log bytes ⇒ $${(f.split?.sweeps ?? f.usdPerMonth).toFixed(3)} per month at one sweep a minute; ${f.customMetrics ?? 0} custom metrics (EMF) ⇒ $${(f.split?.metrics ?? 0).toFixed(2)} per month. SQS pollers' empty receives are AWS's event source mapping cost, not counted here.`);
  if (r.coalescing) {
    const c = r.coalescing;
    lines.push('', `Coalescing sends (SqsJobQueue vs one SendMessageBatch per message, ${c.concurrency} callers, same emulator):`, '');
    lines.push(table(['sends', 'messages', 'requests per message', 'latency p50 (ms)', 'latency p99 (ms)'], [
      [`${c.concurrency} concurrent, coalesced`, c.concurrent.coalesced.messages, c.concurrent.coalesced.requestsPerMessage, c.concurrent.coalesced.latencyMs.p50, c.concurrent.coalesced.latencyMs.p99],
      [`${c.concurrency} concurrent, one request each`, c.concurrent.raw.messages, c.concurrent.raw.requestsPerMessage, c.concurrent.raw.latencyMs.p50, c.concurrent.raw.latencyMs.p99],
      ['lone, coalesced', c.lone.coalesced.messages, c.lone.coalesced.requestsPerMessage, c.lone.coalesced.latencyMs.p50, c.lone.coalesced.latencyMs.p99],
      ['lone, one request each', c.lone.raw.messages, c.lone.raw.requestsPerMessage, c.lone.raw.latencyMs.p50, c.lone.raw.latencyMs.p99],
    ]));
    lines.push('', `p50 added to a send by coalescing: ${c.addedP50Ms.concurrent} ms with ${c.concurrency} concurrent callers, ${c.addedP50Ms.lone} ms for a lone call.`);
  }
  if (r.burst) {
    const b = r.burst;
    lines.push('', `### Burst — ${b.jobs.toLocaleString('en-US')} swept jobs due in the same minute`, '');
    lines.push(table(['measure', 'value'], [
      ['lateness p50 / p99 / max (ms)', `${b.lateness.p50} / ${b.lateness.p99} / ${b.lateness.max} (${b.lateness.count} completed)`],
      ['sweeper send rate', `${b.sweeper.perSecond} jobs/s (${b.sweeper.sent} sent in ${b.sweeper.sweepSeconds} s of ${b.sweeper.sweeps} sweeps) = ${pct(b.ratio)} of raw SendMessageBatch (${b.raw.perSecond}/s)`],
      ['task bodies started', `${b.ranOnce} once, ${b.ranMoreThanOnce} more than once, ${b.neverRan} never`],
    ]));
  }
  if (r.density) {
    const d = r.density;
    lines.push('', `### Production density — swept path, one sweep every ${d.sweepIntervalSec} s, ${d.windowSec} s per rate`, '');
    lines.push(table(['swept jobs / s', 'jobs', 'SQS requests per job', 'requests per job by operation', 'lateness p99 / max (ms)', '$ per million', '$ per million, consumer at 128 MB', `the same, provisioned table at ${PROVISIONED}`],
      d.points.map((p) => [
        p.jobsPerSecond, p.cost.jobs, p.cost.sqsRequests,
        Object.entries(p.cost.requests).filter(([k]) => k.startsWith('sqs.')).map(([k, n]) => `${k.slice(4)} ${n}`).join(', '),
        `${p.lateness.lateness.p99} / ${p.lateness.lateness.max}`, `$${p.cost.usdPerMillion.toFixed(2)}`, `$${p.cost.usdPerMillionAt128Mb.toFixed(2)}`,
        `$${provisionedUsdPerMillion(p.cost).toFixed(2)}`,
      ])));
  }
  lines.push('', '### Anchors ($ per million one-off jobs)', '');
  lines.push(table(['', '$ per million', 'basis'], [
    ...r.cost.paths.map((c) => [`sundial, ${c.path}`, `$${c.usdPerMillion.toFixed(2)}`, 'measured above']),
    ...ANCHORS.map((a) => [a.name, `$${a.usdPerMillion.toFixed(2)}`, a.basis]),
  ]));
  lines.push('', '### Scale', '');
  const s = r.scale;
  lines.push(table(['measure', 'value'], [
    [`sweep read units, ${s.sweepReads.none.sent} due, 0 future jobs`, `${s.sweepReads.none.readUnits} RCU billed (${s.sweepReads.none.reportedReadUnits} reported, ${s.sweepReads.none.queries} queries)`],
    [`sweep read units, ${s.sweepReads.many.sent} due, ${s.sweepReads.many.futureJobs.toLocaleString('en-US')} future jobs`, `${s.sweepReads.many.readUnits} RCU billed (${s.sweepReads.many.reportedReadUnits} reported, ${s.sweepReads.many.queries} queries) — ${s.sweepReads.ratio}×`],
    [`sweeper send rate (${s.send.sweeper.items} jobs, one sweep)`, `${s.send.sweeper.perSecond} jobs/s = ${pct(s.send.ratio)} of raw SendMessageBatch (${s.send.raw.perSecond} msgs/s, ${s.send.rawConcurrency} in flight)`],
    [`enqueueMany (${s.enqueueMany.api.items} far-future jobs)`, `${s.enqueueMany.api.perSecond} jobs/s = ${pct(s.enqueueMany.ratio)} of raw BatchWriteItem (${s.enqueueMany.raw.perSecond} items/s, ${s.enqueueMany.rawConcurrency} in flight)`],
    ...s.bundles.map((b) => [`bundle ${b.function}`, `${kb(b.bytes)} as deployed, ${kb(b.minifiedBytes)} minified, ${kb(b.gzipBytes)} gzipped`]),
  ]));
  lines.push('', '### Targets', '');
  lines.push(table(['target', 'measured', 'verdict'], r.targets.map((t) => [t.target, t.measured, t.met ? 'met' : 'NOT MET'])));
  lines.push('', `Prices (us-east-1): ${Object.values(PRICES).map(quotedPrice).join('; ')}.`);
  return lines.join('\n');
}

/** Each stage's share of the lateness (ms past the due time it added): p50 / p99 / max over all jobs, mean over the tail. */
function renderBreakdown(breakdown: readonly LatenessBreakdown[]): string[] {
  const lines = ['#### Where the lateness goes — ms each stage adds past the due time', ''];
  const header = ['stage', ...breakdown.flatMap((b) => [`${b.path} p50`, `${b.path} p99`, `${b.path} max`, `${b.path} latest 1 % (mean)`])];
  const rows = breakdown[0]!.stages.map(({ stage }, i) => [
    stage,
    ...breakdown.flatMap((b) => [b.stages[i]!.share.p50, b.stages[i]!.share.p99, b.stages[i]!.share.max, b.tail[i]!.meanMs]),
  ]);
  lines.push(table(header, rows), '');
  for (const b of breakdown) {
    const tail = Math.max(1, Math.ceil(b.traced / 100));
    const parts = [
      `${b.path}: ${b.traced} jobs traced (${b.untraced} untraced); of the latest ${tail}, ${b.tailAtConcurrencyLimit} became receivable while every consumer slot was busy`,
      `${b.consumer.invocations} consumer invocations held their slot p50 ${b.consumer.holdMs.p50} ms, p99 ${b.consumer.holdMs.p99} ms; every slot taken ${Math.round(b.consumer.allBusyShare * 1000) / 10} % of the time`,
    ];
    if (b.byDue) {
      parts.push(`due before the window's enqueue burst ended: ${b.byDue.before.count} jobs, p99 ${b.byDue.before.p99} ms; due after: ${b.byDue.after.count} jobs, p99 ${b.byDue.after.p99} ms`);
    }
    lines.push(`- ${parts.join('; ')}.`);
  }
  return lines;
}

function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cell = (v: string | number) => String(v).replace(/\|/g, '\\|');
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

function pct(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10} %`;
}

function kb(bytes: number): string {
  return `${Math.round((bytes / KB) * 10) / 10} KB`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
