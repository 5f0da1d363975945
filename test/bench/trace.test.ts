import { describe, expect, it } from 'vitest';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { Job } from '../../lib/model.ts';
import { DeliveryTrace, STAGES, latenessBreakdown, stageShares } from '../../bench/trace.ts';

const DUE = Date.parse('2026-11-23T12:00:00Z');

const record = (id: string, dueAtMs: number, sentAtMs: number, sentTimestamp: number, firstReceive: number, receiveCount = '1'): SQSRecord => ({
  messageId: `m-${id}-${receiveCount}`, receiptHandle: 'r', body: JSON.stringify({ v: 1, id, dueAtMs, sentAtMs }),
  attributes: {
    ApproximateReceiveCount: receiveCount, SentTimestamp: String(sentTimestamp), SenderId: 's',
    ApproximateFirstReceiveTimestamp: String(firstReceive),
  },
  messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q', awsRegion: 'us-east-1',
});
const event = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const job = (id: string, claimLateMs: number, startLateMs: number, dueAtMs = DUE): Job => ({
  id, task: 'bench-record', queue: 'default', payload: {}, state: 'completed', dueAt: new Date(dueAtMs), attempt: 1, maxAttempts: 3,
  createdAt: new Date(dueAtMs - 10_000), updatedAt: new Date(dueAtMs), startedAt: new Date(dueAtMs + claimLateMs),
  result: { startedAtMs: dueAtMs + startLateMs },
});

describe('stageShares', () => {
  it.each([
    // visible, receive, invoke, claim, start (ms from due) → shares
    [[-800, -790, -789, 2, 5], [0, 0, 0, 2, 3]],
    [[-800, 30, 31, 40, 45], [0, 30, 1, 9, 5]],
    // Sent after the due time (delay 0): the sender's share is how late it became visible.
    [[120, 125, 126, 130, 131], [120, 5, 1, 4, 1]],
    // A checkpoint stamped a little before the previous one adds nothing and takes nothing away.
    [[-500, 20, 18, 25, 30], [0, 20, 0, 5, 5]],
  ])('%j → %j, summing to the lateness', (offsets, shares) => {
    const [visible, receive, invoke, claim, start] = offsets.map((ms) => DUE + ms) as [number, number, number, number, number];
    const got = stageShares({ dueAtMs: DUE, visibleAtMs: visible, firstReceiveMs: receive, invokedAtMs: invoke, claimedAtMs: claim, startedAtMs: start });
    expect(got).toEqual(shares);
    expect(got).toHaveLength(STAGES.length);
    expect(got.reduce((a, b) => a + b, 0)).toBe(Math.max(0, start - DUE));
  });
});

describe('DeliveryTrace', () => {
  it('keeps the first delivery per (job, due time), with visibility = SentTimestamp + the rounded-down delay', () => {
    const trace = new DeliveryTrace();
    // Sent 10.7 s before due → DelaySeconds 10; the emulator stamped it 3 ms after the sender's clock.
    trace.record(event(record('a', DUE, DUE - 10_700, DUE - 10_697, DUE - 690)), DUE - 680);
    trace.record(event(record('a', DUE, DUE - 10_700, DUE - 10_697, DUE - 690, '2')), DUE + 30_000);
    trace.record(event({ ...record('x', DUE, DUE, DUE, DUE), body: 'not json' }), DUE);
    expect(trace.get('a', DUE)).toEqual({ jobId: 'a', dueAtMs: DUE, visibleAtMs: DUE - 697, firstReceiveMs: DUE - 690, invokedAtMs: DUE - 680 });
    expect(trace.get('a', DUE + 1)).toBeUndefined();
    expect(trace.get('x', DUE)).toBeUndefined();
  });

  it('counts the consumer invocations running at an instant', () => {
    const trace = new DeliveryTrace();
    trace.recordSpan(0, 100);
    trace.recordSpan(50, 150);
    expect([trace.runningAt(-1), trace.runningAt(0), trace.runningAt(60), trace.runningAt(100), trace.runningAt(150)]).toEqual([0, 1, 2, 1, 0]);
  });
});

describe('latenessBreakdown', () => {
  it('splits each job by stage, names the tail and separates jobs due inside the enqueue burst', () => {
    const trace = new DeliveryTrace();
    const jobs: Job[] = [];
    for (let i = 0; i < 100; i++) {
      const due = DUE + i * 1_000;
      // Job 0 is the late one: received 200 ms after due while two invocations held both slots.
      const receive = i === 0 ? due + 200 : due - 500;
      trace.record(event(record(`j${i}`, due, due - 5_400, due - 5_400, receive)), receive + 1);
      jobs.push(job(`j${i}`, i === 0 ? 205 : 3, i === 0 ? 210 : 8, due));
    }
    trace.recordSpan(DUE - 300, DUE + 250);
    trace.recordSpan(DUE - 200, DUE + 250);
    jobs.push({ ...job('untraced', 1, 2), id: 'untraced' }, { ...job('f', 1, 2), state: 'failed' });

    const b = latenessBreakdown('direct', jobs, trace, { maxConcurrency: 2, quietFromMs: DUE + 500 });
    expect(b).toMatchObject({ path: 'direct', traced: 100, untraced: 1, tailAtConcurrencyLimit: 1 });
    expect(b.tail.map((t) => t.meanMs)).toEqual([0, 200, 1, 4, 5]);
    expect(b.stages.find((s) => s.stage === 'queue → receive')!.share).toMatchObject({ p50: 0, max: 200 });
    expect(b.stages.find((s) => s.stage === 'claim → start')!.share).toMatchObject({ p50: 5, max: 5 });
    expect(b.consumer).toMatchObject({ invocations: 2, allBusyShare: 0.818 });
    expect(b.consumer.holdMs).toMatchObject({ p50: 450, max: 550 });
    expect(b.byDue!.before).toMatchObject({ count: 1, max: 210 });
    expect(b.byDue!.after).toMatchObject({ count: 99, max: 8 });
  });
});
