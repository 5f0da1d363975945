import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/core/errors.ts';
import { occurrenceJobId } from '../../lib/core/ids.ts';
import type { JobMessage } from '../../lib/queue/types.ts';
import { cancelPendingOccurrences, scheduleGeneration } from '../../lib/schedules/occurrences.ts';
import type { JobStore, ScheduleRecord } from '../../lib/store/types.ts';
import { ORPHAN_GRACE_MS } from '../../lib/worker/deps.ts';
import { MessageDeferredError } from '../../lib/worker/errors.ts';
import { handleJobMessage } from '../../lib/worker/handle-job-message.ts';
import { parseJobMessage } from '../../lib/worker/message.ts';
import { T0, createHarness, defineTestTask, type Harness } from './harness.ts';

const limits = { deadlineMs: T0 + 15 * 60_000 };

/** A schedule of `task` every minute, whose slot T0 is due now. */
function scheduleOf(task: string, overrides: Partial<ScheduleRecord> = {}): ScheduleRecord {
  return {
    id: 'minutely', task, queue: 'default', payload: '{"report":"daily"}', recurrence: { everySec: 60 }, anchorMs: T0,
    runs: 1, nextRunAtMs: T0 + 60_000, paused: false, misfire: 'once', overlap: 'allow', maxAttempts: 2, backoff: [10],
    timeoutSec: 30, storeResult: true, version: 1, createdAtMs: T0 - 3_600_000, updatedAtMs: T0 - 60_000, ...overrides,
  };
}

/** The message the spawner sent for the schedule's slot `dueAtMs`. */
function occurrenceMessage(schedule: ScheduleRecord, dueAtMs = T0): JobMessage {
  return {
    v: 1, id: occurrenceJobId(schedule.id, dueAtMs), dueAtMs, sentAtMs: dueAtMs - 60_000,
    occurrence: { scheduleId: schedule.id, generation: scheduleGeneration(schedule) },
  };
}

/** Counts the store's writes by method, from now on. */
function countWrites(store: JobStore): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const method of ['createClaimedJob', 'claimJob', 'createJob', 'finishAttempt'] as const) {
    const original = store[method].bind(store) as (...args: never[]) => Promise<unknown>;
    (store as unknown as Record<string, unknown>)[method] = (...args: never[]) => {
      counts[method] = (counts[method] ?? 0) + 1;
      return original(...args);
    };
  }
  return counts;
}

async function stored(h: Harness, schedule: ScheduleRecord): Promise<ScheduleRecord> {
  await h.store.putSchedule(schedule);
  return (await h.store.getSchedule(schedule.id))!;
}

describe('occurrence messages: the claim creates the job', () => {
  it('creates the job from the schedule already claimed (one write), runs it once and stores its result', async () => {
    const h = createHarness();
    const seen: unknown[] = [];
    const schedule = await stored(h, scheduleOf(defineTestTask((payload, context) => (seen.push([payload, context.scheduleId]), 'done'))));
    const writes = countWrites(h.store);

    expect(await handleJobMessage(occurrenceMessage(schedule), h.deps, limits)).toBe('completed');

    expect(seen).toEqual([[{ report: 'daily' }, 'minutely']]);
    expect(writes).toEqual({ createClaimedJob: 1, finishAttempt: 1 });
    expect(await h.store.getJob(occurrenceJobId('minutely', T0))).toMatchObject({
      state: 'completed', attempt: 1, dueAtMs: T0, maxAttempts: 2, scheduleId: 'minutely', result: '"done"',
      scheduleGeneration: scheduleGeneration(schedule), sentAtMs: T0 - 60_000, startedAtMs: T0,
    });
  });

  it('runs a slot once whatever the number of its messages (racing spawners, a re-send after a crash)', async () => {
    const h = createHarness();
    let runs = 0;
    const schedule = await stored(h, scheduleOf(defineTestTask(async () => void runs++)));
    const outcomes = await Promise.all([1, 2, 3].map(() => handleJobMessage(occurrenceMessage(schedule), h.deps, limits)));
    expect(outcomes.sort()).toEqual(['acknowledged', 'acknowledged', 'completed']);
    expect(await handleJobMessage(occurrenceMessage(schedule), h.deps, limits)).toBe('acknowledged');
    expect(runs).toBe(1);
  });

  it('a redelivery after a crashed attempt takes the expired lease over through the normal claim', async () => {
    const h = createHarness();
    const attempts: number[] = [];
    const schedule = await stored(h, scheduleOf(defineTestTask((_p, context) => void attempts.push(context.attempt))));
    // The first consumer created the job and died in the task: running, lease until T0 + 10 s.
    await h.store.createClaimedJob(claimedOccurrence(schedule), { generation: scheduleGeneration(schedule) });
    h.time.now = T0 + 11_000;
    expect(await handleJobMessage(occurrenceMessage(schedule), h.deps, { deadlineMs: T0 + 15 * 60_000 })).toBe('completed');
    expect(attempts).toEqual([2]);
  });

  it('a failed occurrence is retried by its own retry message (a plain job message), within its attempts', async () => {
    const h = createHarness();
    let calls = 0;
    const schedule = await stored(h, scheduleOf(defineTestTask(() => {
      if (++calls === 1) throw new Error('flaky');
    })));
    expect(await handleJobMessage(occurrenceMessage(schedule), h.deps, limits)).toBe('retrying');
    const [retry] = h.queue.take();
    expect(retry!.message).toEqual({ v: 1, id: occurrenceJobId('minutely', T0), dueAtMs: expect.any(Number), sentAtMs: expect.any(Number) });
    h.time.now = retry!.message.dueAtMs;
    expect(await handleJobMessage(retry!.message, h.deps, limits)).toBe('completed');
    expect(await h.store.getJob(retry!.message.id)).toMatchObject({ state: 'completed', attempt: 2 });
  });

  it.each([
    ['the schedule is paused', async (h: Harness) => void (await h.store.setSchedulePaused('minutely', true, T0 - 1))],
    ['the schedule was replaced', async (h: Harness, s: ScheduleRecord) => void (await h.store.putSchedule(s))],
    ['the schedule was paused and resumed', async (h: Harness) => {
      await h.store.setSchedulePaused('minutely', true, T0 - 2);
      await h.store.setSchedulePaused('minutely', false, T0 - 1, T0 + 60_000);
    }],
  ])('acknowledges without running or writing a job when %s since the send', async (_case, change) => {
    const h = createHarness();
    let runs = 0;
    const schedule = await stored(h, scheduleOf(defineTestTask(() => void runs++)));
    const message = occurrenceMessage(schedule);
    await change(h, schedule);
    expect(await handleJobMessage(message, h.deps, limits)).toBe('acknowledged');
    expect(runs).toBe(0);
    expect(await h.store.getJob(message.id)).toBeUndefined();
  });

  it('a message that arrives before its new schedule is written waits for the put, then runs once', async () => {
    const h = createHarness();
    let runs = 0;
    // `schedule()` sends a new schedule's first occurrences, then puts it already past them (`createSpawned`).
    const schedule = scheduleOf(defineTestTask(() => void runs++));
    h.time.onSleep = async () => {
      if (!(await h.store.getSchedule(schedule.id))) await h.store.putSchedule(schedule);
    };
    expect(await handleJobMessage(occurrenceMessage(schedule), h.deps, limits)).toBe('completed');
    expect(runs).toBe(1);
    expect(h.time.sleeps.length).toBeGreaterThan(0);
  });

  it('with no schedule and no record, the message is a trailing write: returned while young, dropped after the orphan grace', async () => {
    const h = createHarness();
    let runs = 0;
    const schedule = await stored(h, scheduleOf(defineTestTask(() => void runs++)));
    const message = occurrenceMessage(schedule);
    // Deleted, and this slot's cancelled record not written (it had left the pending window): nothing says cancelled.
    await h.store.deleteSchedule('minutely');
    await expect(handleJobMessage(message, h.deps, limits)).rejects.toBeInstanceOf(MessageDeferredError);
    h.time.now = message.sentAtMs + ORPHAN_GRACE_MS + 1;
    expect(await handleJobMessage(message, h.deps, limits)).toBe('dropped');
    expect(runs).toBe(0);
    expect(await h.store.getJob(message.id)).toBeUndefined();
  });

  it('a deleted schedule\'s pending occurrence is settled by its cancelled record, without waiting', async () => {
    const h = createHarness();
    let runs = 0;
    const schedule = await stored(h, scheduleOf(defineTestTask(() => void runs++)));
    const message = occurrenceMessage(schedule);
    const deleted = await h.store.deleteSchedule('minutely');
    await cancelPendingOccurrences(h.store, deleted, T0, T0 / 1000 + 86_400);
    expect(await handleJobMessage(message, h.deps, limits)).toBe('acknowledged');
    expect(runs).toBe(0);
    expect(h.time.sleeps).toEqual([]);
    expect(await h.store.getJob(message.id)).toMatchObject({ state: 'cancelled' });
  });

  it('a schedule deleted and created again: the old generation\'s cancelled record does not settle the new one\'s message whose put trails it', async () => {
    const h = createHarness();
    let runs = 0;
    const task = defineTestTask(() => void runs++);
    // The first schedule of the id is deleted: its pending slot T0 gets a cancelled record of its generation.
    const old = await stored(h, scheduleOf(task));
    await cancelPendingOccurrences(h.store, await h.store.deleteSchedule('minutely'), T0, T0 / 1000 + 86_400);
    // Created again (a new generation, same slots): its first occurrences are sent before its put, which lands during
    // the consumer's wait.
    const renewed = scheduleOf(task, { createdAtMs: T0 - 30_000, updatedAtMs: T0 - 30_000 });
    expect(scheduleGeneration(renewed)).not.toBe(scheduleGeneration(old));
    h.time.onSleep = async () => {
      if (!(await h.store.getSchedule(renewed.id))) await h.store.putSchedule(renewed);
    };
    expect(await handleJobMessage(occurrenceMessage(renewed), h.deps, limits)).toBe('completed');
    expect(runs).toBe(1);
    expect(await h.store.getJob(occurrenceJobId('minutely', T0))).toMatchObject({ state: 'completed', scheduleGeneration: scheduleGeneration(renewed) });
  });

  it('a pause that raced the consumer: the cancelled occurrence of its generation is never overwritten', async () => {
    const h = createHarness();
    let runs = 0;
    const schedule = await stored(h, scheduleOf(defineTestTask(() => void runs++)));
    const message = occurrenceMessage(schedule);
    // The consumer read the schedule before the pause; the pause's cancellation lands before its create.
    const getSchedule = h.store.getSchedule.bind(h.store);
    h.store.getSchedule = async (id) => {
      const read = await getSchedule(id);
      const paused = await h.store.setSchedulePaused(id, true, T0);
      await cancelPendingOccurrences(h.store, paused, T0, T0 / 1000 + 86_400);
      return read;
    };
    expect(await handleJobMessage(message, h.deps, limits)).toBe('acknowledged');
    expect(runs).toBe(0);
    expect(await h.store.getJob(message.id)).toMatchObject({ state: 'cancelled', scheduleGeneration: scheduleGeneration(schedule) });
  });

  it('a message sent before this change (no `occurrence`) runs the job its spawn wrote, as before', async () => {
    const h = createHarness();
    let runs = 0;
    const schedule = await stored(h, scheduleOf(defineTestTask(() => void runs++)));
    const { leaseUntilMs: _l, startedAtMs: _s, ...job } = { ...claimedOccurrence(schedule), state: 'scheduled' as const, attempt: 0 };
    await h.store.createJob(job);
    expect(await handleJobMessage({ v: 1, id: job.id, dueAtMs: T0, sentAtMs: T0 - 60_000 }, h.deps, limits)).toBe('completed');
    expect(runs).toBe(1);
  });
});

describe('parseJobMessage: occurrence messages', () => {
  it('reads the occurrence reference, and nothing else of it', () => {
    const body = JSON.stringify({ v: 1, id: 'daily#1', dueAtMs: 1, sentAtMs: 0, occurrence: { scheduleId: 'daily', generation: '5.2', extra: true } });
    expect(parseJobMessage(body)).toEqual({ v: 1, id: 'daily#1', dueAtMs: 1, sentAtMs: 0, occurrence: { scheduleId: 'daily', generation: '5.2' } });
  });

  it('names every problem of a malformed occurrence reference', () => {
    const parse = (occurrence: unknown) => () => parseJobMessage(JSON.stringify({ v: 1, id: 'daily#1', dueAtMs: 1, sentAtMs: 0, occurrence }));
    expect(parse('daily')).toThrow(/`occurrence`: received "daily"/);
    try {
      parse({ scheduleId: '' })();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems).toEqual([expect.stringMatching(/`occurrence.scheduleId`: received ""/), expect.stringMatching(/`occurrence.generation`: received undefined/)]);
    }
  });
});

/** The occurrence of `schedule` at T0 as a crashed consumer left it: running, its lease ended at T0 + 10 s. */
function claimedOccurrence(schedule: ScheduleRecord) {
  return {
    id: occurrenceJobId(schedule.id, T0), task: schedule.task, queue: schedule.queue, payload: schedule.payload,
    state: 'running' as const, dueAtMs: T0, attempt: 1, maxAttempts: schedule.maxAttempts, backoff: schedule.backoff,
    timeoutSec: schedule.timeoutSec, storeResult: schedule.storeResult, placement: 'none' as const, createdAtMs: T0,
    updatedAtMs: T0, scheduleId: schedule.id, scheduleGeneration: scheduleGeneration(schedule), startedAtMs: T0,
    leaseUntilMs: T0 + 10_000,
  };
}
