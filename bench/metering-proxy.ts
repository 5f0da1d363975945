/**
 * A loopback proxy that meters the requests of processes the SDK middleware cannot reach: the Lambda handlers run by
 * the local stack in child processes, each with its own clients. The benchmark gives the local stack this proxy as
 * its endpoint (`AWS_ENDPOINT_URL`), so every function request passes here on its way to the stack's endpoint router.
 *
 * DynamoDB calls (`X-Amz-Target: DynamoDB_20120810.<Operation>`) get `ReturnConsumedCapacity: 'INDEXES'` added to
 * their JSON body and the capacity is read back from the response; SQS calls (`AmazonSQS.<Operation>`, or the query
 * protocol's `Action=`) are counted, and the messages a ReceiveMessage returned. The emulators do not check request
 * signatures, so rewriting the body is safe here (it would not be against AWS, which is why this exists only here).
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { TABLE_SCHEMA } from '../lib/store/schema.ts';
import { listenOnLoopback } from '../infra/local/processes.ts';
import { CAPACITY_OPERATIONS, type Meter } from './meter.ts';

/** Partition key value of the sweeper's state item (`sweeperKey()` in lib/store/items.ts). */
const SWEEPER_PARTITION = 'sweeper';

interface DynamoDbInput {
  ReturnConsumedCapacity?: string;
  ConsistentRead?: boolean;
  Key?: Record<string, { S?: string }>;
  Item?: Record<string, { S?: string }>;
}

/** A running metering proxy. */
export interface MeteringProxy {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts the proxy on a free loopback port, forwarding everything to `target` (an `http://127.0.0.1:<port>` URL).
 *
 * @example
 * ```ts
 * const proxy = await startMeteringProxy(router.endpoint, meter);
 * const stack = await startLocalStack({ endpoint: proxy.endpoint });
 * ```
 */
export async function startMeteringProxy(target: string, meter: Meter): Promise<MeteringProxy> {
  const targetUrl = new URL(target);
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const call = classify(incoming.headers, Buffer.concat(chunks));
      const headers = { ...incoming.headers, 'content-length': String(call.body.length) };
      const forward = request(
        { host: targetUrl.hostname, port: targetUrl.port, method: incoming.method, path: incoming.url, headers },
        (response) => {
          const answer: Buffer[] = [];
          response.on('data', (chunk: Buffer) => answer.push(chunk));
          response.on('end', () => {
            const body = Buffer.concat(answer);
            outgoing.writeHead(response.statusCode ?? 502, response.headers);
            outgoing.end(body);
            record(meter, call, response.statusCode ?? 502, decode(body, response.headers));
          });
        },
      );
      forward.on('error', (error) => {
        if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'text/plain' });
        outgoing.end(`bench metering proxy: ${error.message}`);
      });
      forward.end(call.body);
    });
  });
  return listenOnLoopback(server);
}

interface ClassifiedCall {
  readonly service: 'dynamodb' | 'sqs' | 'other';
  readonly operation: string;
  readonly consistentRead: boolean;
  readonly sweeperState?: boolean;
  /** The body to forward (with `ReturnConsumedCapacity` added for DynamoDB). */
  readonly body: Buffer;
}

function classify(headers: IncomingHttpHeaders, body: Buffer): ClassifiedCall {
  const target = String(headers['x-amz-target'] ?? '');
  if (target.startsWith('DynamoDB_')) {
    const operation = target.slice(target.indexOf('.') + 1);
    if (!CAPACITY_OPERATIONS.has(operation)) return { service: 'dynamodb', operation, consistentRead: false, body };
    const input = JSON.parse(body.toString('utf8') || '{}') as DynamoDbInput;
    input.ReturnConsumedCapacity = 'INDEXES';
    const sweeperState = (input.Key ?? input.Item)?.[TABLE_SCHEMA.partitionKey]?.S === SWEEPER_PARTITION;
    return { service: 'dynamodb', operation, consistentRead: input.ConsistentRead === true, sweeperState, body: Buffer.from(JSON.stringify(input)) };
  }
  if (target.startsWith('AmazonSQS.')) return { service: 'sqs', operation: target.slice('AmazonSQS.'.length), consistentRead: false, body };
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString('utf8'))?.[1];
  if (action !== undefined) return { service: 'sqs', operation: action, consistentRead: false, body };
  return { service: 'other', operation: target || 'unknown', consistentRead: false, body };
}

function decode(body: Buffer, headers: IncomingHttpHeaders): string {
  return headers['content-encoding'] === 'gzip' ? gunzipSync(body).toString('utf8') : body.toString('utf8');
}

function record(meter: Meter, call: ClassifiedCall, status: number, body: string): void {
  if (call.service === 'other') {
    meter.recordOther('other', call.operation);
    return;
  }
  const parsed = parseJson(body);
  if (call.service === 'sqs') {
    const messages = call.operation === 'ReceiveMessage' ? countMessages(parsed, body) : undefined;
    meter.recordSqs(call.operation, messages);
    return;
  }
  const consumed = status === 200 ? (parsed as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] } | undefined)?.ConsumedCapacity : undefined;
  const errorType = String((parsed as { __type?: string } | undefined)?.__type ?? '');
  meter.recordDynamoDb({
    operation: call.operation,
    consistentRead: call.consistentRead,
    consumed: consumed === undefined ? [] : [consumed].flat(),
    conditionFailed: status !== 200 && errorType.endsWith('ConditionalCheckFailedException'),
    sweeperState: call.sweeperState === true,
  });
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Messages in a ReceiveMessage response: JSON protocol, or the query protocol's XML. */
function countMessages(parsed: unknown, raw: string): number {
  const messages = (parsed as { Messages?: unknown[] } | undefined)?.Messages;
  if (Array.isArray(messages)) return messages.length;
  if (parsed !== undefined) return 0;
  return (raw.match(/<Message>/g) ?? []).length;
}
