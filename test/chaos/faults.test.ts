import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEndpointRouter, type EndpointRouter } from '../../infra/local/endpoint-router.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { startSqsLocal, type SqsLocal } from '../../infra/local/sqs-local.ts';
import { classifyCall, decideFault, errorResponse, startFaultProxy, type FaultProxy } from '../../chaos/faults.ts';

const PUT = { service: 'dynamodb', operation: 'PutItem' } as const;

describe('decideFault', () => {
  it.each([
    // roll within the error rate: its position picks the kind (60 % throttling, 20 % 500, 20 % 503)
    [[0.01], { errorRate: 0.05 }, PUT, 'throttle'],
    [[0.035], { errorRate: 0.05 }, PUT, 'internal-error'],
    [[0.045], { errorRate: 0.05 }, PUT, 'unavailable'],
    [[0.5], { errorRate: 0.05 }, PUT, undefined],
    [[0.06], { errorRate: 0.05, lostResponseRate: 0.02 }, PUT, 'lost-response'],
    [[0.01], { errorRate: 0.05 }, { service: 'other', operation: 'CreateSchedule' }, undefined],
    // lag only holds the writers' job writes, never a function's, never a read
    [[0.5, 0.001], { errorRate: 0.05, lagRate: 0.01 }, PUT, 'lag'],
    [[0.5, 0.001], { errorRate: 0.05, lagRate: 0.01 }, { ...PUT, fromFunction: true }, undefined],
    [[0.5, 0.001], { errorRate: 0.05, lagRate: 0.01 }, { service: 'dynamodb', operation: 'GetItem' }, undefined],
  ] as const)('rolls %j with %j on %j → %s', (rolls, plan, call, expected) => {
    const queue = [...rolls];
    expect(decideFault(call, plan, () => queue.shift()!)).toBe(expected);
  });
});

describe('classifyCall', () => {
  it.each([
    [{ 'x-amz-target': 'DynamoDB_20120810.UpdateItem' }, '', { service: 'dynamodb', operation: 'UpdateItem', fromFunction: false }],
    [{ 'x-amz-target': 'AmazonSQS.SendMessageBatch' }, '', { service: 'sqs', operation: 'SendMessageBatch', fromFunction: false }],
    [{}, 'Action=ReceiveMessage&Version=2012-11-05', { service: 'sqs', operation: 'ReceiveMessage', fromFunction: false }],
    [{ 'x-amz-target': 'DynamoDB_20120810.PutItem', 'x-amz-user-agent': 'aws-sdk-js/3 exec-env/AWS_Lambda_nodejs_local' }, '', { service: 'dynamodb', operation: 'PutItem', fromFunction: true }],
  ])('%j %s', (headers, body, expected) => {
    expect(classifyCall(headers, body)).toEqual(expected);
  });
});

describe('fault proxy in front of the emulators', () => {
  let ddb: DynamoDbLocal;
  let sqs: SqsLocal;
  let router: EndpointRouter;
  let proxy: FaultProxy;
  const roll = { value: 0 };
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const clients = (endpoint: string) => ({
    dynamodb: new DynamoDBClient({ endpoint, region: 'us-east-1', credentials }),
    sqs: new SQSClient({ endpoint, region: 'us-east-1', credentials, useQueueUrlAsEndpoint: false }),
  });

  beforeAll(async () => {
    [ddb, sqs] = await Promise.all([startDynamoDbLocal(), startSqsLocal()]);
    router = await startEndpointRouter({ dynamodbPort: ddb.port, sqsPort: sqs.port });
    proxy = await startFaultProxy(() => roll.value);
    proxy.setTarget(router.endpoint);
  });
  afterAll(async () => {
    await proxy?.stop();
    await router?.stop();
    await Promise.all([ddb?.stop(), sqs?.stop()]);
  });

  it('passes everything before it is armed, and nothing is faulted on the observer endpoint', async () => {
    const { dynamodb, sqs: queue } = clients(proxy.endpoint);
    await expect(dynamodb.send(new ListTablesCommand({}))).resolves.toBeDefined();
    await expect(queue.send(new CreateQueueCommand({ QueueName: 'q' }))).resolves.toBeDefined();
    proxy.arm({ errorRate: 1 });
    const observer = clients(proxy.observerEndpoint);
    await expect(observer.dynamodb.send(new ListTablesCommand({}))).resolves.toBeDefined();
    proxy.disarm();
  });

  it.each([
    [0.1, 'ThrottlingException', 'RequestThrottled'],
    [0.7, 'InternalServerError', 'InternalError'],
    [0.9, 'ServiceUnavailable', 'ServiceUnavailable'],
  ])('roll %d: the SDK sees %s / %s and retries it as it retries AWS', async (value, dynamoName, sqsName) => {
    roll.value = value;
    proxy.arm({ errorRate: 1 });
    const { dynamodb, sqs: queue } = clients(proxy.endpoint);
    const before = proxy.tally.totalInjected;
    type Failure = { name: string; $metadata: { attempts: number } };
    const ddbError = (await dynamodb.send(new ListTablesCommand({})).catch((e: unknown) => e)) as Failure;
    const sqsError = (await queue.send(new ListQueuesCommand({})).catch((e: unknown) => e)) as Failure;
    proxy.disarm();
    expect([ddbError.name, sqsError.name]).toEqual([dynamoName, sqsName]);
    // Retried as AWS's own throttling and 5xx errors: every attempt the client made (its default budget: 3 for SQS,
    // 4 for DynamoDB) met an injected fault.
    expect(ddbError.$metadata.attempts).toBeGreaterThanOrEqual(3);
    expect(sqsError.$metadata.attempts).toBeGreaterThanOrEqual(3);
    expect(proxy.tally.totalInjected - before).toBe(ddbError.$metadata.attempts + sqsError.$metadata.attempts);
  });

  it('shapes SQS errors with the query-compatible code header', () => {
    expect(errorResponse({ service: 'sqs', operation: 'SendMessage' }, 'throttle').headers['x-amzn-query-error']).toBe('RequestThrottled;Sender');
  });
});
