import { describe, expect, it } from 'vitest';
import type { Job } from '../../lib/model.ts';
import { fixedCost, pathCost, type PathCost } from '../../bench/cost.ts';
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
const sweptCost = (over: Partial<PathCost>): PathCost => ({
  path: 'swept', jobs: 100, writeUnits: 4, readUnits: 0, reportedReadUnits: 0, sqsRequests: 0.3, lambdaInvocations: 0.1,
  requests: {}, usdPerMillion: 2.6, ...over,
});
const scale = (over: { sweepRatio?: number; dispatchRatio?: number; enqueueRatio?: number; minifiedBytes?: number } = {}): ScaleResult => ({
  sweepReads: {
    none: { futureJobs: 0, readUnits: 12, reportedReadUnits: 4, queries: 24, sent: 100 },
    many: { futureJobs: 100_000, readUnits: 12, reportedReadUnits: 4, queries: 24, sent: 100 },
    ratio: over.sweepRatio ?? 1,
  },
  dispatch: { sweeper: { items: 10, perSecond: 60 }, raw: { items: 10, perSecond: 100 }, ratio: over.dispatchRatio ?? 0.6, rawConcurrency: 16 },
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
    const fixed = fixedCost(usage({ readUnits: 15, writeUnits: 9, requests: { 'dynamodb.Query': 30, 'dynamodb.UpdateItem': 3 } }), 3);
    expect(fixed.perSweep).toEqual({ readUnits: 5, writeUnits: 3, requests: { 'dynamodb.Query': 10, 'dynamodb.UpdateItem': 1 } });
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
    const c = pathCost(w, fixed, 'Sweeper');
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
    // 4 × $0.625 + 0.2 × $0.125 + 0.8 × $0.40 + 0.3 × $0.20 per million.
    expect(c.usdPerMillion).toBe(2.905);
  });

  it('a month of idle sweeps: one Lambda request plus the sweep’s units, 43,200 times', () => {
    const fixed = fixedCost(usage({ readUnits: 8, writeUnits: 4 }), 4);
    expect(fixed.usdPerMonth).toBeCloseTo(43_200 * (1 * 0.625e-6 + 2 * 0.125e-6 + 0.2e-6), 9);
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
    ['sweeper dispatch', { dispatchRatio: 0.5 }, true],
    ['sweeper dispatch', { dispatchRatio: 0.49 }, false],
    ['enqueueMany', { enqueueRatio: 0.8 }, true],
    ['enqueueMany', { enqueueRatio: 0.799 }, false],
    ['Consumer bundle', { minifiedBytes: 300 * KB }, true],
    ['Consumer bundle', { minifiedBytes: 300 * KB + 1 }, false],
  ] as const)('%s with %j → met %s', (name, over, met) => {
    expect(verdict(judgeTargets([], [], scale(over)), name)).toBe(met);
  });

  it('renders every verdict in the targets table', () => {
    const targets = judgeTargets([pathLateness('direct', 239, 276)], [sweptCost({ sqsRequests: 0.891 })], scale());
    const results: BenchResults = {
      startedAt: new Date(DUE).toISOString(), mode: 'quick', machine: { node: 'v20', cpus: 2, platform: 'linux-x64' }, settings: {},
      precision: { paths: [pathLateness('direct', 239, 276)], sweeperJitter: distribution([1, 2]) },
      cost: { paths: [sweptCost({ sqsRequests: 0.891 })], fixed: fixedCost(usage({}), 1) },
      scale: scale(), targets, durationMs: 1,
    };
    const rows = renderTables(results).split('\n').filter((line) => / (met|NOT MET) \|$/.test(line));
    expect(rows).toHaveLength(targets.length);
    expect(rows.find((r) => r.startsWith('| direct: lateness'))).toContain('| p99 239 ms, max 276 ms, 0 not completed | NOT MET |');
    expect(rows.find((r) => r.startsWith('| far-future'))).toContain('0.891 SQS');
  });
});
