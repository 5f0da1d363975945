/**
 * The functions' half of the IAM suite: the sweeper and the consumer run in-process on DynamoDB Local through a client
 * that records the IAM action of every request, over the paths they take (buckets, lanes, schedules, claims,
 * completion, retry, a missing job, a duplicate). What they call must equal `TABLE_ACCESS` (infra/table-access.ts),
 * the grants the construct gives them.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { createSundialTable, localDynamoDbClient } from '../../infra/local/sundial-table.ts';
import { TABLE_ACCESS, type TableAccess } from '../../infra/table-access.ts';
import { MemoryJobQueue, Scheduler } from '../../lib/index.ts';
import { DynamoDbJobStore } from '../../lib/store/dynamodb-store.ts';
import { sweep } from '../../lib/sweeper/sweep.ts';
import { sweepConfigFrom } from '../../lib/sweeper/sweep-config.ts';
import { handleJobMessage } from '../../lib/worker/handle-job-message.ts';
import { defineTestTask, FakeTime, T0 } from '../worker/harness.ts';
import { ActionRecorder } from './support/action-recorder.ts';

let local: DynamoDbLocal;
let plain: DynamoDBClient;
let recorded: DynamoDBClient;
const recorder = new ActionRecorder();

beforeAll(async () => {
  local = await startDynamoDbLocal();
  plain = localDynamoDbClient(local.endpoint);
  recorded = localDynamoDbClient(local.endpoint);
  recorder.attach(recorded, 'dynamodb');
  await createSundialTable(plain, 'worker-grants');
}, 60_000);

afterAll(async () => {
  plain?.destroy();
  recorded?.destroy();
  await local?.stop();
});

function allowed(access: TableAccess): string[] {
  return [...new Set([...access.reads, ...access.writes, ...(access.dueIndex ? ['dynamodb:Query'] : [])])].sort();
}

describe('the functions call exactly what the construct grants them', () => {
  it('sweeper and consumer, over their paths', async () => {
    const time = new FakeTime(T0);
    const queue = new MemoryJobQueue(['default']);
    const setup = new Scheduler({ store: new DynamoDbJobStore({ tableName: 'worker-grants', client: plain, shards: 2 }), queue, clock: time.clock, directHorizonSec: 100, lookaheadSec: 90 });
    const store = new DynamoDbJobStore({ tableName: 'worker-grants', client: recorded, shards: 2 });
    let fails = 1;
    const task = defineTestTask(() => {
      if (fails-- > 0) throw new Error('first attempt fails');
      return 'ok';
    });
    const bucketed = await setup.enqueue(task, {}, { in: 200 });
    await setup.schedule('every-minute', task, {}, { every: 60, startAt: new Date(T0 + 150_000) });

    recorder.take();
    time.now = T0 + 150_000;
    const report = await sweep({ store, queue, clock: time.clock, config: sweepConfigFrom({ shards: 2, lookaheadSec: 90 }), owner: 'sweep-1' });
    expect(report.sent).toBeGreaterThan(0);
    expect(report.spawned).toBeGreaterThan(0);
    expect(recorder.take()).toEqual(allowed(TABLE_ACCESS.sweeper));
    const occurrence = queue.sent.find((m) => m.message.occurrence !== undefined)!.message;

    const deps = {
      store,
      queue,
      clock: time.clock,
      random: () => 0.5,
      sleep: time.sleep,
      retentionDays: 7,
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'SundialTest' }),
    };
    time.now = bucketed.dueAt.getTime();
    const limits = () => ({ deadlineMs: time.now + 60_000 });
    const message = { v: 1 as const, id: bucketed.id, dueAtMs: bucketed.dueAt.getTime(), sentAtMs: T0 };
    expect(await handleJobMessage(message, deps, limits())).toBe('retrying');
    // The first attempt's message again: the job waits for its retry, so the consumer re-sends (crash repair).
    expect(await handleJobMessage(message, deps, limits())).toBe('resent');
    const retry = queue.sent.at(-1)!.message;
    time.now = retry.dueAtMs;
    expect(await handleJobMessage(retry, deps, limits())).toBe('completed');
    await handleJobMessage({ v: 1, id: 'never-written', dueAtMs: time.now, sentAtMs: time.now }, deps, limits()).catch(() => undefined);
    // An occurrence: its first claim reads the schedule and puts the job already claimed.
    time.now = occurrence.dueAtMs;
    expect(await handleJobMessage(occurrence, deps, limits())).toBe('completed');
    expect(recorder.take()).toEqual(allowed(TABLE_ACCESS.consumer));
  }, 60_000);
});
