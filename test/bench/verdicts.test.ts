import { describe, expect, it } from 'vitest';
import type { Job } from '../../lib/model.ts';
import { PLATFORM_LOG_BYTES_PER_INVOCATION, fixedCost, pathCost, provisionedUsdPerMillion, type PathCost } from '../../bench/cost.ts';
import { Meter, type MeterSnapshot } from '../../bench/meter.ts';
import { lateness, triggerJitter, type PathLateness } from '../../bench/precision.ts';
import { judgeTargets, renderTables, type BenchResults } from '../../bench/report.ts';
import type { ScaleResult } from '../../bench/scale.ts';
import { distribution } from '../../bench/stats.ts';
import type { Window } from '../../bench/windows.ts';

const DUE = Date.parse('2026-11-23T12:00:00Z');
const KB = 1024;

const job = (id: string, state: Job['state'], lateMs?: number): Job => ({
  id, task: 'bench-record', queue: 'default', payload: {}, state, dueAt: new Date(DUE), attempt: 1, maxAttempts: 3,
  createdAt: new Date(DUE - 10_000), updatedAt: new Date(DUE),
  ...(lateMs === undefined ? {} : { result: { startedAtMs: DUE + lateMs } }),
});
const usage = (over: Partial<MeterSnapshot>): MeterSnapshot => ({ ...new Meter().snapshot(), ...over });
const windowOf = (jobs: Job[], u: MeterSnapshot, unfinished = 0): Window => ({ path: 'swept', jobs, unfinished, usage: u, durationMs: 1, createStartedAtMs: 0, createEndedAtMs: 0 });

const pathLateness = (path: string, p99: number, max: number, notCompleted = 0): PathLateness => ({
  path, notCompleted, early: 0, lateness: { count: 100, p50: 1, p90: 2, p99, max, min: 0, mean: 1 },
});
const FUNCTIONS = { sweeper: { id: 'Sweeper', memoryMb: 256 }, consumer: { id: 'Consumer', memoryMb: 512 } };
const sweptCost = (over: Partial<PathCost>): PathCost => ({
  path: 'swept', jobs: 100, writeUnits: 4, readUnits: 0, reportedReadUnits: 0, sqsRequests: 0.3, lambdaInvocations: 0.1,
  billedMs: { consumer: 10, sweeper: 1 }, gbSeconds: 0.005, logBytes: 300, requests: {},
  split: { dynamodb: 2.5, sqs: 0.12, lambdaRequests: 0.02, lambdaDuration: 0.07, logs: 0.14, eventbridge: 0 }, usdPerMillion: 2.6, usdPerMillionAt128Mb: 2.5, ...over,
});
const scale = (over: { sweepRatio?: number; sendRatio?: number; enqueueRatio?: number; minifiedBytes?: number } = {}): ScaleResult => ({
  sweepReads: {
    none: { futureJobs: 0, readUnits: 12, reportedReadUnits: 4, queries: 24, sent: 100 },
    many: { futureJobs: 100_000, readUnits: 12, reportedReadUnits: 4, queries: 24, sent: 100 },
    ratio: over.sweepRatio ?? 1,
  },
  send: { sweeper: { items: 10, perSecond: 60 }, raw: { items: 10, perSecond: 100 }, ratio: over.sendRatio ?? 0.6, rawConcurrency: 16 },
  enqueueMany: { api: { items: 10, perSecond: 90 }, raw: { items: 10, perSecond: 100 }, ratio: over.enqueueRatio ?? 0.9, rawConcurrency: 4 },
  bundles: [{ function: 'Consumer', bytes: 1, minifiedBytes: over.minifiedBytes ?? 100 * KB, gzipBytes: 1 }],
});
const verdict = (targets: ReturnType<typeof judgeTargets>, startsWith: string) => {
  const found = targets.filter((t) => t.target.startsWith(startsWith));
  expect(found).toHaveLength(1);
  return found[0]!.met;
};

describe('precision.lateness', () => {
  it('measures start − due of completed jobs and counts the others apart', () => {
    const w = windowOf([job('a', 'completed', 5), job('b', 'completed', 120), job('c', 'completed', -2), job('d', 'failed', 3), job('e', 'scheduled')], usage({}));
    const l = lateness(w);
    expect(l.notCompleted).toBe(2);
    expect(l.early).toBe(1);
    expect(l.lateness).toMatchObject({ count: 3, min: -2, max: 120, p50: 5 });
  });

  it('trigger jitter is the sweep’s now − the scheduled tick', () => {
    const j = triggerJitter([{ scheduledAtMs: 1_000, sweepNowMs: 1_004, sent: 0 }, { scheduledAtMs: 6_000, sweepNowMs: 6_150, sent: 3 }]);
    expect(j).toMatchObject({ count: 2, min: 4, max: 150 });
  });
});

describe('cost.pathCost', () => {
  it('divides by finished jobs after taking out idle sweeps, empty receives and sweeper-state writes', () => {
    const fixed = fixedCost(usage({ readUnits: 15, writeUnits: 9, requests: { 'dynamodb.Query': 30, 'dynamodb.UpdateItem': 3 } }), 3, FUNCTIONS);
    expect(fixed.perSweep).toEqual({ readUnits: 5, writeUnits: 3, requests: { 'dynamodb.Query': 10, 'dynamodb.UpdateItem': 1 }, billedMs: 0, logBytes: 0 });
    const w = windowOf(
      Array.from({ length: 11 }, (_, i) => job(`j${i}`, 'completed', 1)),
      usage({
        writeUnits: 45,
        sweeperStateWriteUnits: 5,
        readUnits: 12,
        reportedReadUnits: 3,
        emptyReceives: 4,
        requests: { 'sqs.SendMessageBatch': 2, 'sqs.ReceiveMessage': 7, 'sqs.DeleteMessageBatch': 3, 'dynamodb.Query': 25, 'dynamodb.PutItem': 10 },
        invocations: { Sweeper: 2, Consumer: 3 },
      }),
      1,
    );
    const c = pathCost(w, fixed, FUNCTIONS);
    expect(c.jobs).toBe(10);
    expect(c.writeUnits).toBe(4);
    // 12 billed − 2 sweeps × 5 idle = 2 over 10 jobs.
    expect(c.readUnits).toBe(0.2);
    expect(c.reportedReadUnits).toBe(0.3);
    // 2 sends + (7 − 4 empty) receives + 3 deletes.
    expect(c.sqsRequests).toBe(0.8);
    expect(c.lambdaInvocations).toBe(0.3);
    expect(c.requests).toEqual({
      'sqs.SendMessageBatch': 0.2, 'sqs.ReceiveMessage': 0.3, 'sqs.DeleteMessageBatch': 0.3, 'dynamodb.Query': 0.5, 'dynamodb.PutItem': 1,
    });
    // 4 × $0.625 + 0.2 × $0.125 + 0.8 × $0.40 + 0.3 × $0.20 per million, and Lambda's own log lines of 3 invocations.
    const platformLogs = (3 * PLATFORM_LOG_BYTES_PER_INVOCATION / 10) * 0.5 / 2 ** 30 * 1e6;
    expect(c.usdPerMillion).toBeCloseTo(2.905 + platformLogs, 3);
    expect(c.split).toMatchObject({ dynamodb: 2.525, sqs: 0.32, lambdaRequests: 0.06, lambdaDuration: 0 });
  });

  it('prices billed Lambda time at each function’s memory, net of idle sweeps, and the consumer again at 128 MB', () => {
    // An idle sweep: 100 ms billed, 1,000 log bytes.
    const fixed = fixedCost(usage({ billedMs: { Sweeper: 300 }, logBytes: { Sweeper: 3_000 }, invocations: { Sweeper: 3 } }), 3, FUNCTIONS);
    expect(fixed.perSweep).toMatchObject({ billedMs: 100, logBytes: 1_000 });
    const w = windowOf(
      Array.from({ length: 4 }, (_, i) => job(`j${i}`, 'completed', 1)),
      usage({
        invocations: { Sweeper: 2, Consumer: 2 },
        billedMs: { Sweeper: 600, Consumer: 2_000 },
        logBytes: { Sweeper: 2_400, Consumer: 4_000 },
      }),
    );
    const c = pathCost(w, fixed, FUNCTIONS);
    // Sweeper: 600 − 2 × 100 idle = 400 ms over 4 jobs; consumer 2,000 ms over 4 jobs.
    expect(c.billedMs).toEqual({ consumer: 500, sweeper: 100 });
    // 0.5 s × 0.5 GB + 0.1 s × 0.25 GB.
    expect(c.gbSeconds).toBe(0.275);
    expect(c.split.lambdaDuration).toBeCloseTo(0.275 * 0.0000133334 * 1e6, 3);
    // (4,000 + (2,400 − 2 × 1,000) + 2 consumer invocations' platform lines) / 4 jobs.
    expect(c.logBytes).toBe((4_000 + 400 + 2 * PLATFORM_LOG_BYTES_PER_INVOCATION) / 4);
    expect(c.split.logs).toBeCloseTo((c.logBytes * 0.5 * 1e6) / 2 ** 30, 3);
    // At 128 MB the consumer's 0.5 s costs a quarter of its 512 MB price.
    const consumerAt512 = 0.5 * 0.5 * 0.0000133334 * 1e6;
    expect(c.usdPerMillion - c.usdPerMillionAt128Mb).toBeCloseTo(consumerAt512 * 0.75, 2);
  });

  it('prices the same units on provisioned capacity: a unit-second of each capacity-hour, over the utilization', () => {
    // 4 write units: 4 × $0.00065 / 3,600 / 0.7 per job = $1.032 per million, in place of on-demand's $2.50.
    const cost = sweptCost({ writeUnits: 4, readUnits: 0.5, usdPerMillionAt128Mb: 3.64 });
    const capacity = 1e6 * (4 * 0.00065 + 0.5 * 0.00013) / 3600 / 0.7;
    expect(provisionedUsdPerMillion(cost)).toBeCloseTo(3.64 - 2.5 + capacity, 3);
    expect(provisionedUsdPerMillion(cost, 100)).toBeCloseTo(3.64 - 2.5 + capacity * 0.7, 3);
  });

  it('a month of idle sweeps: one Lambda request plus the sweep’s units, 43,200 times, and $0.30 per custom metric', () => {
    const fixed = fixedCost(usage({ readUnits: 8, writeUnits: 4 }), 4, FUNCTIONS, 5);
    const platformLogs = PLATFORM_LOG_BYTES_PER_INVOCATION * 0.5 / 2 ** 30;
    expect(fixed.split.sweeps).toBeCloseTo(43_200 * (1 * 0.625e-6 + 2 * 0.125e-6 + 0.2e-6 + platformLogs), 9);
    expect(fixed.split.metrics).toBe(1.5);
    expect(fixed.usdPerMonth).toBeCloseTo(fixed.split.sweeps + 1.5, 9);
  });
});

describe('report.judgeTargets', () => {
  it.each([
    [100, 500, 0, true],
    [101, 500, 0, false],
    [100, 501, 0, false],
    [5, 10, 1, false],
  ])('lateness p99 %d, max %d, %d not completed → met %s', (p99, max, notCompleted, met) => {
    const targets = judgeTargets([pathLateness('direct', p99, max, notCompleted)], [], scale());
    expect(verdict(targets, 'direct: lateness')).toBe(met);
  });

  it.each([
    [{}, true],
    [{ writeUnits: 4.01 }, false],
    [{ readUnits: 0.1 }, true],
    [{ readUnits: 0.11 }, false],
    [{ sqsRequests: 0.35 }, true],
    [{ sqsRequests: 0.351 }, false],
    [{ usdPerMillion: 2.7 }, true],
    [{ usdPerMillion: 2.71 }, false],
  ])('swept cost %j → met %s', (over, met) => {
    expect(verdict(judgeTargets([], [sweptCost(over)], scale()), 'far-future (swept) job')).toBe(met);
  });

  it('judges no swept cost target when the swept path was not measured', () => {
    expect(judgeTargets([], [], scale()).some((t) => t.target.startsWith('far-future'))).toBe(false);
  });

  it.each([
    ['sweep read units', { sweepRatio: 1.1 }, true],
    ['sweep read units', { sweepRatio: 1.11 }, false],
    ['sweeper send rate', { sendRatio: 0.5 }, true],
    ['sweeper send rate', { sendRatio: 0.49 }, false],
    ['enqueueMany', { enqueueRatio: 0.8 }, true],
    ['enqueueMany', { enqueueRatio: 0.799 }, false],
    ['Consumer bundle', { minifiedBytes: 300 * KB }, true],
    ['Consumer bundle', { minifiedBytes: 300 * KB + 1 }, false],
  ] as const)('%s with %j → met %s', (name, over, met) => {
    expect(verdict(judgeTargets([], [], scale(over)), name)).toBe(met);
  });

  it.each([
    [{ ranOnce: 100, ratio: 0.5 }, true],
    [{ ranOnce: 99, ranMoreThanOnce: 1, ratio: 0.9 }, false],
    [{ ranOnce: 99, neverRan: 1, ratio: 0.9 }, false],
    [{ ranOnce: 100, ratio: 0.49 }, false],
  ])('burst %j → met %s', (over, met) => {
    const base = {
      jobs: 100, lateness: distribution([1]), sweeper: { sent: 100, sweeps: 1, sweepSeconds: 1, perSecond: 100 }, raw: { perSecond: 200 },
      ranMoreThanOnce: 0, neverRan: 0, durationMs: 1,
    };
    const burst = { ...base, ...over };
    expect(verdict(judgeTargets([], [], scale(), { burst }), '100-job burst')).toBe(met);
  });

  it.each([
    [1.2, true],
    [1.201, false],
  ])('direct job with %d SQS requests at 50 callers → met %s', (sqsRequests, met) => {
    const targets = judgeTargets([], [sweptCost({ path: 'direct, 50 callers', sqsRequests })], scale());
    expect(verdict(targets, 'direct job ≤ 1.2 SQS requests')).toBe(met);
  });

  it.each([
    [{ writeUnits: 4, usdPerMillionAt128Mb: 2.7 }, true],
    [{ writeUnits: 10, usdPerMillionAt128Mb: 2.7 }, false],
    [{ writeUnits: 4, usdPerMillionAt128Mb: 2.71 }, false],
  ])('recurring %j → met %s', (over, met) => {
    expect(verdict(judgeTargets([], [sweptCost({ path: 'recurring', ...over })], scale()), 'recurring occurrence')).toBe(met);
  });

  it('judges the one-off swept job at 10 jobs/s from the density suite, priced with the consumer at 128 MB', () => {
    const point = (jobsPerSecond: number, usd: number) => ({
      jobsPerSecond, cost: sweptCost({ usdPerMillionAt128Mb: usd, usdPerMillion: usd + 1 }), lateness: pathLateness('swept', 1, 1),
    });
    const density = { sweepIntervalSec: 60, windowSec: 120, points: [point(1, 9), point(10, 2.6), point(100, 2)] };
    expect(verdict(judgeTargets([], [], scale(), { density }), 'one-off swept job, all-in')).toBe(true);
    const dearer = { ...density, points: [point(10, 2.8)] };
    expect(verdict(judgeTargets([], [], scale(), { density: dearer }), 'one-off swept job, all-in')).toBe(false);
  });

  it('judges the swept and recurring rows again on provisioned capacity, from the same units', () => {
    const point = { jobsPerSecond: 10, cost: sweptCost({ writeUnits: 4, usdPerMillionAt128Mb: 3.64 }), lateness: pathLateness('swept', 1, 1) };
    const targets = judgeTargets([], [sweptCost({ path: 'recurring', writeUnits: 5, usdPerMillionAt128Mb: 3.2 })], scale(), {
      density: { sweepIntervalSec: 60, windowSec: 120, points: [point] },
    });
    const provisioned = targets.filter((t) => t.target.startsWith('the same, table on provisioned capacity'));
    expect(provisioned.map((t) => t.met)).toEqual([true, false]); // $2.17 met; recurring has 5 write units: not met at any price
    expect(provisioned[0]!.measured).toBe('$2.17/M (the same 4 write units, priced per capacity-hour)');
  });

  it('renders every verdict in the targets table', () => {
    const targets = judgeTargets([pathLateness('direct', 239, 276)], [sweptCost({ sqsRequests: 0.891 })], scale());
    const results: BenchResults = {
      startedAt: new Date(DUE).toISOString(), mode: 'quick', machine: { node: 'v20', cpus: 2, platform: 'linux-x64' }, settings: {},
      precision: { paths: [pathLateness('direct', 239, 276)], sweeperJitter: distribution([1, 2]) },
      cost: { paths: [sweptCost({ sqsRequests: 0.891 })], fixed: fixedCost(usage({}), 1, FUNCTIONS) },
      scale: scale(), targets, durationMs: 1,
    };
    const rows = renderTables(results).split('\n').filter((line) => / (met|NOT MET) \|$/.test(line));
    expect(rows).toHaveLength(targets.length);
    expect(rows.find((r) => r.startsWith('| direct: lateness'))).toContain('| p99 239 ms, max 276 ms, 0 not completed | NOT MET |');
    expect(rows.find((r) => r.startsWith('| far-future'))).toContain('0.891 SQS');
  });
});
