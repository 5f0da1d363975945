/**
 * Defect 5 (unique keys were global across tasks; a duplicate key in one enqueueMany call sent two messages) and
 * Low 10 (a schedule id could hide behind a job id in `cancel`). On the memory store and queue.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, MemoryJobQueue, MemoryJobStore, Scheduler, ValidationError } from '../../lib/index.ts';

const T0 = Date.parse('2026-11-23T09:00:00.000Z');

function setup() {
  const store = new MemoryJobStore({ shards: 4 });
  const queue = new MemoryJobQueue(['default']);
  const scheduler = new Scheduler({ store, queue, clock: { nowMs: () => T0 } });
  return { store, queue, scheduler };
}

describe('unique keys are scoped per task', () => {
  it('gives two tasks using the same key two jobs', async () => {
    const { scheduler, queue } = setup();
    const a = await scheduler.enqueue('task-a', { n: 1 }, { unique: 'k1' });
    const b = await scheduler.enqueue('task-b', { n: 1 }, { unique: 'k1' });
    expect(b.id).not.toBe(a.id);
    expect(b.task).toBe('task-b');
    expect(queue.sent.map((m) => m.message.id).sort()).toEqual([a.id, b.id].sort());
  });

  it('returns the live job for the same task, key and payload, with no second message', async () => {
    const { scheduler, queue } = setup();
    const first = await scheduler.enqueue('task-a', { n: 1 }, { unique: 'k1' });
    const again = await scheduler.enqueue('task-a', { n: 1 }, { unique: 'k1' });
    expect(again.id).toBe(first.id);
    expect(queue.sent).toHaveLength(1);
  });

  it('rejects the same task and key with a different payload: ConflictError carrying the live job', async () => {
    const { scheduler } = setup();
    const first = await scheduler.enqueue('task-a', { n: 1 }, { unique: 'k1', in: '1h' });
    const error = await scheduler.enqueue('task-a', { n: 2 }, { unique: 'k1', in: '1h' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toMatch(/unique key "k1".*different payload/);
    expect((error as ConflictError & { current?: { id: string } }).current?.id).toBe(first.id);
  });

  it('enqueueMany with the same key twice in one call makes one job and sends one message', async () => {
    const { scheduler, queue, store } = setup();
    const results = await scheduler.enqueueMany([
      { task: 'task-a', payload: { n: 1 }, options: { unique: 'dup' } },
      { task: 'task-a', payload: { n: 1 }, options: { unique: 'dup' } },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    const ids = results.map((r) => (r.ok ? r.job.id : ''));
    expect(ids[0]).toBe(ids[1]);
    expect(queue.sent).toHaveLength(1);
    expect((await store.listJobs({ limit: 10 })).items).toHaveLength(1);
  });

  it('enqueueMany with the same key and different payloads in one call: the first wins, the second gets ConflictError', async () => {
    const { scheduler } = setup();
    const results = await scheduler.enqueueMany([
      { task: 'task-a', payload: { n: 1 }, options: { unique: 'dup' } },
      { task: 'task-a', payload: { n: 2 }, options: { unique: 'dup' } },
    ]);
    expect(results[0]!.ok).toBe(true);
    expect(results[1]!.ok ? undefined : results[1]!.error).toBeInstanceOf(ConflictError);
  });
});

describe('schedule ids never collide with job ids', () => {
  it.each(['01KAT0V8Q5Z3M9XW1C4H7N2R6B', 'u:k1'])('rejects the schedule id %s, which has the form of a job id', async (id) => {
    const { scheduler } = setup();
    await expect(scheduler.schedule(id, 'task-a', {}, { every: 60 })).rejects.toThrow(ValidationError);
  });
});
