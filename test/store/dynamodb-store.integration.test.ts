import {
  DeleteTableCommand,
  DynamoDBClient,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { shardOf } from '../../lib/core/buckets.ts';
import { jobPutTransactItem } from '../../lib/store/transaction-items.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterDynamoDb } from '../../bench/metering.ts';
import { Meter, diff } from '../../bench/meter.ts';
import { createSundialTable, localDynamoDbClient } from '../../infra/local/sundial-table.ts';
import { DynamoDbJobStore } from '../../lib/store/dynamodb-store.ts';
import { CONTRACT_SHARDS, describeJobStoreContract, jobRecord, scheduleRecord, T0 } from './store-contract.ts';
import { sharedStackEnv } from '../integration/support.ts';

let client: DynamoDBClient;
let tables = 0;

// DynamoDB Local of the integration project's shared stack; this file's tables have names of their own.
beforeAll(() => {
  client = localDynamoDbClient(sharedStackEnv().AWS_ENDPOINT_URL!);
});

afterAll(() => {
  client?.destroy();
});

/** A fresh table laid out as the CDK construct lays it out (same constants), for one test. */
async function createTable(): Promise<string> {
  const tableName = `sundial-store-${++tables}`;
  await createSundialTable(client, tableName);
  return tableName;
}

describeJobStoreContract('DynamoDbJobStore on DynamoDB Local', async () => {
  const tableName = await createTable();
  return {
    store: new DynamoDbJobStore({ tableName, client, shards: CONTRACT_SHARDS }),
    cleanup: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
    },
  };
});

/** A store on a table of its own whose client meters capacity, and `step`, which records the units one call wrote. */
async function meteredStore() {
  const tableName = await createTable();
  // A client of its own: the metering middleware stays on it.
  const metered = localDynamoDbClient(sharedStackEnv().AWS_ENDPOINT_URL!);
  const meter = new Meter();
  meterDynamoDb(metered, meter);
  const store = new DynamoDbJobStore({ tableName, client: metered, shards: CONTRACT_SHARDS });
  const units: Array<{ operation: string; table: number; index: number }> = [];
  const step = async (operation: string, call: () => Promise<unknown>) => {
    const before = meter.snapshot();
    await call();
    const delta = diff(meter.snapshot(), before).capacityByTarget;
    units.push({ operation, table: delta[tableName] ?? 0, index: delta[`${tableName}/due`] ?? 0 });
  };
  const close = async () => {
    metered.destroy();
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  };
  return { store, units, step, close };
}

describe('DynamoDbJobStore write units (docs/architecture.md, "Write units per job")', () => {
  it('costs 4 write units for a far-future job: put 1 + index 1, claim 1, completion 1, the index untouched after the put', async () => {
    const { store, units, step, close } = await meteredStore();
    const job = jobRecord({ id: 'far-future', placement: 'bucket', dueAtMs: T0 + 86_400_000 });
    await step('createJob', () => store.createJob(job));
    await step('claimJob', () => store.claimJob(job.id, { dueAtMs: job.dueAtMs, nowMs: job.dueAtMs, leaseUntilMs: job.dueAtMs + 60_000 }));
    await step('finishAttempt', () =>
      store.finishAttempt(job.id, 1, { state: 'completed', nowMs: job.dueAtMs + 1000, result: '{"ok":true}', expiresAtEpochSec: 1 }));
    expect(units).toEqual([
      { operation: 'createJob', table: 1, index: 1 },
      { operation: 'claimJob', table: 1, index: 0 },
      { operation: 'finishAttempt', table: 1, index: 0 },
    ]);
    await close();
  });
});

describe('DynamoDbJobStore write units of a recurring occurrence', () => {
  it('create-as-claimed 1, outcome 1, no index; the schedule advance 3 (its lane key moves), shared by the occurrences it covers', async () => {
    const { store, units, step, close } = await meteredStore();
    const slot = T0 + 300_000;
    await step('putSchedule', () => store.putSchedule(scheduleRecord({ id: 'every-5m', nextRunAtMs: slot })));
    await step('advanceSchedule', () => store.advanceSchedule({ id: 'every-5m', version: 1, expectedNextRunAtMs: slot }, { runs: 1, lastRunAtMs: slot, lastJobId: `every-5m#${slot}`, nextRunAtMs: slot + 300_000, updatedAtMs: T0 }));
    const job = jobRecord({ id: `every-5m#${slot}`, scheduleId: 'every-5m', dueAtMs: slot, placement: 'none', state: 'running', attempt: 1, startedAtMs: slot, leaseUntilMs: slot + 60_000 });
    await step('createClaimedJob', () => store.createClaimedJob(job, { generation: `${T0}.1` }));
    await step('finishAttempt', () => store.finishAttempt(job.id, 1, { state: 'completed', nowMs: slot + 1000, expiresAtEpochSec: 1 }));
    const { nextRunAtMs: _next, ...ending } = { runs: 2, lastRunAtMs: slot + 300_000, lastJobId: 'x', nextRunAtMs: 0, updatedAtMs: T0 };
    await step('advanceSchedule (ends it)', () => store.advanceSchedule({ id: 'every-5m', version: 1, expectedNextRunAtMs: slot + 300_000 }, { ...ending, expiresAtEpochSec: 1 }));
    expect(units).toEqual([
      { operation: 'putSchedule', table: 1, index: 1 },
      // The lane key (dueSk) moves: 2 index writes (a delete and a put), as AWS bills a key change; Local reports the same.
      { operation: 'advanceSchedule', table: 1, index: 2 },
      { operation: 'createClaimedJob', table: 1, index: 0 },
      { operation: 'finishAttempt', table: 1, index: 0 },
      { operation: 'advanceSchedule (ends it)', table: 1, index: 1 },
    ]);
    await close();
  });
});

describe('jobPutTransactItem', () => {
  it('puts a lane job from the caller\'s own transaction, in both formats', async () => {
    const tableName = await createTable();
    const store = new DynamoDbJobStore({ tableName, client, shards: CONTRACT_SHARDS });
    const viaClient = jobRecord({ id: 'tx-client', placement: 'lane', dueAtMs: T0 });
    const viaDocument = jobRecord({ id: 'tx-document', placement: 'lane', dueAtMs: T0 + 1 });
    await client.send(new TransactWriteItemsCommand({ TransactItems: [jobPutTransactItem(tableName, viaClient, CONTRACT_SHARDS, 'client')] }));
    const doc = DynamoDBDocumentClient.from(client);
    await doc.send(new TransactWriteCommand({ TransactItems: [jobPutTransactItem(tableName, viaDocument, CONTRACT_SHARDS, 'document')] }));
    await expect(store.getJob('tx-client')).resolves.toEqual(viaClient);
    await expect(store.getJob('tx-document')).resolves.toEqual(viaDocument);
    for (const job of [viaClient, viaDocument]) {
      const { entries } = await store.readLane(shardOf(job.id, CONTRACT_SHARDS), { untilMs: T0 + 1, limit: 10 });
      expect(entries.map((e) => e.id)).toContain(job.id);
    }
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  });

  it("createJobsWithCallerItems commits the caller's items with the jobs, in both formats, or nothing", async () => {
    const tableName = await createTable();
    const store = new DynamoDbJobStore({ tableName, client, shards: CONTRACT_SHARDS });
    const order = (sk: string) => ({ pk: { S: 'test#order' }, sk: { S: sk } });
    const viaClient = jobRecord({ id: 'tx-with-client', placement: 'lane', dueAtMs: T0 });
    await store.createJobsWithCallerItems([{ Put: { TableName: tableName, Item: order('o-1') } }], [viaClient], 'client');
    const viaDocument = jobRecord({ id: 'tx-with-document', placement: 'lane', dueAtMs: T0 });
    await store.createJobsWithCallerItems([{ Put: { TableName: tableName, Item: { pk: 'test#order', sk: 'o-2' } } }], [viaDocument], 'document');
    await expect(store.getJob(viaClient.id)).resolves.toEqual(viaClient);
    await expect(store.getJob(viaDocument.id)).resolves.toEqual(viaDocument);
    const doc = DynamoDBDocumentClient.from(client);
    for (const sk of ['o-1', 'o-2']) {
      expect((await doc.send(new GetCommand({ TableName: tableName, Key: { pk: 'test#order', sk } }))).Item).toBeDefined();
    }
    // The caller's condition fails: the SDK's cancellation, and no job.
    const cancelled = jobRecord({ id: 'tx-cancelled', placement: 'lane', dueAtMs: T0 });
    const error = await store
      .createJobsWithCallerItems([{ ConditionCheck: { TableName: tableName, Key: order('missing'), ConditionExpression: 'attribute_exists(pk)' } }], [cancelled], 'client')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }] });
    await expect(store.getJob('tx-cancelled')).resolves.toBeUndefined();
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  });

  it('fails the whole transaction when a live job has the id, and replaces an ended one', async () => {
    const tableName = await createTable();
    const store = new DynamoDbJobStore({ tableName, client, shards: CONTRACT_SHARDS });
    const live = jobRecord({ id: 'tx-unique' });
    await store.createJob(live);
    const again = jobRecord({ id: 'tx-unique', task: 'other', placement: 'lane' });
    const error = await client
      .send(new TransactWriteItemsCommand({ TransactItems: [jobPutTransactItem(tableName, again, CONTRACT_SHARDS, 'client')] }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] });
    await expect(store.getJob('tx-unique')).resolves.toEqual(live);

    await store.cancelJob('tx-unique', T0, 1);
    await client.send(new TransactWriteItemsCommand({ TransactItems: [jobPutTransactItem(tableName, again, CONTRACT_SHARDS, 'client')] }));
    await expect(store.getJob('tx-unique')).resolves.toEqual(again);
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  });
});
