/**
 * What the local service APIs (Scheduler, EventBridge, Lambda) share: the router hands each request to the API that
 * `handles` it; replies follow the AWS protocols (JSON bodies, `x-amzn-errortype` on errors).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A service API the endpoint router serves in-process. */
export interface LocalApi {
  handles(request: IncomingMessage): boolean;
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
}

/**
 * The signing name of the service a request is for, from its SigV4 credential scope
 * (`Credential=<key>/<date>/<region>/<service>/aws4_request`); `undefined` for an unsigned request.
 *
 * @example
 * ```ts
 * signedService(request); // 'lambda'
 * ```
 */
export function signedService(request: IncomingMessage): string | undefined {
  return /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(String(request.headers.authorization ?? ''))?.[1];
}

/** Reads a request body as text. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Writes a JSON reply; an `errorType` becomes `x-amzn-errortype`, which the SDKs and the CLI read as the error code. */
export function replyJson(response: ServerResponse, status: number, body: unknown, errorType?: string, contentType = 'application/json'): void {
  response.writeHead(status, { 'content-type': contentType, ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
  response.end(JSON.stringify(body));
}

/**
 * The answer to a call the local stack does not emulate: a 400 naming the service and the action, so a developer
 * sees at once that the call reached the local stack and what it lacks.
 *
 * @example
 * ```ts
 * replyNotEmulated(response, 'lambda', 'CreateFunction');
 * ```
 */
export function replyNotEmulated(response: ServerResponse, service: string, action: string): void {
  const message =
    `${service} ${action} is not emulated by the local stack: it answers DynamoDB, SQS, EventBridge PutEvents, ` +
    'the Scheduler API (GetSchedule, UpdateSchedule, ListSchedules) and the Lambda API (Invoke, ListFunctions, GetFunction). ' +
    'Use AWS_ENDPOINT_URL with LocalStack, or a real account, for the rest.';
  replyJson(response, 400, { __type: 'NotEmulatedException', message, Message: message }, 'NotEmulatedException');
}

/**
 * The action a request names, for messages: `X-Amz-Target`'s operation, a query `Action`, or the method and path.
 *
 * @example
 * ```ts
 * requestAction(request); // 'PutRule'
 * ```
 */
export function requestAction(request: IncomingMessage): string {
  const target = String(request.headers['x-amz-target'] ?? '');
  if (target) return target.split('.').pop()!;
  const action = new URL(request.url ?? '/', 'http://local').searchParams.get('Action');
  return action ?? `${request.method} ${new URL(request.url ?? '/', 'http://local').pathname}`;
}
