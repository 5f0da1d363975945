/**
 * One endpoint for both emulators, so `AWS_ENDPOINT_URL` alone configures every SDK client (as with LocalStack): a
 * loopback HTTP proxy that sends DynamoDB calls (`X-Amz-Target: DynamoDB_…`) to DynamoDB Local, EventBridge Scheduler,
 * EventBridge and Lambda calls to the local APIs, SQS calls to the SQS emulator, and answers any other service with a
 * "not emulated by the local stack" error. The `Host` header is passed on unchanged, so the
 * emulator names queues after this endpoint.
 */
import { createServer, request, type Server } from 'node:http';
import { listenOnLoopback, type LoopbackServer } from './processes.ts';
import { replyNotEmulated, requestAction, signedService, type LocalApi } from './local-api.ts';
import type { LocalSchedulerApi } from './scheduler-api.ts';

/** A running router. */
export type EndpointRouter = LoopbackServer;

/**
 * Starts the router on a free loopback port.
 *
 * @example
 * ```ts
 * const router = await startEndpointRouter({ dynamodbPort: ddb.port, sqsPort: sqs.port });
 * process.env.AWS_ENDPOINT_URL = router.endpoint;
 * ```
 */
export async function startEndpointRouter(targets: {
  dynamodbPort: number;
  sqsPort: number;
  schedulerApi?: LocalSchedulerApi;
  /** More in-process APIs (Lambda, EventBridge); the list may grow after the router starts. */
  apis?: readonly LocalApi[];
}): Promise<EndpointRouter> {
  const server: Server = createServer((incoming, outgoing) => {
    const api = [targets.schedulerApi, ...(targets.apis ?? [])].find((a) => a?.handles(incoming));
    if (api) {
      api.handle(incoming, outgoing).catch((error: Error) => {
        if (!outgoing.headersSent) outgoing.writeHead(500, { 'content-type': 'text/plain' });
        outgoing.end(`local ${api.constructor.name}: ${error.message}`);
      });
      return;
    }
    // A signed call to a service nobody here answers: say so, rather than let the SQS emulator answer nonsense.
    const service = signedService(incoming);
    if (service !== undefined && !['dynamodb', 'sqs'].includes(service)) return replyNotEmulated(outgoing, service, requestAction(incoming));
    const target = String(incoming.headers['x-amz-target'] ?? '');
    const port = target.startsWith('DynamoDB') ? targets.dynamodbPort : targets.sqsPort;
    const forward = request(
      { host: '127.0.0.1', port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    forward.on('error', (error) => {
      if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'text/plain' });
      outgoing.end(`local endpoint router: ${error.message}`);
    });
    incoming.pipe(forward);
  });
  return listenOnLoopback(server);
}
