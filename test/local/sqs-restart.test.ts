/**
 * `SqsLocal.restart`: the emulator's server goes away (connections refused) and comes back on the same port with its
 * queues and messages, as SQS's endpoint does after an outage. The chaos run uses it for its SQS outage.
 */
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPortOpen } from '../../infra/local/processes.ts';
import { startSqsLocal, type SqsLocal } from '../../infra/local/sqs-local.ts';

describe('SQS emulator restart', () => {
  let sqs: SqsLocal;
  let client: SQSClient;
  beforeAll(async () => {
    sqs = await startSqsLocal();
    client = new SQSClient({
      endpoint: sqs.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client?.destroy();
    await sqs?.stop();
  });

  it('refuses connections while down and keeps every message, delayed ones too', async () => {
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'jobs' }));
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'now' }));
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'later', DelaySeconds: 1 }));

    const restarting = sqs.restart(1_500);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await isPortOpen(sqs.port)).toBe(false);
    await expect(client.send(new ReceiveMessageCommand({ QueueUrl }))).rejects.toThrow();
    await restarting;

    expect(await isPortOpen(sqs.port)).toBe(true);
    const bodies: string[] = [];
    for (let i = 0; i < 10 && bodies.length < 2; i++) {
      const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      bodies.push(...(Messages ?? []).map((m) => m.Body!));
    }
    expect(bodies.sort()).toEqual(['later', 'now']);
  });
});
