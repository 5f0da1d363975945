/**
 * The Lambda API calls a developer makes against their stack (`Invoke`, `ListFunctions`, `GetFunction`), answered for
 * the locally deployed functions, so `aws lambda invoke` and the SDK's `LambdaClient` work against the local endpoint.
 * REST-JSON routes under `/2015-03-31/functions`; other Lambda actions get a "not emulated" error naming them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalFunction } from './lambda-runtime.ts';
import { readBody, replyJson, replyNotEmulated, signedService, type LocalApi } from './local-api.ts';

const PREFIX = '/2015-03-31/functions';

/**
 * A function by logical id, physical name, ARN, or the construct id its logical id ends with: CDK joins the construct
 * path and adds a hash ("Sundial/Consumer" → "SundialConsumer1A2B3C4D"). A construct id that matches several
 * functions matches none.
 *
 * @example
 * ```ts
 * findFunction(functions, 'Consumer')?.definition.functionName;
 * ```
 */
export function findFunction(functions: ReadonlyMap<string, LocalFunction>, name: string): LocalFunction | undefined {
  const bare = name.startsWith('arn:') ? name.split(':')[6] ?? name : name;
  const exact = functions.get(bare) ?? [...functions.values()].find((f) => f.definition.functionName === bare);
  if (exact) return exact;
  const byConstructId = [...functions.values()].filter((f) => new RegExp(`${bare}[0-9A-F]{8}$`).test(f.definition.logicalId));
  return byConstructId.length === 1 ? byConstructId[0] : undefined;
}

/**
 * The local Lambda API.
 *
 * @example
 * ```ts
 * const api = new LocalLambdaApi(() => functions);
 * router.apis.push(api);
 * ```
 */
export class LocalLambdaApi implements LocalApi {
  constructor(private readonly functions: () => ReadonlyMap<string, LocalFunction>) {}

  handles(request: IncomingMessage): boolean {
    return signedService(request) === 'lambda' || (request.url ?? '').startsWith(PREFIX);
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://local').pathname;
    const match = /^\/2015-03-31\/functions\/?([^/]*)(\/invocations)?\/?$/.exec(path);
    if (!match) return replyNotEmulated(response, 'lambda', `${request.method} ${path}`);
    const [, encodedName = '', invocations] = match;
    if (encodedName === '') {
      if (request.method !== 'GET') return replyNotEmulated(response, 'lambda', 'CreateFunction');
      return replyJson(response, 200, { Functions: [...this.functions().values()].map(configuration) });
    }
    const name = decodeURIComponent(encodedName);
    const fn = findFunction(this.functions(), name);
    if (!fn) {
      const message = `Function not found: ${name} (the local stack has ${[...this.functions().values()].map((f) => f.definition.functionName).join(', ')})`;
      return replyJson(response, 404, { Type: 'User', Message: message, message }, 'ResourceNotFoundException');
    }
    if (invocations && request.method === 'POST') return this.invoke(fn, request, response);
    if (!invocations && request.method === 'GET') {
      return replyJson(response, 200, { Configuration: configuration(fn), Code: { RepositoryType: 'S3', Location: `file://${fn.definition.handlerFile}` } });
    }
    return replyNotEmulated(response, 'lambda', invocations ? `${request.method} Invoke` : request.method === 'DELETE' ? 'DeleteFunction' : `${request.method} ${path}`);
  }

  private async invoke(fn: LocalFunction, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readBody(request);
    let event: unknown;
    try {
      event = text === '' ? {} : JSON.parse(text);
    } catch {
      return replyJson(response, 400, { Type: 'User', message: 'Could not parse request body into json', Message: 'Could not parse request body into json' }, 'InvalidRequestContentException');
    }
    const type = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (type === 'DryRun') return void response.writeHead(204).end();
    if (type === 'Event') {
      void fn.invoke(event);
      return void response.writeHead(202).end();
    }
    const result = await fn.invoke(event);
    const headers = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST', 'x-amzn-requestid': result.requestId };
    if (result.ok) {
      response.writeHead(200, headers);
      return void response.end(result.value === undefined ? 'null' : JSON.stringify(result.value));
    }
    response.writeHead(200, { ...headers, 'x-amz-function-error': 'Unhandled' });
    response.end(JSON.stringify(result.error));
  }
}

function configuration(fn: LocalFunction): Record<string, unknown> {
  const d = fn.definition;
  return {
    FunctionName: d.functionName,
    FunctionArn: d.arn,
    Handler: `index.${d.handlerExport}`,
    Timeout: d.timeoutSec,
    MemorySize: d.memoryMb,
    Environment: { Variables: d.environment },
    PackageType: 'Zip',
    Version: '$LATEST',
    State: 'Active',
    LastUpdateStatus: 'Successful',
    Description: `local stack: ${d.logicalId}`,
  };
}
