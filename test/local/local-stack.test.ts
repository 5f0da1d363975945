import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionLogLine } from '../../infra/local/lambda-runtime.ts';
import { startLocalStack, type LocalStack } from '../../infra/local/local-stack.ts';
import { isPortOpen, isProcessAlive } from '../../infra/local/processes.ts';
import {
  FIXTURE_MAX_CONCURRENCY,
  FIXTURE_MAX_RECEIVE_COUNT,
  synthesizeFixtureStack,
} from './fixtures/fixture-stack.ts';

const assembly = synthesizeFixtureStack();

interface Logged {
  kind: string;
  pid?: number;
  records?: SQSRecord[];
  event?: Record<string, unknown>;
  queueUrl?: string;
}

function startCollecting(): { lines: FunctionLogLine[]; parsed: () => Logged[] } {
  const lines: FunctionLogLine[] = [];
  return {
    lines,
    parsed: () =>
      lines
        .filter((l) => l.stream === 'stdout' && l.line.startsWith('{'))
        .map((l) => JSON.parse(l.line) as Logged),
  };
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('local stack on a template of its own (fixture stack)', () => {
  let stack: LocalStack;
  let sqs: SQSClient;
  let dynamodb: DynamoDBClient;
  const logs = startCollecting();
  const queue = (id: string) => stack.queues.find((q) => q.logicalId.startsWith(id))!;
  const deliveries = (marker: string) =>
    logs
      .parsed()
      .filter((l) => l.kind === 'batch')
      .flatMap((l) => l.records!)
      .filter((r) => r.body.includes(marker));

  async function send(body: Record<string, unknown>): Promise<void> {
    await sqs.send(new SendMessageCommand({ QueueUrl: queue('Work').queueUrl, MessageBody: JSON.stringify(body) }));
  }

  async function dlqBodies(): Promise<string[]> {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue('Dlq').queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );
    return (Messages ?? []).map((m) => m.Body!);
  }

  beforeAll(async () => {
    stack = await startLocalStack({ assembly, sweepEverySeconds: 1, onLog: (l) => logs.lines.push(l) });
    const config = { endpoint: stack.env.AWS_ENDPOINT_URL!, region: stack.env.AWS_REGION!, credentials: {
      accessKeyId: stack.env.AWS_ACCESS_KEY_ID!, secretAccessKey: stack.env.AWS_SECRET_ACCESS_KEY! } };
    sqs = new SQSClient(config);
    dynamodb = new DynamoDBClient(config);
  });

  afterAll(async () => {
    sqs?.destroy();
    dynamodb?.destroy();
    await stack?.stop();
  });

  it('creates the table with its GSI and TTL, as the template says', async () => {
    const table = stack.tables[0]!;
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: table.tableName }));
    expect(Table?.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.Projection?.ProjectionType, g.Projection?.NonKeyAttributes]))
      .toEqual([['due', 'INCLUDE', ['queue']]]);
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    const ttl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: table.tableName }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'expiresAtEpochSec', TimeToLiveStatus: 'ENABLED' });
  });

  it('creates the queues with their attributes and redrive policy', async () => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue('Work').queueUrl, AttributeNames: ['All'] }),
    );
    expect(Attributes?.VisibilityTimeout).toBe('2');
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toEqual({
      deadLetterTargetArn: queue('Dlq').arn,
      maxReceiveCount: FIXTURE_MAX_RECEIVE_COUNT,
    });
  });

  it('gives functions their template environment with references resolved to local URLs', async () => {
    const echo = stack.deployed.functions.find((f) => f.logicalId.startsWith('Echo'))!;
    expect(echo.environment.FIXTURE_QUEUE_URL).toBe(queue('Work').queueUrl);
    expect(echo.environment.FIXTURE_TABLE).toBe(stack.tables[0]!.tableName);
    expect(echo.timeoutSec).toBe(1);
  });

  it('delivers SQS records in AWS shape; a failed record alone is redelivered, then moved to the DLQ', async () => {
    await send({ marker: 'partial-ok-1' });
    await send({ marker: 'partial-bad', fail: true });
    await send({ marker: 'partial-ok-2' });
    await waitFor(async () => (await dlqBodies()).some((b) => b.includes('partial-bad')), 'the failed record in the DLQ');
    expect(deliveries('partial-ok-1')).toHaveLength(1);
    expect(deliveries('partial-ok-2')).toHaveLength(1);
    const bad = deliveries('partial-bad');
    expect(bad.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    const record = bad[0]!;
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: queue('Work').arn,
      awsRegion: 'us-east-1',
      messageAttributes: {},
    });
    expect(record.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    expect(Number(record.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(Number(record.attributes.ApproximateFirstReceiveTimestamp)).toBeGreaterThan(0);
    expect(logs.parsed().find((l) => l.kind === 'env')?.queueUrl).toBe(queue('Work').queueUrl);
  });

  it('kills a function that exceeds its timeout and redelivers its batch', async () => {
    await send({ marker: 'too-slow', sleepMs: 5_000 });
    await waitFor(async () => (await dlqBodies()).some((b) => b.includes('too-slow')), 'the timed-out record in the DLQ');
    expect(deliveries('too-slow').map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    expect(logs.lines.filter((l) => l.line.includes('Task timed out after 1.00 seconds')).length).toBeGreaterThanOrEqual(2);
    const pidsThatRanIt = logs
      .parsed()
      .filter((l) => l.kind === 'batch' && l.records!.some((r) => r.body.includes('too-slow')))
      .map((l) => l.pid!);
    for (const pid of pidsThatRanIt) expect(isProcessAlive(pid)).toBe(false);
  });

  it('respects the event source mapping maximum concurrency', async () => {
    const echo = stack.functions.get(stack.deployed.functions[0]!.logicalId)!;
    echo.peakRunning = 0;
    for (let i = 0; i < 8; i++) await send({ marker: `concurrent-${i}`, sleepMs: 300 });
    await waitFor(() => Array.from({ length: 8 }, (_, i) => deliveries(`concurrent-${i}`).length).every((n) => n >= 1),
      'all 8 records delivered');
    expect(echo.peakRunning).toBeLessThanOrEqual(FIXTURE_MAX_CONCURRENCY);
    expect(echo.peakRunning).toBeGreaterThanOrEqual(1);
  });

  it('fires the schedule with the Scheduled Event shape, and not while its triggers are paused', async () => {
    const scheduled = () => logs.parsed().filter((l) => l.kind === 'scheduled');
    await waitFor(() => scheduled().length >= 1, 'a scheduled invocation');
    expect(scheduled()[0]!.event).toMatchObject({ 'detail-type': 'Scheduled Event', source: 'aws.scheduler', detail: {} });
    stack.pauseTriggers();
    const before = scheduled().length;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    // An invocation already started when pausing may still log; none starts after.
    expect(scheduled().length).toBeLessThanOrEqual(before + 1);
    stack.resumeTriggers();
    await waitFor(() => scheduled().length > before + 1, 'a scheduled invocation after resuming');
  });
});

describe('stack lifecycle', () => {
  it('runs two stacks at once and leaves no process and no port behind after stop', async () => {
    const [a, b] = await Promise.all([
      startLocalStack({ assembly, onLog: () => undefined }),
      startLocalStack({ assembly, onLog: () => undefined }),
    ]);
    const pids = [...a.pids(), ...b.pids()];
    const ports = [...a.ports, ...b.ports];
    try {
      expect(a.env.AWS_ENDPOINT_URL).not.toBe(b.env.AWS_ENDPOINT_URL);
      expect(a.queues[0]!.queueName).not.toBe(b.queues[0]!.queueName);
      const [ra, rb] = await Promise.all([a.invoke('Echo', { ping: 1 }), b.invoke(b.deployed.functions[0]!.functionName, {})]);
      expect(ra.ok && rb.ok).toBe(true);
      pids.push(...a.pids(), ...b.pids());
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    // Two JVMs and at least one function environment per stack.
    expect(new Set(pids).size).toBeGreaterThanOrEqual(4);
    for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
    for (const port of ports) expect(await isPortOpen(port)).toBe(false);
  });
});
