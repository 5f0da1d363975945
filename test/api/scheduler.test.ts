import { beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigurationError, ConflictError, defineTask, MemoryJobQueue, MemoryJobStore, NotFoundError, Scheduler, ValidationError,
} from '../../lib/index.ts';
import { occurrenceJobId } from '../../lib/core/ids.ts';
import { withTaskDefaults } from '../../lib/tasks/registry.ts';
import type { RecordedMessage } from '../../lib/queue/memory-queue.ts';
import { claimOccurrence } from '../../lib/schedules/occurrence-claim.ts';

const T0 = Date.parse('2026-11-23T09:00:00.250Z');
/** An `every` schedule created at T0 without `startAt` has its slots on whole seconds: one interval after this. */
const SLOT0 = Math.ceil(T0 / 1000) * 1000;

function setup(queues = ['default', 'reports']) {
  const clock = { t: T0, nowMs() { return this.t; } };
  const store = new MemoryJobStore({ shards: 4 });
  const queue = new MemoryJobQueue(queues);
  let seed = 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const scheduler = new Scheduler({ store, queue, clock, random });
  return { clock, store, queue, scheduler };
}

async function allJobs(scheduler: Scheduler) {
  return (await scheduler.list({ limit: 1000 })).items;
}

describe('Scheduler.enqueue', () => {
  let env: ReturnType<typeof setup>;
  beforeEach(() => { env = setup(); });

  it('sends a job due now to SQS at once and records it', async () => {
    const job = await env.scheduler.enqueue('send-email', { to: 'ada@example.com' });
    expect(job).toMatchObject({ task: 'send-email', queue: 'default', state: 'scheduled', attempt: 0, maxAttempts: 3, payload: { to: 'ada@example.com' } });
    expect(job.dueAt).toEqual(new Date(T0));
    expect(env.queue.take()).toEqual([{ queue: 'default', delaySec: 0, message: { v: 1, id: job.id, dueAtMs: T0, sentAtMs: T0 } }]);
    expect((await env.scheduler.get(job.id)).state).toBe('scheduled');
  });

  it.each([
    [{ in: 30 }, 30],
    [{ in: '5m' }, 300],
    [{ in: { minutes: 14, seconds: 59 } }, 899],
    [{ at: new Date(T0 + 61_900) }, 61],
    [{ at: '2026-11-23T09:00:00Z' }, 0], // in the past: due now
  ])('direct path for %j → DelaySeconds %i', async (options, delaySec) => {
    const job = await env.scheduler.enqueue('t', null, options);
    const [sent] = env.queue.take();
    expect(sent!.delaySec).toBe(delaySec);
    expect(sent!.message.dueAtMs).toBe(job.dueAt.getTime());
  });

  it('leaves a job due in 15 minutes or later to the sweeper (no message, in its bucket)', async () => {
    const job = await env.scheduler.enqueue('t', {}, { in: '15m' });
    expect(env.queue.sent).toHaveLength(0);
    const record = await env.store.getJob(job.id);
    expect(record?.placement).toBe('bucket');
  });

  it('returns the live job for a repeated unique key and sends one message', async () => {
    const a = await env.scheduler.enqueue('welcome', { user: 42 }, { in: 60, unique: 'welcome:42' });
    const b = await env.scheduler.enqueue('welcome', { user: 42 }, { in: 120, unique: 'welcome:42' });
    expect(b.id).toBe(a.id);
    expect(b.dueAt).toEqual(a.dueAt);
    expect(env.queue.take()).toHaveLength(1);
  });

  it('creates a new job for a unique key once the previous one has ended', async () => {
    const a = await env.scheduler.enqueue('welcome', {}, { unique: 'k' });
    await env.scheduler.cancel(a.id);
    const b = await env.scheduler.enqueue('welcome', { again: true }, { unique: 'k' });
    expect(b.id).toBe(a.id);
    expect(b.state).toBe('scheduled');
    expect(b.payload).toEqual({ again: true });
  });

  it('reports every problem at once and writes nothing', async () => {
    const error = await env.scheduler
      .enqueue('bad task name!', 1n as unknown, { in: -5, at: '2026-11-23T10:00:00', maxAttempts: 0, queue: 'nope', delay: 3 } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const problems = (error as ValidationError).problems.join('\n');
    for (const word of ['task', 'payload', 'in', 'at', 'maxAttempts', 'delay']) expect(problems).toContain(word);
    expect((error as ValidationError).problems.length).toBeGreaterThanOrEqual(6);
    expect(env.queue.sent).toHaveLength(0);
    expect(await allJobs(env.scheduler)).toHaveLength(0);
  });

  it.each([
    ['an unknown queue', { queue: 'emails' }, /queue.*"default", "reports"/],
    ['an ISO time without offset', { at: '2026-12-01T09:00:00' }, /offset|Z/],
    ['both in and at', { in: 5, at: new Date(T0) }, /either/],
    ['a timeout over 15 minutes', { timeout: '16m' }, /timeout/],
  ])('rejects %s with a message saying how to fix it', async (_name, options, message) => {
    await expect(env.scheduler.enqueue('t', {}, options as never)).rejects.toThrow(message);
    expect(await allJobs(env.scheduler)).toHaveLength(0);
  });

  it('rejects a payload that is not JSON or too large for a DynamoDB item', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(env.scheduler.enqueue('t', cyclic)).rejects.toThrow(/`payload.self` is a circular reference/);
    await expect(env.scheduler.enqueue('t', { blob: 'x'.repeat(400_000) })).rejects.toThrow(/bytes.*S3/);
    await expect(env.scheduler.enqueue('t', undefined)).rejects.toBeInstanceOf(ValidationError);
  });

  it('records nothing when the direct send fails (send, then record)', async () => {
    env.queue.failNextSends(1);
    await expect(env.scheduler.enqueue('t', {})).rejects.toThrow();
    expect(await allJobs(env.scheduler)).toHaveLength(0);
  });
});

describe('Scheduler.enqueueMany', () => {
  it('writes many jobs, sends the near ones, and returns results in order', async () => {
    const { scheduler, queue } = setup();
    const items = Array.from({ length: 60 }, (_, i) => ({ task: 't', payload: { i }, options: i % 2 ? { in: '1h' } : { in: i } }));
    const results = await scheduler.enqueueMany(items);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.map((r) => (r.ok ? (r.job.payload as { i: number }).i : -1))).toEqual(items.map((_, i) => i));
    expect(queue.take()).toHaveLength(30);
    expect(await allJobs(scheduler)).toHaveLength(60);
  });

  it('validates every item first: one bad item means nothing is written', async () => {
    const { scheduler, queue } = setup();
    const error = (await scheduler
      .enqueueMany([{ task: 't', payload: {} }, { task: 't', payload: {}, options: { in: 'soon' } }, { task: '', payload: {} }])
      .catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.problems.some((p) => p.startsWith('items[1]'))).toBe(true);
    expect(error.problems.some((p) => p.startsWith('items[2]'))).toBe(true);
    expect(queue.sent).toHaveLength(0);
    expect(await allJobs(scheduler)).toHaveLength(0);
  });

  it('does not record jobs whose message could not be sent, and says so per item', async () => {
    const { scheduler, queue } = setup();
    queue.failNextSends(1);
    const results = await scheduler.enqueueMany([
      { task: 't', payload: 1 },
      { task: 't', payload: 2, options: { in: '2h' } },
    ]);
    expect(results[0]!.ok).toBe(false);
    expect(results[1]!.ok).toBe(true);
    expect((await allJobs(scheduler)).map((j) => j.payload)).toEqual([2]);
  });
});

describe('Scheduler get / list / cancel / retry', () => {
  it('get throws NotFoundError for an unknown id', async () => {
    const { scheduler } = setup();
    await expect(scheduler.get('missing')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists with filters and pages with a cursor', async () => {
    const { scheduler } = setup();
    for (let i = 0; i < 25; i++) await scheduler.enqueue(i % 5 ? 'a' : 'b', { i }, { in: i * 60 });
    expect((await scheduler.list({ task: 'b', limit: 100 })).items).toHaveLength(5);
    expect((await scheduler.list({ dueAfter: new Date(T0 + 10 * 60_000), limit: 100 })).items).toHaveLength(15);
    const seen = new Set<string>();
    let page = await scheduler.list({ limit: 7 });
    for (;;) {
      page.items.forEach((j) => seen.add(j.id));
      if (!page.cursor) break;
      page = await scheduler.list({ limit: 7, cursor: page.cursor });
    }
    expect(seen.size).toBe(25);
    await expect(scheduler.list({ state: 'done' as never, limit: 0 })).rejects.toThrow(/state[\s\S]*limit/);
  });

  it('cancels a scheduled job, refuses to cancel it twice, and hides it after its retention', async () => {
    const { scheduler, clock } = setup();
    const job = await scheduler.enqueue('t', {}, { in: '1h' });
    expect(await scheduler.cancel(job.id)).toMatchObject({ id: job.id, state: 'cancelled' });
    await expect(scheduler.cancel(job.id)).rejects.toBeInstanceOf(ConflictError);
    clock.t += 8 * 86_400_000;
    await expect(scheduler.get(job.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('retries a failed job now with a fresh attempt budget', async () => {
    const { scheduler, store, queue, clock } = setup();
    const job = await scheduler.enqueue('t', {}, { maxAttempts: 1 });
    await store.claimJob(job.id, { dueAtMs: T0, nowMs: T0, leaseUntilMs: T0 + 60_000 });
    await store.finishAttempt(job.id, 1, { state: 'failed', nowMs: T0, lastError: { name: 'Error', message: 'boom' }, expiresAtEpochSec: T0 / 1000 + 86_400 });
    await expect(scheduler.retry('nope')).rejects.toBeInstanceOf(NotFoundError);
    queue.take();
    clock.t += 5_000;
    const retried = await scheduler.retry(job.id);
    expect(retried).toMatchObject({ state: 'scheduled', attempt: 1, maxAttempts: 4 });
    expect((await store.getJob(job.id))?.placement).toBe('none'); // its send was recorded
    expect(queue.take().map((m) => m.message)).toEqual([{ v: 1, id: job.id, dueAtMs: clock.t, sentAtMs: clock.t }]);
    await expect(scheduler.retry(job.id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('keeps the budget it grants when the job inherited its maxAttempts from the task definition', async () => {
    const { scheduler, store } = setup();
    // Enqueued where the task is not loaded: its maxAttempts is left to the definition the worker has.
    const job = await scheduler.enqueue('retry-inherited-elsewhere', {});
    await store.claimJob(job.id, { dueAtMs: T0, nowMs: T0, leaseUntilMs: T0 + 60_000 });
    await store.finishAttempt(job.id, 1, { state: 'failed', nowMs: T0, lastError: { name: 'Error', message: 'boom' }, expiresAtEpochSec: T0 / 1000 + 86_400 });
    await scheduler.retry(job.id, { maxAttempts: 2 });
    const definition = { name: 'retry-inherited-elsewhere', handler: async () => 1, options: { queue: 'default', maxAttempts: 1, backoff: [5], timeoutSec: 120, storeResult: true } };
    // The worker resolves the job against its definition: the granted budget (1 used + 2) must survive that.
    expect(withTaskDefaults((await store.getJob(job.id))!, definition)).toMatchObject({ maxAttempts: 3, backoff: [5], timeoutSec: 120 });
  });
});

describe('Scheduler schedules', () => {
  it('creates a cron schedule with its next run in its zone', async () => {
    const { scheduler } = setup();
    const s = await scheduler.schedule('report', 'rebuild', {}, { cron: '0 9 * * MON', timezone: 'America/New_York' });
    // 2026-11-23 is a Monday; 09:00 in New York (EST, UTC−5) is 14:00Z, after T0.
    expect(s.nextRunAt).toEqual(new Date('2026-11-23T14:00:00Z'));
    expect(s).toMatchObject({ id: 'report', cron: '0 9 * * MON', timezone: 'America/New_York', paused: false, misfire: 'once', overlap: 'allow' });
    expect((await scheduler.getSchedule('report')).nextRunAt).toEqual(s.nextRunAt);
  });

  it('spawns the occurrences due before the next sweep itself, so the first run is on time', async () => {
    const { scheduler, queue } = setup();
    const s = await scheduler.schedule('soon', 't', {}, { every: 30 });
    // Lookahead 90 s: slots at +30, +60 and +90 s, and a fourth (a spawn covers at least four when they fit in
    // 14 minutes, to share its schedule write), are already in SQS with their delays; the sweeper takes over after.
    expect(queue.take().map((m) => [m.message.id, m.delaySec])).toEqual([
      [occurrenceJobId('soon', SLOT0 + 30_000), 30],
      [occurrenceJobId('soon', SLOT0 + 60_000), 60],
      [occurrenceJobId('soon', SLOT0 + 90_000), 90],
      [occurrenceJobId('soon', SLOT0 + 120_000), 120],
    ]);
    expect(s).toMatchObject({ runs: 4, nextRunAt: new Date(SLOT0 + 150_000) });
    // A schedule whose first run is far away waits for the sweeper.
    await scheduler.schedule('later', 't', {}, { cron: '0 12 * * *' });
    expect(queue.take()).toEqual([]);
  });

  it('reports every schedule problem at once', async () => {
    const { scheduler } = setup();
    const error = (await scheduler
      .schedule('a#b', 't', {}, { cron: '*/5', every: 10, timezone: 'Mars/Olympus', misfire: 'never' as never })
      .catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.problems.length).toBeGreaterThanOrEqual(4);
  });

  it('two calls creating the same new schedule at once: the later put replaces the first, and its occurrences run once each', async () => {
    const { clock, store, queue } = setup();
    // Both calls read "no schedule" and send their first occurrences before either writes.
    let arrived = 0;
    let open!: () => void;
    const bothSent = new Promise<void>((resolve) => (open = resolve));
    const send = queue.send.bind(queue);
    queue.send = async (...args) => {
      await send(...args);
      if (++arrived === 2) open();
      await bothSent;
    };
    const a = new Scheduler({ store, queue, clock });
    const b = new Scheduler({ store, queue, clock: { nowMs: () => clock.t + 7 } }); // another process, its own generation
    await Promise.all([a.schedule('beat', 't', { from: 'a' }, { every: 60 }), b.schedule('beat', 't', { from: 'b' }, { every: 60 })]);
    const stored = (await store.getSchedule('beat'))!;
    expect(JSON.parse(stored.payload)).toEqual({ from: 'b' });
    expect(stored.version).toBe(2);

    // Every slot the stored schedule is past runs exactly once, from the messages of its generation.
    const ran = new Map<string, number>();
    for (const m of queue.take()) {
      const at = m.message.dueAtMs;
      if (at >= stored.nextRunAtMs!) continue;
      const claim = await claimOccurrence(store, m.message, m.message.occurrence!, { nowMs: at, leaseUntilMs: at + 60_000 });
      if (claim.claimed) ran.set(m.message.id, (ran.get(m.message.id) ?? 0) + 1);
    }
    const slots = Math.round((stored.nextRunAtMs! - stored.anchorMs) / 60_000);
    expect(slots).toBeGreaterThan(0);
    expect([...ran.values()]).toEqual(Array(slots).fill(1));
  });

  it('a create the SDK retried after it committed (a lost response) keeps its generation, so its first occurrences run', async () => {
    const { clock, store, queue, scheduler } = setup();
    // Each schedule write commits, its response is lost, and the SDK sends the same write again.
    const create = store.createSchedule.bind(store);
    const put = store.putSchedule.bind(store);
    store.createSchedule = async (schedule) => (await create(schedule), create(schedule));
    store.putSchedule = async (schedule) => (await put(schedule), put(schedule));
    const s = await scheduler.schedule('beat', 't', {}, { every: 60 });
    expect((await store.getSchedule('beat'))!.version).toBe(1);
    const [first] = queue.take();
    clock.t = first!.message.dueAtMs;
    const claim = await claimOccurrence(store, first!.message, first!.message.occurrence!, { nowMs: clock.t, leaseUntilMs: clock.t + 60_000 });
    expect(claim.claimed).toBe(true);
    expect(s.nextRunAt!.getTime()).toBeGreaterThan(first!.message.dueAtMs);
  });

  it('a replace the SDK applied twice (a lost response) sends its first occurrences under the generation it stored', async () => {
    const { clock, store, queue, scheduler } = setup();
    await scheduler.schedule('beat', 't', {}, { every: 30 });
    queue.take();
    clock.t += 5_000;
    const put = store.putSchedule.bind(store);
    store.putSchedule = async (schedule) => (await put(schedule), put(schedule));
    await scheduler.schedule('beat', 't', {}, { every: 20 });
    const stored = (await store.getSchedule('beat'))!;
    const [first] = queue.take();
    expect(first!.message.occurrence!.generation).toBe(`${stored.createdAtMs}.${stored.version}`);
    clock.t = first!.message.dueAtMs;
    const claim = await claimOccurrence(store, first!.message, first!.message.occurrence!, { nowMs: clock.t, leaseUntilMs: clock.t + 60_000 });
    expect(claim.claimed).toBe(true);
  });

  it('replacing a schedule cancels the old rule\'s queued occurrences', async () => {
    const { scheduler, queue, store } = setup();
    await scheduler.schedule('tick', 't', {}, { every: 30 });
    // Its first four occurrences are in SQS; none has a job record until a consumer claims it.
    const old = queue.take();
    expect(old.map((m) => m.message.dueAtMs)).toEqual([SLOT0 + 30_000, SLOT0 + 60_000, SLOT0 + 90_000, SLOT0 + 120_000]);
    await expect(scheduler.get(old[0]!.message.id)).rejects.toBeInstanceOf(NotFoundError);
    const replaced = await scheduler.schedule('tick', 't', {}, { cron: '0 * * * *' });
    expect(replaced.nextRunAt).toEqual(new Date('2026-11-23T10:00:00Z'));
    expect(replaced.every).toBeUndefined();
    // Each old occurrence is cancelled: visible as such, and its message is turned away by the consumer.
    expect((await scheduler.get(old[0]!.message.id)).state).toBe('cancelled');
    expect(await claimAll(store, old)).toEqual([false, false, false, false]);
  });

  it('a replace whose new rule fires at an old slot runs that slot once, as the new rule\'s', async () => {
    const { scheduler, queue, store } = setup();
    await scheduler.schedule('tick', 't', { rule: 'old' }, { every: 30 });
    await scheduler.schedule('tick', 't', { rule: 'new' }, { every: 60 });
    const messages = queue.take();
    // Old: +30, +60, +90, +120 s; new: +60, +120, +180, +240 s. The slots +60 and +120 s are both.
    const seconds = messages.map((m) => (m.message.dueAtMs - SLOT0) / 1000);
    expect(seconds).toEqual([30, 60, 90, 120, 60, 120, 180, 240]);
    expect(await claimAll(store, messages)).toEqual([false, false, false, false, true, true, true, true]);
    expect(await scheduler.get(occurrenceJobId('tick', SLOT0 + 60_000))).toMatchObject({ state: 'running', payload: { rule: 'new' } });
    // The old rule's message for that slot, delivered again late, finds the new rule's job and is a duplicate.
    expect(await claimAll(store, [messages[1]!])).toEqual([false]);
  });

  it('pause cancels occurrences already queued, and resume sends its own', async () => {
    const { scheduler, queue, store, clock } = setup();
    const s = await scheduler.schedule('tick', 't', {}, { every: 30 });
    const id = occurrenceJobId('tick', s.nextRunAt!.getTime() - 90_000 + 30_000);
    const queued = queue.take();
    await scheduler.pause('tick');
    expect((await scheduler.get(queued[0]!.message.id)).state).toBe('cancelled');
    expect(await claimAll(store, queued)).toEqual([false, false, false, false]);
    // Resumed 10 s later: slots +30 s … +120 s fire again, under the new generation, once each.
    clock.t = T0 + 10_000;
    await scheduler.resume('tick');
    const resumed = queue.take();
    expect(resumed.map((m) => m.message.dueAtMs)).toEqual([SLOT0 + 30_000, SLOT0 + 60_000, SLOT0 + 90_000, SLOT0 + 120_000]);
    expect(await claimAll(store, [...queued, ...resumed])).toEqual([false, false, false, false, true, true, true, true]);
    expect((await scheduler.get(id)).state).toBe('running');
  });

  it('cancel deletes a schedule and cancels its queued occurrences; recreated, it runs again', async () => {
    const { scheduler, queue, store, clock } = setup();
    await scheduler.schedule('tick', 't', {}, { every: 30 });
    const queued = queue.take();
    await scheduler.cancel('tick');
    await expect(scheduler.getSchedule('tick')).rejects.toBeInstanceOf(NotFoundError);
    expect(await claimAll(store, queued)).toEqual([false, false, false, false]);
    // Recreated right after with the same rule: the same slots, a new generation (its own creation time), not blocked
    // by the cancelled ones.
    clock.t += 1;
    await scheduler.schedule('tick', 't', {}, { every: 30 });
    expect(await claimAll(store, queue.take())).toEqual([true, true, true, true]);
  });

  it('cancel(occurrence id) cancels one pending occurrence (no job record yet); the schedule goes on', async () => {
    const { scheduler, queue, store } = setup();
    await scheduler.schedule('tick', 't', {}, { every: 30 });
    const queued = queue.take();
    const second = queued[1]!.message.id;
    await expect(scheduler.get(second)).rejects.toBeInstanceOf(NotFoundError);
    expect(await scheduler.cancel(second)).toMatchObject({ id: second, state: 'cancelled', scheduleId: 'tick' });
    expect(await claimAll(store, queued)).toEqual([true, false, true, true]);
    expect((await scheduler.getSchedule('tick')).paused).toBe(false);
    // A later slot of the rule not sent yet is turned away when it is; an instant that is no slot is no occurrence.
    const later = occurrenceJobId('tick', SLOT0 + 150_000);
    expect(await scheduler.cancel(later)).toMatchObject({ state: 'cancelled' });
    await expect(scheduler.cancel(occurrenceJobId('tick', SLOT0 + 151_000))).rejects.toBeInstanceOf(NotFoundError);
    await expect(scheduler.cancel(occurrenceJobId('ghost', T0 + 30_000))).rejects.toBeInstanceOf(NotFoundError);
    // A started occurrence is not cancelled.
    await expect(scheduler.cancel(queued[0]!.message.id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('pauses and resumes from the next slot after now, and cancel deletes it', async () => {
    const { scheduler, clock, queue, store } = setup();
    await scheduler.schedule('hourly', 't', {}, { cron: '0 * * * *' });
    expect((await scheduler.pause('hourly')).paused).toBe(true);
    clock.t = Date.parse('2026-11-23T12:30:00Z');
    const resumed = await scheduler.resume('hourly');
    expect(resumed.paused).toBe(false);
    expect(resumed.nextRunAt).toEqual(new Date('2026-11-23T13:00:00Z'));
    clock.t = Date.parse('2026-11-23T13:59:30Z');
    await scheduler.pause('hourly');
    const resumedSoon = await scheduler.resume('hourly'); // 14:00 is 30 s away: spawned by resume itself
    expect(resumedSoon.nextRunAt).toEqual(new Date('2026-11-23T15:00:00Z'));
    const [soon] = queue.take();
    expect(soon).toMatchObject({ delaySec: 30, message: { id: occurrenceJobId('hourly', Date.parse('2026-11-23T14:00:00Z')) } });
    expect(await claimAll(store, [soon!])).toEqual([true]);
    await scheduler.cancel('hourly');
    await expect(scheduler.getSchedule('hourly')).rejects.toBeInstanceOf(NotFoundError);
    await expect(scheduler.pause('hourly')).rejects.toBeInstanceOf(NotFoundError);
  });
});

/** Claims each message at its due time as the consumer would (an occurrence's claim creates its job): claimed or not. */
async function claimAll(store: MemoryJobStore, messages: readonly RecordedMessage[]): Promise<boolean[]> {
  const claimed: boolean[] = [];
  for (const { message } of messages) {
    const lease = { nowMs: message.dueAtMs, leaseUntilMs: message.dueAtMs + 60_000 };
    const claim = message.occurrence
      ? await claimOccurrence(store, message, message.occurrence, lease)
      : await store.claimJob(message.id, { dueAtMs: message.dueAtMs, ...lease });
    claimed.push(claim.claimed);
  }
  return claimed;
}

describe('defineTask', () => {
  it('enqueues with a typed payload and the task\'s defaults', async () => {
    const { scheduler, queue } = setup();
    const report = defineTask('api-test-report', async (payload: { week: number }) => payload.week, { queue: 'reports', maxAttempts: 7 });
    const job = await report.enqueue({ week: 47 }, { scheduler, in: 10 });
    expect(job).toMatchObject({ task: 'api-test-report', queue: 'reports', maxAttempts: 7, payload: { week: 47 } });
    expect(queue.take()[0]).toMatchObject({ queue: 'reports', delaySec: 10 });
    // Enqueue by name in a process that imported the task gets the same defaults; the call's options win.
    expect(await scheduler.enqueue('api-test-report', { week: 1 }, { maxAttempts: 2 })).toMatchObject({ queue: 'reports', maxAttempts: 2 });
  });

  it('refuses two different handlers under one name, and bad options', () => {
    defineTask('api-test-dup', async () => 1);
    expect(() => defineTask('api-test-dup', async () => 2)).toThrow(ValidationError);
    expect(() => defineTask('api-test-bad', async () => 1, { maxAttempts: -1, timeout: 'forever' })).toThrow(/maxAttempts[\s\S]*timeout/);
  });
});

describe('options a task defines', () => {
  it('are left to the worker when the task is not loaded where the job is enqueued', async () => {
    const { scheduler, store } = setup();
    const job = await scheduler.enqueue('defined-elsewhere', {}, { maxAttempts: 2 });
    const record = (await store.getJob(job.id))!;
    expect(record.inherits).toEqual(['backoff', 'storeResult', 'timeoutSec']);
    // The worker, which has the definition, applies it; the call's explicit maxAttempts stays.
    const definition = { name: 'defined-elsewhere', handler: async () => 1, options: { queue: 'default', maxAttempts: 9, backoff: [5], timeoutSec: 120, storeResult: true } };
    expect(withTaskDefaults(record, definition)).toMatchObject({ maxAttempts: 2, backoff: [5], timeoutSec: 120, storeResult: true });
    expect(withTaskDefaults(record, definition)).not.toHaveProperty('inherits');
  });

  it('are applied at enqueue when the task is loaded here', async () => {
    const { scheduler, store } = setup();
    defineTask('api-test-loaded', async () => 1, { storeResult: true });
    const job = await scheduler.enqueue('api-test-loaded', {});
    expect((await store.getJob(job.id))?.inherits).toBeUndefined();
  });
});

describe('transactions', () => {
  it('need a DynamoDB-backed scheduler', () => {
    const { scheduler } = setup();
    expect(() => scheduler.transactItems('t', {})).toThrow(ConfigurationError);
  });

  it('write through the store: on the memory store, jobs alone are written, sent and taken out of their lane', async () => {
    const { scheduler, store, queue } = setup();
    const [job] = await scheduler.transact([], [{ task: 't', payload: { n: 1 }, options: { in: 5 } }]);
    expect(queue.take().map((m) => m.message.id)).toEqual([job!.id]);
    expect(await store.getJob(job!.id)).toMatchObject({ state: 'scheduled', placement: 'none', sentAtMs: T0 });
  });

  it('refuse items of the caller on the memory store, naming the fix, before anything is written or sent', async () => {
    const { scheduler, queue } = setup();
    const mine = [{ Put: { TableName: 'orders', Item: { id: { S: 'o1' } } } }];
    await expect(scheduler.transact(mine, [{ task: 't', payload: {} }])).rejects.toThrow(ConfigurationError);
    await expect(scheduler.transact(mine, [{ task: 't', payload: {} }])).rejects.toThrow(/DynamoDB Local/);
    expect(queue.sent).toEqual([]);
    expect(await allJobs(scheduler)).toHaveLength(0);
  });

  it('reject more than 100 actions, and bad jobs, before any request', async () => {
    // Nothing listens on this endpoint: a request would fail with a network error, not a ValidationError.
    const scheduler = new Scheduler({ tableName: 'unused', queueUrl: 'http://127.0.0.1:9/q', clock: { nowMs: () => T0 } });
    const mine = Array.from({ length: 100 }, (_, i) => ({ ConditionCheck: { TableName: 'orders', Key: { id: { S: String(i) } }, ConditionExpression: 'attribute_exists(id)' } }));
    await expect(scheduler.transact(mine, [{ task: 't', payload: {} }])).rejects.toThrow(/at most 100 actions; received 100 of yours \+ 1 jobs/);
    await expect(scheduler.transact([], [{ task: 't', payload: {}, options: { in: 'later' } }])).rejects.toThrow(/jobs\[0\]: .*in/);
  });

  it('build a conditional put of the job in both SDK formats', () => {
    const scheduler = new Scheduler({ tableName: 'sundial', queueUrl: 'http://127.0.0.1:9/q', clock: { nowMs: () => T0 } });
    const [low] = scheduler.transactItems('t', { n: 1 }, { in: '1h' });
    expect(low!.Put).toMatchObject({ TableName: 'sundial', Item: { task: { S: 't' }, state: { S: 'scheduled' } } });
    expect(low!.Put!.ConditionExpression).toBeTruthy();
    const [doc] = scheduler.transactDocumentItems('t', { n: 1 });
    expect(doc!.Put).toMatchObject({ TableName: 'sundial', Item: { task: 't', state: 'scheduled', placement: 'lane' } });
  });
});

function baseJob(id: string, dueAtMs: number) {
  return {
    id, task: 't', queue: 'default', payload: '{}', state: 'scheduled' as const, dueAtMs, attempt: 0, maxAttempts: 3,
    backoff: { type: 'fixed' as const, seconds: 1 }, timeoutSec: 30, storeResult: false, placement: 'none' as const,
    createdAtMs: T0, updatedAtMs: T0,
  };
}
