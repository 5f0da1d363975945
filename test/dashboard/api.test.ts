/**
 * The dashboard API over the in-memory store and queue: read-only mode, the CSRF checks, the audit log, search by
 * unique key, run now, bulk actions and the expression box.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ACTION_HEADER, dashboardApi, type ActionRecord, type DashboardRequest } from '../../dashboard/server/api.ts';
import { describeRuns } from '../../dashboard/server/run-times.ts';
import { scheduleView } from '../../dashboard/server/schedule-view.ts';
import { claimOccurrence } from '../../lib/schedules/occurrence-claim.ts';
import { MemoryJobQueue, MemoryJobStore, Scheduler } from '../../lib/index.ts';
import type { JobState } from '../../lib/store/types.ts';

const T0 = Date.parse('2026-11-23T09:00:00.000Z');
const SAFE = { [ACTION_HEADER]: '1', 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', origin: 'http://127.0.0.1:4000', host: '127.0.0.1:4000' };

let now: number;
let store: MemoryJobStore;
let scheduler: Scheduler;
let log: ActionRecord[];

function request(method: string, url: string, headers: Record<string, string> = {}, body?: unknown): DashboardRequest {
  const parsed = new URL(url, 'http://127.0.0.1');
  return { method, path: parsed.pathname, query: parsed.searchParams, headers, caller: 'arn:aws:sts::123:assumed-role/ops/ada', ...(body ? { body: JSON.stringify(body) } : {}) };
}

/** Puts a job in `state` through the store's own transitions (claim, then the outcome write). */
async function jobIn(state: JobState, task = 'mail'): Promise<string> {
  const job = await scheduler.enqueue(task, { n: 1 }, { maxAttempts: 1 });
  if (state === 'scheduled') return job.id;
  await store.claimJob(job.id, { dueAtMs: job.dueAt.getTime(), nowMs: now, leaseUntilMs: now + 60_000 });
  if (state === 'failed') await store.finishAttempt(job.id, 1, { state: 'failed', nowMs: now, lastError: { name: 'Error', message: 'boom' }, expiresAtEpochSec: now / 1000 + 86_400 });
  if (state === 'completed') await store.finishAttempt(job.id, 1, { state: 'completed', nowMs: now, expiresAtEpochSec: now / 1000 + 86_400 });
  return job.id;
}

beforeEach(() => {
  now = T0;
  store = new MemoryJobStore({ shards: 4 });
  scheduler = new Scheduler({ store, queue: new MemoryJobQueue(['default', 'emails']), clock: { nowMs: () => now } });
  log = [];
});

describe('dashboard API', () => {
  it('refuses every action in read-only mode, and still reads', async () => {
    const id = await jobIn('failed');
    const api = dashboardApi({ scheduler, readOnly: true, onAction: (r) => log.push(r) });
    expect((await api(request('GET', `/api/jobs/${id}`))).status).toBe(200);
    const refused = await api(request('POST', `/api/jobs/${id}/retry`, SAFE));
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toMatch(/read-only/);
    expect((await scheduler.get(id)).state).toBe('failed');
    expect(log).toEqual([]);
  });

  it.each([
    ['without the action header', { ...SAFE, [ACTION_HEADER]: '' }],
    ['as a form post', { ...SAFE, 'content-type': 'application/x-www-form-urlencoded' }],
    ['from another site', { ...SAFE, 'sec-fetch-site': 'cross-site' }],
    ['from another origin', { ...SAFE, origin: 'https://evil.example' }],
  ])('refuses an action %s (CSRF)', async (_, headers) => {
    const id = await jobIn('failed');
    const api = dashboardApi({ scheduler, onAction: (r) => log.push(r) });
    expect((await api(request('POST', `/api/jobs/${id}/retry`, headers))).status).toBe(403);
    expect((await scheduler.get(id)).state).toBe('failed');
  });

  it('runs a same-origin action and logs who did it', async () => {
    const id = await jobIn('failed');
    const api = dashboardApi({ scheduler, onAction: (r) => log.push(r) });
    const response = await api(request('POST', `/api/jobs/${id}/retry`, SAFE));
    expect(response.status).toBe(200);
    expect((await scheduler.get(id)).state).toBe('scheduled');
    expect(log).toEqual([{ action: 'job.retry', target: id, caller: 'arn:aws:sts::123:assumed-role/ops/ada', outcome: 'ok' }]);
    const conflict = await api(request('POST', `/api/jobs/${id}/retry`, SAFE));
    expect(conflict.status).toBe(409);
    expect(log[1]).toMatchObject({ action: 'job.retry', outcome: 'error' });
  });

  it('finds a job by its unique key, and says so when nothing matches', async () => {
    const job = await scheduler.enqueue('welcome', { user: 42 }, { in: '1h', unique: 'welcome:42' });
    const api = dashboardApi({ scheduler, onAction: (r) => log.push(r) });
    // Unique keys are scoped per task: under the task filter, or typed as task/key.
    expect(((await api(request('GET', '/api/jobs?q=welcome:42&task=welcome'))).body as { items: Array<{ id: string }> }).items.map((j) => j.id)).toEqual([job.id]);
    expect(((await api(request('GET', '/api/jobs?q=welcome/welcome:42'))).body as { items: Array<{ id: string }> }).items.map((j) => j.id)).toEqual([job.id]);
    expect(((await api(request('GET', '/api/jobs?q=welcome:42&task=other'))).body as { items: unknown[] }).items).toEqual([]);
    expect(((await api(request('GET', `/api/jobs?q=${job.id}`))).body as { items: unknown[] }).items).toHaveLength(1);
    expect(((await api(request('GET', '/api/jobs?q=nobody'))).body as { items: unknown[] }).items).toEqual([]);
  });

  it('runs a waiting job now: the unique job keeps its id and is due now', async () => {
    const job = await scheduler.enqueue('welcome', { user: 7 }, { in: '2h', unique: 'welcome:7', queue: 'emails' });
    const api = dashboardApi({ scheduler, onAction: (r) => log.push(r) });
    const response = await api(request('POST', `/api/jobs/${encodeURIComponent(job.id)}/run-now`, SAFE));
    expect(response.status).toBe(200);
    const after = await scheduler.get(job.id);
    expect(after).toMatchObject({ state: 'scheduled', queue: 'emails', payload: { user: 7 } });
    expect(after.dueAt.getTime()).toBe(now);
  });

  it('bulk-retries the failed jobs of one task, leaving the rest', async () => {
    const mails = await Promise.all(Array.from({ length: 7 }, () => jobIn('failed', 'mail')));
    const other = await jobIn('failed', 'sms');
    const done = await jobIn('completed', 'mail');
    const api = dashboardApi({ scheduler, onAction: (r) => log.push(r) });
    const response = await api(request('POST', '/api/bulk/retry', SAFE, { filter: { task: 'mail' } }));
    expect(response.body).toEqual({ done: 7, skipped: 0 });
    for (const id of mails) expect((await scheduler.get(id)).state).toBe('scheduled');
    expect((await scheduler.get(other)).state).toBe('failed');
    expect((await scheduler.get(done)).state).toBe('completed');
  });

  it('bulk-cancels waiting jobs and does not touch a schedule', async () => {
    await scheduler.schedule('nightly', 'mail', {}, { cron: '0 3 * * *' });
    const waiting = await Promise.all([1, 2, 3].map(() => jobIn('scheduled')));
    const api = dashboardApi({ scheduler, onAction: (r) => log.push(r) });
    expect((await api(request('POST', '/api/bulk/cancel', SAFE, { filter: {} }))).body).toEqual({ done: 3, skipped: 0 });
    for (const id of waiting) expect((await scheduler.get(id)).state).toBe('cancelled');
    expect((await scheduler.getSchedule('nightly')).paused).toBe(false);
  });

  it('answers the expression box: every problem for a bad cron, runs for a good one', async () => {
    const api = dashboardApi({ scheduler, nowMs: () => now });
    const bad = await api(request('GET', '/api/next-runs?cron=61%20*%20*%20*%20*&timezone=Mars/Base'));
    expect(bad.status).toBe(400);
    const problems = (bad.body as { problems: string[] }).problems.join('\n');
    expect(problems).toMatch(/61/);
    expect(problems).toMatch(/Mars\/Base/);
    const good = await api(request('GET', '/api/next-runs?every=15m'));
    expect((good.body as { runs: Array<{ utc: string }> }).runs.map((r) => r.utc)).toEqual([1, 2, 3, 4, 5].map((k) => new Date(now + k * 900_000).toISOString()));
  });

  it('answers 404 for an unknown job and 405 for a wrong method', async () => {
    const api = dashboardApi({ scheduler, onAction: (r) => log.push(r) });
    expect((await api(request('GET', '/api/jobs/nope'))).status).toBe(404);
    expect((await api(request('GET', '/api/jobs/x/retry'))).status).toBe(405);
  });
});

describe('describeRuns', () => {
  it('marks the run after a DST change, in the zone and in UTC', () => {
    const runs = describeRuns({ cron: '30 1 * * *', timezone: 'Europe/Rome' }, Date.parse('2026-03-27T12:00:00Z'), 3);
    expect(runs.map((r) => r.local)).toEqual(['2026-03-28 01:30:00', '2026-03-29 01:30:00', '2026-03-30 01:30:00']);
    expect(runs.map((r) => r.utc)).toEqual(['2026-03-28T00:30:00.000Z', '2026-03-29T00:30:00.000Z', '2026-03-29T23:30:00.000Z']);
    expect(runs.map((r) => r.dstChange)).toEqual([undefined, undefined, 'UTC+01:00 → UTC+02:00']);
  });
});

describe('schedule view: last runs of occurrences created by their claim', () => {
  it('shows a run sent but not started as pending, a claimed one by its state, one missing for long as gone', async () => {
    const queue = new MemoryJobQueue(['default']);
    const scheduler = new Scheduler({ store, queue, clock: { nowMs: () => now } });
    const schedule = await scheduler.schedule('tick', 'mail', {}, { every: 30 });
    // Four occurrences were sent (30 … 120 s); none has a job record yet.
    const view = (atMs: number) => scheduleView(scheduler, schedule, 2, atMs);
    expect((await view(now)).lastRuns.map((r) => r.outcome)).toEqual(['pending', 'pending']);
    const [, , third] = queue.take();
    const lease = { nowMs: third!.message.dueAtMs, leaseUntilMs: third!.message.dueAtMs + 60_000 };
    expect((await claimOccurrence(store, third!.message, third!.message.occurrence!, lease)).claimed).toBe(true);
    expect((await view(now + 100_000)).lastRuns.map((r) => r.outcome)).toEqual(['pending', 'running']);
    // Ten minutes on, the slot still without a record was dropped or cancelled: gone.
    expect((await view(now + 600_000)).lastRuns.map((r) => r.outcome)).toEqual(['gone', 'running']);
  });
});
