import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { connect, createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { isPortOpen, isProcessAlive } from '../../infra/local/processes.ts';
import { startSqsLocal, type SqsLocal } from '../../infra/local/sqs-local.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The machine's first non-loopback IPv4 address (undefined on a machine with loopback only). */
const externalIPv4 = Object.values(networkInterfaces())
  .flat()
  .find((info) => info !== undefined && info.family === 'IPv4' && !info.internal)?.address;

/** Whether a TCP connection to `host:port` is accepted ("refused" and any other failure both mean no). */
async function accepts(host: string, port: number): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('DynamoDB Local', () => {
  let ddb: DynamoDbLocal;
  beforeAll(async () => {
    ddb = await startDynamoDbLocal();
  });
  afterAll(async () => {
    await ddb.stop();
  });

  it('serves the DynamoDB API on its loopback endpoint', async () => {
    const client = new DynamoDBClient({ endpoint: ddb.endpoint, region: 'us-east-1', credentials });
    await client.send(
      new CreateTableCommand({
        TableName: 'emulator-test',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    // -sharedDb: another region and key id see the same table.
    const other = new DynamoDBClient({
      endpoint: ddb.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'other', secretAccessKey: 'x' },
    });
    const described = await other.send(new DescribeTableCommand({ TableName: 'emulator-test' }));
    expect(described.Table?.TableStatus).toBe('ACTIVE');
    client.destroy();
    other.destroy();
  });

  it('accepts connections on 127.0.0.1', async () => {
    expect(await accepts('127.0.0.1', ddb.port)).toBe(true);
  });

  it.skipIf(externalIPv4 === undefined)('is not reachable on the machine\'s network address', async () => {
    const address = externalIPv4!;
    // Control: a server on the wildcard address IS reachable there, so a refusal below means "bound to loopback",
    // not "this address cannot be reached at all".
    const wildcard = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => wildcard.listen(0, resolve));
    const wildcardPort = (wildcard.address() as { port: number }).port;
    try {
      expect(await accepts(address, wildcardPort)).toBe(true);
    } finally {
      await new Promise((resolve) => wildcard.close(resolve));
    }
    expect(await accepts(address, ddb.port)).toBe(false);
  });

  it('leaves no process and no port behind after stop', async () => {
    const second = await startDynamoDbLocal();
    expect(second.port).not.toBe(ddb.port);
    expect(isProcessAlive(second.pid)).toBe(true);
    await second.stop();
    expect(isProcessAlive(second.pid)).toBe(false);
    expect(await isPortOpen(second.port)).toBe(false);
  });
});

describe('SQS emulator', () => {
  let sqs: SqsLocal;
  beforeAll(async () => {
    sqs = await startSqsLocal();
  });
  afterAll(async () => {
    await sqs.stop();
  });

  it('names queues with loopback URLs that a client configured by the environment alone can use', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: sqs.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    const client = new SQSClient({});
    // The SDK resolves region and credentials lazily, at the first send: restore the environment after the calls.
    try {
      const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'jobs' }));
      expect(QueueUrl).toBe(sqs.queueUrl('jobs'));
      expect(QueueUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/000000000000\/jobs$/);
      await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' }));
      const received = await client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
      expect(received.Messages?.map((m) => m.Body)).toEqual(['hello']);
      await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: received.Messages![0]!.ReceiptHandle! }));
    } finally {
      client.destroy();
      process.env = saved;
    }
  });

  it('releases its port after stop', async () => {
    const second = await startSqsLocal();
    expect(await isPortOpen(second.port)).toBe(true);
    await second.stop();
    expect(await isPortOpen(second.port)).toBe(false);
  });
});
