/**
 * `startDashboard`: the dashboard on a loopback port (`sundial dev`, `sundial dashboard`), serving the built app and
 * the API from one origin.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { userInfo } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { Scheduler } from '../../lib/scheduler.ts';
import { dashboardApi, type ActionRecord } from './api.ts';
import { dashboardAssets } from './assets.ts';
import { CONTENT_TYPES } from './content-types.ts';
import { deploymentOf } from './deployment.ts';
import { SECURITY_HEADERS } from './security-headers.ts';

/** Largest request body accepted (a bulk filter is a few hundred bytes). */
const MAX_BODY_BYTES = 64 * 1024;

export interface DashboardOptions {
  readonly scheduler: Scheduler;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Refuse every action. @default false */
  readonly readOnly?: boolean;
  /** Where the queues, DLQs, sweeper trigger and endpoints come from. @default process.env */
  readonly env?: Record<string, string | undefined>;
  /** Where actions are logged. @default one JSON line on stdout per action */
  readonly onAction?: (record: ActionRecord) => void;
}

export interface RunningDashboard {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Serves the dashboard on 127.0.0.1 (never another interface: it has no login of its own).
 *
 * @example
 * ```ts
 * const dashboard = await startDashboard({ scheduler: Scheduler.fromEnv() });
 * console.log(`dashboard: ${dashboard.url}`);
 * await dashboard.stop();
 * ```
 */
export async function startDashboard(options: DashboardOptions): Promise<RunningDashboard> {
  const env = options.env ?? process.env;
  const assetsDir = await dashboardAssets();
  const { queues, sweeper, sqs } = deploymentOf(env);
  const handle = dashboardApi({
    scheduler: options.scheduler,
    readOnly: options.readOnly ?? false,
    queues,
    sqs,
    ...(sweeper ? { sweeper } : {}),
    ...(options.onAction ? { onAction: options.onAction } : {}),
  });
  const caller = `local:${userInfo().username}`;
  const server = createServer((req, res) => {
    serve(req, res).catch((error: Error) => send(res, 500, 'application/json', JSON.stringify({ error: error.message })));
  });
  async function serve(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/api/')) {
      const body = await readBody(req);
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
      const response = await handle({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body, caller });
      return send(res, response.status, 'application/json', JSON.stringify(response.body));
    }
    const file = url.pathname === '/' || !url.pathname.startsWith('/assets/') ? 'index.html' : normalize(url.pathname).replace(/^\/+/, '');
    if (file.includes('..')) return send(res, 400, 'text/plain', 'bad path');
    const content = await readFile(join(assetsDir, file)).catch(() => undefined);
    if (!content) return send(res, 404, 'text/plain', 'not found');
    return send(res, 200, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', content, file !== 'index.html');
  }
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', ready);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, immutable = false): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-store',
  });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : undefined;
}
