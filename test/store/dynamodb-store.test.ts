import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { DynamoDbJobStore } from '../../lib/store/dynamodb-store.ts';
import { TABLE_SCHEMA } from '../../lib/store/schema.ts';
import { CONTRACT_SHARDS, describeJobStoreContract, jobRecord, T0 } from './store-contract.ts';

let local: DynamoDbLocal;
let client: DynamoDBClient;
let tables = 0;

beforeAll(async () => {
  local = await startDynamoDbLocal();
  client = new DynamoDBClient({
    endpoint: local.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client?.destroy();
  await local?.stop();
});

/** A fresh table laid out as the CDK construct lays it out (same constants), for one test. */
async function createTable(): Promise<string> {
  const tableName = `sundial-store-${++tables}`;
  const { partitionKey, sortKey, dueIndex } = TABLE_SCHEMA;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: partitionKey, AttributeType: 'S' },
        { AttributeName: sortKey, AttributeType: 'S' },
        { AttributeName: dueIndex.partitionKey, AttributeType: 'S' },
        { AttributeName: dueIndex.sortKey, AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: dueIndex.name,
          KeySchema: [
            { AttributeName: dueIndex.partitionKey, KeyType: 'HASH' },
            { AttributeName: dueIndex.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...dueIndex.projectedAttributes] },
        },
      ],
    }),
  );
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

describe('DynamoDbJobStore write units (docs/architecture.md, "Write units per job")', () => {
  it('costs 4 write units for a far-future job: put 1 + index 1, claim 1, completion 1, the index untouched after the put', async () => {
    const tableName = await createTable();
    const units: Array<{ operation: string; table: number; index: number }> = [];
    const store = new DynamoDbJobStore({
      tableName,
      client,
      shards: CONTRACT_SHARDS,
      onConsumedCapacity: (operation: string, capacity: readonly ConsumedCapacity[]) => {
        for (const c of capacity) {
          units.push({
            operation,
            table: c.Table?.CapacityUnits ?? 0,
            index: Object.values(c.GlobalSecondaryIndexes ?? {}).reduce((sum, gsi) => sum + (gsi.CapacityUnits ?? 0), 0),
          });
        }
      },
    });
    const job = jobRecord({ id: 'far-future', placement: 'bucket', dueAtMs: T0 + 86_400_000 });
    await store.createJob(job);
    await store.claimJob(job.id, { dueAtMs: job.dueAtMs, nowMs: job.dueAtMs, leaseUntilMs: job.dueAtMs + 60_000 });
    await store.finishAttempt(job.id, 1, { state: 'completed', nowMs: job.dueAtMs + 1000, result: '{"ok":true}', expiresAtEpochSec: 1 });
    expect(units).toEqual([
      { operation: 'createJob', table: 1, index: 1 },
      { operation: 'claimJob', table: 1, index: 0 },
      { operation: 'finishAttempt', table: 1, index: 0 },
    ]);
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  });
});
