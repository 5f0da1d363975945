/**
 * The dashboard's HTTP API, independent of transport: `node:http` (local) and a Lambda function URL (deployed) both
 * turn their requests into a `DashboardRequest` and send back the `DashboardResponse`. Its only data access is
 * sundial's library (`Scheduler`), the sweeper's trigger (pause, resume) and SQS queue attributes.
 *
 * Writes are refused in read-only mode, need a same-origin JSON request carrying the `x-sundial-dashboard` header
 * (a cross-site form or script cannot send it without a CORS preflight this API never answers), and are logged with
 * the caller's identity.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ConflictError, NotFoundError, SundialError, ValidationError } from '../../lib/core/errors.ts';
import type { Scheduler } from '../../lib/scheduler.ts';
import type { JobState } from '../../lib/store/types.ts';
import { sweeperStatus, pauseSweeper, resumeSweeper, type SweeperTrigger } from '../../lib/sweeper/sweeper-trigger.ts';
import { bulkAction, cancelJob, findJob, listJobs, runJobNow, type JobFilter } from './job-actions.ts';
import { queueHealth, redriveDeadLetters, type QueueTarget } from './queue-health.ts';
import { describeRuns } from './run-times.ts';
import { scheduleView } from './schedule-view.ts';
import { throughput } from './throughput.ts';

/** The header every write must carry (CSRF defence; no cookies are used). */
export const ACTION_HEADER = 'x-sundial-dashboard';
/** How often the page polls for changes, seconds (shown in the page). */
export const POLL_SECONDS = 5;
const STATES: readonly JobState[] = ['scheduled', 'running', 'retrying', 'completed', 'failed', 'cancelled'];

export interface DashboardRequest {
  readonly method: string;
  /** Path below the dashboard's root, starting with `/api/`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body?: string;
  /** Who is calling: the IAM identity (deployed) or the local user. */
  readonly caller: string;
}

export interface DashboardResponse {
  readonly status: number;
  readonly body: unknown;
}

/** A logged action: what, on what, by whom, how it went. */
export interface ActionRecord {
  readonly action: string;
  readonly target: string;
  readonly caller: string;
  readonly outcome: 'ok' | 'error';
  readonly detail?: unknown;
}

export interface DashboardApiOptions {
  readonly scheduler: Scheduler;
  /** Refuse every write. @default false */
  readonly readOnly?: boolean;
  /** The queues to report on; empty hides queue health. */
  readonly queues?: readonly QueueTarget[];
  /** For queue attributes and redrive; required when `queues` is not empty. */
  readonly sqs?: SQSClient;
  /** The sweeper's trigger, for its status and pause/resume; absent hides them. */
  readonly sweeper?: SweeperTrigger;
  /** Where actions are logged. @default one JSON line on stdout per action */
  readonly onAction?: (record: ActionRecord) => void;
  /** Where time comes from (the charts' window). @default Date.now */
  readonly nowMs?: () => number;
}

type Handler = (request: DashboardRequest, params: string[]) => Promise<unknown>;
interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  readonly handler: Handler;
  /** The action's name in the audit log (writes only). */
  readonly action?: string;
}

/**
 * Builds the API's request handler.
 *
 * @example
 * ```ts
 * const handle = dashboardApi({ scheduler: Scheduler.fromEnv(), readOnly: true });
 * const { status, body } = await handle({ method: 'GET', path: '/api/jobs', query: new URLSearchParams(), headers: {}, caller: 'me' });
 * ```
 */
export function dashboardApi(options: DashboardApiOptions): (request: DashboardRequest) => Promise<DashboardResponse> {
  const { scheduler } = options;
  const queues = options.queues ?? [];
  const now = options.nowMs ?? Date.now;
  const log = options.onAction ?? ((record: ActionRecord) => console.log(JSON.stringify({ message: 'sundial dashboard action', ...record })));
  const queueNamed = (name: string) => {
    const queue = queues.find((q) => q.name === name);
    if (!queue) throw new NotFoundErrorOf(`No queue named "${name}"; the queues are ${queues.map((q) => q.name).join(', ')}.`);
    return queue;
  };
  const sweeper = () => {
    if (!options.sweeper) throw new ValidationError('the sweeper trigger is not configured (SUNDIAL_SWEEP_SCHEDULE is not set)');
    return options.sweeper;
  };
  const routes: Route[] = [
    { method: 'GET', pattern: /^\/api\/config$/, handler: async () => ({ readOnly: options.readOnly ?? false, pollSeconds: POLL_SECONDS, queues: queues.map((q) => q.name), states: STATES }) },
    {
      method: 'GET',
      pattern: /^\/api\/jobs$/,
      handler: async ({ query }) => {
        const search = query.get('q')?.trim();
        if (search) {
          const job = await findJob(scheduler, search, query.get('task')?.trim() || undefined);
          return { items: job ? [job] : [] };
        }
        return listJobs(scheduler, filterOf(query), limitOf(query), query.get('cursor') ?? undefined);
      },
    },
    { method: 'GET', pattern: /^\/api\/jobs\/([^/]+)$/, handler: async (_, [id]) => scheduler.get(id!) },
    { method: 'POST', pattern: /^\/api\/jobs\/([^/]+)\/cancel$/, action: 'job.cancel', handler: async (_, [id]) => cancelJob(scheduler, id!) },
    { method: 'POST', pattern: /^\/api\/jobs\/([^/]+)\/retry$/, action: 'job.retry', handler: async (_, [id]) => scheduler.retry(id!) },
    { method: 'POST', pattern: /^\/api\/jobs\/([^/]+)\/run-now$/, action: 'job.run-now', handler: async (_, [id]) => runJobNow(scheduler, id!) },
    {
      method: 'POST',
      pattern: /^\/api\/bulk\/(cancel|retry)$/,
      action: 'jobs.bulk',
      handler: async (request, [action]) => {
        const body = jsonBody(request) as { filter?: Record<string, string>; cursor?: string };
        return bulkAction(scheduler, action as 'cancel' | 'retry', filterOf(new URLSearchParams(body.filter ?? {})), body.cursor);
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/schedules$/,
      handler: async ({ query }) => {
        const page = await scheduler.listSchedules({ limit: limitOf(query), ...(query.get('cursor') ? { cursor: query.get('cursor')! } : {}) });
        return { ...page, items: await Promise.all(page.items.map((s) => scheduleView(scheduler, s, 1, now()))) };
      },
    },
    { method: 'GET', pattern: /^\/api\/schedules\/([^/]+)$/, handler: async (_, [id]) => scheduleView(scheduler, await scheduler.getSchedule(id!), 5, now()) },
    { method: 'POST', pattern: /^\/api\/schedules\/([^/]+)\/pause$/, action: 'schedule.pause', handler: async (_, [id]) => scheduler.pause(id!) },
    { method: 'POST', pattern: /^\/api\/schedules\/([^/]+)\/resume$/, action: 'schedule.resume', handler: async (_, [id]) => scheduler.resume(id!) },
    {
      method: 'POST',
      pattern: /^\/api\/schedules\/([^/]+)\/trigger$/,
      action: 'schedule.trigger',
      // A one-off job with the schedule's task and payload: the schedule's own occurrences are left as they are.
      handler: async (_, [id]) => {
        const schedule = await scheduler.getSchedule(id!);
        return scheduler.enqueue(schedule.task, schedule.payload, { queue: schedule.queue });
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/schedules\/([^/]+)\/delete$/,
      action: 'schedule.delete',
      handler: async (_, [id]) => {
        await scheduler.getSchedule(id!); // a schedule, not a job of that id
        return scheduler.cancel(id!);
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/next-runs$/,
      handler: async ({ query }) => {
        const every = query.get('every');
        const spec = every ? { every: /^\d+$/.test(every) ? Number(every) : every } : { cron: query.get('cron') ?? '', timezone: query.get('timezone') || 'UTC' };
        return { runs: describeRuns(spec, now(), Math.min(Number(query.get('count') ?? 5) || 5, 20)) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/health$/,
      handler: async () => {
        const [queueCounts, sweeperState] = await Promise.all([
          queues.length > 0 && options.sqs ? queueHealth(options.sqs, queues) : [],
          options.sweeper ? sweeperStatus(options.sweeper).catch((error: Error) => ({ error: error.message })) : undefined,
        ]);
        return { queues: queueCounts, ...(sweeperState ? { sweeper: sweeperState } : {}) };
      },
    },
    { method: 'GET', pattern: /^\/api\/throughput$/, handler: async () => throughput(scheduler, now()) },
    {
      method: 'POST',
      pattern: /^\/api\/queues\/([^/]+)\/redrive$/,
      action: 'queue.redrive',
      handler: async (_, [name]) => redriveDeadLetters(options.sqs!, scheduler, queueNamed(name!)),
    },
    { method: 'POST', pattern: /^\/api\/sweeper\/pause$/, action: 'sweeper.pause', handler: async () => pauseSweeper(sweeper()) },
    { method: 'POST', pattern: /^\/api\/sweeper\/resume$/, action: 'sweeper.resume', handler: async () => resumeSweeper(sweeper()) },
  ];

  return async (request) => {
    const path = request.path;
    const matches = routes.filter((r) => r.pattern.test(path));
    const route = matches.find((r) => r.method === request.method);
    if (!route) return matches.length > 0 ? error(405, `${request.method} is not allowed on ${path}`) : error(404, `no API route ${path}`);
    const params = route.pattern.exec(path)!.slice(1).map(decodeURIComponent);
    if (route.action) {
      if (options.readOnly) return error(403, 'the dashboard is read-only: actions need grantDashboardActions (deployed) or a dashboard started without readOnly');
      const refused = csrfProblem(request);
      if (refused) return error(403, refused);
    }
    try {
      const body = await route.handler(request, params);
      if (route.action) log({ action: route.action, target: params.join('/') || '*', caller: request.caller, outcome: 'ok' });
      return { status: 200, body };
    } catch (caught) {
      if (route.action) log({ action: route.action, target: params.join('/') || '*', caller: request.caller, outcome: 'error', detail: (caught as Error).message });
      if (caught instanceof ValidationError) return { status: 400, body: { error: caught.message, problems: caught.problems } };
      if (caught instanceof NotFoundError || caught instanceof NotFoundErrorOf) return error(404, caught.message);
      if (caught instanceof ConflictError) return error(409, caught.message);
      if (caught instanceof SundialError) return error(400, caught.message);
      throw caught;
    }
  };
}

/** A 404 for something other than a job or schedule (a queue name). */
class NotFoundErrorOf extends Error {}

/**
 * Why a write request is refused as a possible cross-site request, or undefined when it is acceptable: it must carry
 * the action header and a JSON content type, and any `Origin` / `Sec-Fetch-Site` it has must say same origin.
 */
function csrfProblem(request: DashboardRequest): string | undefined {
  const h = request.headers;
  if (h[ACTION_HEADER] !== '1') return `actions need the ${ACTION_HEADER}: 1 header (sent by the dashboard page)`;
  if (!(h['content-type'] ?? '').startsWith('application/json')) return 'actions need Content-Type: application/json';
  if (h['sec-fetch-site'] && h['sec-fetch-site'] !== 'same-origin') return `cross-site request refused (Sec-Fetch-Site: ${h['sec-fetch-site']})`;
  if (h.origin && h.host && new URL(h.origin).host !== h.host) return `cross-origin request refused (Origin ${h.origin})`;
  return undefined;
}

function filterOf(query: URLSearchParams): JobFilter {
  const state = query.get('state');
  if (state && !STATES.includes(state as JobState)) throw new ValidationError(`\`state\`: received "${state}"; expected one of ${STATES.join(', ')}`);
  const pick = (name: string) => query.get(name) || undefined;
  return Object.fromEntries(
    Object.entries({ state, task: pick('task'), queue: pick('queue'), dueAfter: pick('dueAfter'), dueBefore: pick('dueBefore') }).filter(([, v]) => v),
  ) as JobFilter;
}

function limitOf(query: URLSearchParams): number {
  const raw = query.get('limit');
  return raw ? Number(raw) : 50;
}

function jsonBody(request: DashboardRequest): unknown {
  try {
    return request.body ? JSON.parse(request.body) : {};
  } catch {
    throw new ValidationError(`the request body is not JSON (received ${JSON.stringify((request.body ?? "").slice(0, 80))})`);
  }
}

function error(status: number, message: string): DashboardResponse {
  return { status, body: { error: message } };
}
