/**
 * The O(due) promise, measured on DynamoDB Local: a sweep's read units do not grow with the number of jobs waiting in
 * the future. Read units are taken from `ConsumedCapacity` by the benchmark's metering middleware (bench/metering.ts),
 * which asks for it on every request; AWS bills every Query or GetItem at least 0.5 (eventually consistent) or 1
 * (strongly consistent) read unit while DynamoDB Local reports 0 for an empty result, so the meter counts that minimum.
 */
import { meterDynamoDb } from '../../bench/metering.ts';
import { Meter, diff, type MeterSnapshot } from '../../bench/meter.ts';
import { describe, expect, it } from 'vitest';
import { MemoryJobQueue } from '../../lib/queue/memory-queue.ts';
import { DynamoDbJobStore } from '../../lib/store/dynamodb-store.ts';
import { sweep } from '../../lib/sweeper/sweep.ts';
import { sweepConfigFrom } from '../../lib/sweeper/sweep-config.ts';
import type { SweepReport } from '../../lib/sweeper/types.ts';
import { createSundialTable, localDynamoDbClient } from '../../infra/local/sundial-table.ts';
import { FakeClock, MINUTE, T0, ids, jobRecord } from './harness.ts';
import { sharedStackEnv } from '../integration/support.ts';

const SHARDS = 8;

interface ReadMeter {
  readUnits: number;
  requests: number;
}

/** Read units (with AWS's minimum per request) and read requests of `meter` since `before`. */
function readsSince(meter: Meter, before: MeterSnapshot): ReadMeter {
  const delta = diff(meter.snapshot(), before);
  const requests = ['GetItem', 'Query', 'Scan', 'BatchGetItem'].reduce((sum, op) => sum + (delta.requests[`dynamodb.${op}`] ?? 0), 0);
  return { readUnits: delta.readUnits, requests };
}

describe('sweep read units (DynamoDB Local)', () => {
  let tableCount = 0;

  /** One fresh table with `due` jobs in the sweep's window and `future` jobs outside it; one sweep at T0 + 20 min. */
  async function sweepWith(due: number, future: number): Promise<{ meter: ReadMeter; report: SweepReport; queue: MemoryJobQueue }> {
    const client = localDynamoDbClient(sharedStackEnv().AWS_ENDPOINT_URL!); // the shared stack's DynamoDB Local
    const tableName = `sweep-read-units-${++tableCount}`;
    await createSundialTable(client, tableName);
    const store = new DynamoDbJobStore({ tableName, client, shards: SHARDS });
    const now = T0 + 20 * MINUTE;
    const dueJobs = ids('due', due).map((id, i) => jobRecord(id, now - 30_000 + i * 900, T0, 'bucket'));
    // Future jobs: most in the coming days, some later in the very minute the window ends in (the query's sort-key
    // condition must keep them out of the read), none inside the window.
    const futureJobs = ids('future', future).map((id, i) =>
      jobRecord(id, i % 10 === 0 ? now + 90_001 + (i % 29_000) : now + 20 * MINUTE + i * 37_000, T0, 'bucket'),
    );
    const results = await store.createJobs([...dueJobs, ...futureJobs]);
    expect(results.filter((r) => r !== undefined)).toEqual([]);
    const meter = new Meter();
    meterDynamoDb(client, meter);
    const queue = new MemoryJobQueue();
    const clock = new FakeClock(now - 3 * MINUTE);
    const config = sweepConfigFrom({ shards: SHARDS, lookaheadSec: 90 });
    // A first sweep (nothing due yet) gives every shard a cursor, so the measured one is a steady-state sweep.
    const warmUp = await sweep({ store, queue, clock, config, owner: `warm-up-${tableCount}` });
    expect(warmUp.sent).toBe(0);
    const before = meter.snapshot();
    clock.now = now;
    const report = await sweep({ store, queue, clock, config, owner: `sweep-${tableCount}` });
    client.destroy();
    return { meter: readsSince(meter, before), report, queue };
  }

  it('a sweep with 10,000 future jobs and 100 due reads no more than 1.1× the same sweep without the future jobs', async () => {
    const without = await sweepWith(100, 0);
    const withFuture = await sweepWith(100, 10_000);
    expect(without.report.sent).toBe(100);
    expect(withFuture.report.sent).toBe(100);
    expect(new Set(withFuture.queue.sent.map((m) => m.message.id))).toEqual(new Set(ids('due', 100)));
    expect(withFuture.report.pagesRead).toBe(without.report.pagesRead);
    expect(without.meter.readUnits).toBeGreaterThan(0);
    expect(withFuture.meter.readUnits).toBeLessThanOrEqual(1.1 * without.meter.readUnits);
    console.info(
      `read units: ${without.meter.readUnits} without future jobs (${without.meter.requests} requests), ` +
        `${withFuture.meter.readUnits} with 10,000 (${withFuture.meter.requests} requests)`,
    );
  }, 180_000);
});
