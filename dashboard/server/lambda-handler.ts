/**
 * The deployed dashboard: a Lambda behind a function URL with `AWS_IAM` auth. It serves the built page (bundled next
 * to this handler at synth) and the API; the caller's IAM identity, which the function URL verified, is the `caller`
 * every action is logged with. `SUNDIAL_DASHBOARD_READ_ONLY=true` (the read function) refuses every action.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2WithIAMAuthorizer, LambdaFunctionURLResult } from 'aws-lambda';

/** A function URL request with `AWS_IAM` auth (the same shape as API Gateway's HTTP API with an IAM authorizer). */
type LambdaFunctionURLEvent = APIGatewayProxyEventV2WithIAMAuthorizer;
import { Scheduler } from '../../lib/scheduler.ts';
import { dashboardApi } from './api.ts';
import { CONTENT_TYPES } from './content-types.ts';
import { deploymentOf } from './deployment.ts';
import { SECURITY_HEADERS } from './security-headers.ts';

/** Where the construct's bundling puts the built page (next to the bundled handler). */
const ASSETS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'dashboard');

const { queues, sweeper, sqs } = deploymentOf(process.env);
const handle = dashboardApi({
  scheduler: Scheduler.fromEnv(),
  readOnly: process.env.SUNDIAL_DASHBOARD_READ_ONLY !== 'false',
  queues,
  sqs,
  ...(sweeper ? { sweeper } : {}),
});

/**
 * Function URL handler.
 *
 * @example
 * ```ts
 * // infra/dashboard-construct.ts bundles this file as the dashboard functions' entry.
 * export { handler } from './dashboard/server/lambda-handler.ts';
 * ```
 */
export async function handler(event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> {
  const path = event.rawPath || '/';
  if (path.startsWith('/api/')) {
    const body = event.body === undefined ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const response = await handle({
      method: event.requestContext.http.method,
      path,
      query: new URLSearchParams(event.rawQueryString ?? ''),
      headers,
      ...(body !== undefined ? { body } : {}),
      caller: callerOf(event),
    });
    return { statusCode: response.status, headers: { ...SECURITY_HEADERS, 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(response.body) };
  }
  const file = path === '/' || !path.startsWith('/assets/') ? 'index.html' : normalize(path).replace(/^\/+/, '');
  const full = join(ASSETS_DIR, file);
  if (file.includes('..') || !existsSync(full)) return { statusCode: 404, headers: SECURITY_HEADERS, body: 'not found' };
  return {
    statusCode: 200,
    headers: { ...SECURITY_HEADERS, 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': file === 'index.html' ? 'no-store' : 'public, max-age=31536000, immutable' },
    body: readFileSync(full, 'utf8'),
  };
}

/** The IAM identity the function URL authenticated (`AWS_IAM` auth puts it in the request context). */
function callerOf(event: LambdaFunctionURLEvent): string {
  const iam = event.requestContext.authorizer?.iam;
  // userArn names the user or assumed role (with its session name); callerId is the fallback.
  return iam?.userArn ?? iam?.callerId ?? 'unknown';
}
