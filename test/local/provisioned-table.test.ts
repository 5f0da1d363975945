/**
 * The construct with `tableBilling: provisioned` deploys on the local stack (the table and its index get their
 * throughput, the auto scaling resources have no local counterpart) and runs a job end to end. DynamoDB Local does not
 * enforce capacity, so this checks the deployment, not throttling.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startLocalStack, type LocalStack } from '../../infra/local/index.ts';
import { Scheduler } from '../../lib/index.ts';
import { eventually } from '../integration/support.ts';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({
    props: { tableBilling: { mode: 'provisioned', minWriteCapacity: 3, maxWriteCapacity: 50, maxReadCapacity: 20 } },
    sweepEverySeconds: 2,
    onLog: () => undefined,
  });
});
afterAll(async () => {
  await stack?.stop();
});

it('deploys a provisioned, auto-scaled table and runs a job on it', async () => {
  const env = stack.env;
  const client = new DynamoDBClient({
    endpoint: env.AWS_ENDPOINT_URL!,
    region: env.AWS_REGION!,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
  });
  const { Table } = await client.send(new DescribeTableCommand({ TableName: env.SUNDIAL_TABLE_NAME }));
  client.destroy();
  expect(Table?.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 1, WriteCapacityUnits: 3 });
  expect(Table?.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 1, WriteCapacityUnits: 3 });

  const scheduler = Scheduler.fromEnv(env);
  const job = await scheduler.enqueue('send-email', { to: 'a@example.com', subject: 'provisioned' }, { in: 1 });
  expect(await eventually(async () => ((await scheduler.get(job.id)).state === 'completed' ? true : undefined), 'the job completed')).toBe(true);
});
