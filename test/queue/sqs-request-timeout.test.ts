import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQS_REQUEST_TIMEOUT_MS, sqsClient } from '../../lib/aws-clients.ts';
import { MessageSendError } from '../../lib/core/errors.ts';
import { SqsJobQueue } from '../../lib/queue/sqs-queue.ts';

/** An endpoint that accepts connections and never answers: a hung connection, as a half-open socket looks. */
let server: Server;
let endpoint: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the hung endpoint has no port');
  endpoint = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the SQS client built by sqsClient()', () => {
  it('gives up on a connection that never answers, so a send fails instead of holding its batch slot forever', async () => {
    const client = sqsClient(
      { AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' },
      { maxAttempts: 1 },
    );
    const queue = new SqsJobQueue({
      client,
      queueUrls: { default: `${endpoint}/000000000000/hung` },
      maxAttempts: 1,
      maxBatchesInFlight: 1,
    });
    const message = { message: { v: 1 as const, id: 'j_hung', dueAtMs: 1_000, sentAtMs: 500 }, delaySec: 0 };
    const startedAt = Date.now();
    // Before the timeout existed this promise never settled: the test ran into vitest's own timeout.
    await expect(queue.send('default', [message])).rejects.toBeInstanceOf(MessageSendError);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(SQS_REQUEST_TIMEOUT_MS - 50);
    // The slot the hung request held is free again: the next send is refused the same way, not queued behind it.
    await expect(queue.send('default', [message])).rejects.toThrow(/timeout|ETIMEDOUT|TimeoutError/i);
    client.destroy();
  }, 4 * SQS_REQUEST_TIMEOUT_MS);
});
