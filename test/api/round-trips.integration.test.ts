/**
 * What `schedule()`, `resume()` and `cancel(scheduleId)` cost on DynamoDB Local, counted from `ConsumedCapacity` by the
 * benchmark's own metering middleware (bench/metering.ts), with AWS's minimum per read. Each call reads the schedule
 * at most once: the schedule it just wrote is what spawning starts from, and the spawn's own result is what it returns.
 * A new schedule is written once, with its first occurrences already spawned.
 *
 * Print the table: `npx vitest run test/api/round-trips.integration.test.ts`
 */
import { describe, expect, it } from 'vitest';
import { meterDynamoDb } from '../../bench/metering.ts';
import { Meter, diff, type MeterSnapshot } from '../../bench/meter.ts';
import { createSundialTable, localDynamoDbClient } from '../../infra/local/sundial-table.ts';
import { MemoryJobQueue } from '../../lib/queue/memory-queue.ts';
import { Scheduler } from '../../lib/scheduler.ts';
import { DynamoDbJobStore } from '../../lib/store/dynamodb-store.ts';
import { sharedStackEnv } from '../integration/support.ts';

const T0 = Date.parse('2026-11-23T14:00:00Z');
const SHARDS = 4;

/** Units and requests of one call. */
interface Cost {
  readUnits: number;
  writeUnits: number;
  reads: number;
}

function costOf(delta: MeterSnapshot): Cost {
  const count = (op: string) => delta.requests[`dynamodb.${op}`] ?? 0;
  return {
    readUnits: delta.readUnits,
    writeUnits: delta.writeUnits,
    reads: count('GetItem') + count('Query'),
  };
}

describe('billed round trips of the schedule API (DynamoDB Local)', () => {
  it('schedule() and resume() read the schedule once; cancel(scheduleId) neither tries a job write nor reads', async () => {
    const client = localDynamoDbClient(sharedStackEnv().AWS_ENDPOINT_URL!); // the shared stack's DynamoDB Local
    const tableName = `round-trips-${Date.now()}`;
    await createSundialTable(client, tableName);
    const meter = new Meter();
    meterDynamoDb(client, meter);
    let nowMs = T0;
    const scheduler = new Scheduler({
      store: new DynamoDbJobStore({ tableName, client, shards: SHARDS }),
      queue: new MemoryJobQueue(),
      clock: { nowMs: () => nowMs },
    });
    const measure = async (call: () => Promise<unknown>): Promise<Cost> => {
      const before = meter.snapshot();
      await call();
      return costOf(diff(meter.snapshot(), before));
    };

    // Due within the lookahead: the call spawns the first occurrence itself.
    const created = await measure(() => scheduler.schedule('weekly-report', 'report', {}, { every: 60 }));
    nowMs += 1_000;
    const replaced = await measure(() => scheduler.schedule('weekly-report', 'report', { v: 2 }, { every: 60 }));
    await scheduler.pause('weekly-report');
    nowMs += 1_000;
    const resumed = await measure(() => scheduler.resume('weekly-report'));
    const cancelled = await measure(() => scheduler.cancel('weekly-report'));
    client.destroy();

    console.info(
      'billed units per call (DynamoDB Local, AWS minimums applied)\n' +
        [['call', 'read units', 'write units', 'reads'], ...Object.entries({ 'schedule() new': created, 'schedule() replace': replaced, 'resume()': resumed, 'cancel(scheduleId)': cancelled })
          .map(([name, c]) => [name, c.readUnits, c.writeUnits, c.reads])]
          .map((row) => row.map(String).map((cell, i) => (i === 0 ? cell.padEnd(20) : cell.padStart(12))).join(''))
          .join('\n'),
    );
    // One strongly consistent read of the schedule (1 unit): the version and creation time of a replaced schedule.
    expect(created).toMatchObject({ reads: 1, readUnits: 1 });
    // A new schedule is written once, already past the four occurrences it sent: the item and its lane entry (a put,
    // then an advance moving the lane entry, was 2 + 3).
    expect(created.writeUnits).toBe(2);
    expect(replaced).toMatchObject({ reads: 1, readUnits: 1 });
    // One read: the rule, to find the first slot after now.
    expect(resumed).toMatchObject({ reads: 1, readUnits: 1 });
    // No read, and no refused job write: only the delete (and the cancels of the occurrences it had spawned).
    expect(cancelled).toMatchObject({ reads: 0, readUnits: 0 });
  });
});
