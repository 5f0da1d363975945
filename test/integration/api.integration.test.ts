/**
 * The client library end to end on the local stack (issue 4): every public method against DynamoDB Local, the SQS
 * emulator and the bundled handlers, with real timers.
 */
import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamodbClient } from '../../lib/aws-clients.ts';
import { ConflictError, NotFoundError, type Job } from '../../lib/index.ts';
import { DIRECT_HORIZON_SEC, LOOKAHEAD_SEC, eventually, ranControl, useSharedStack, type TestStack } from './support.ts';

let t: TestStack;
beforeAll(() => {
  t = useSharedStack();
});
afterAll(async () => {
  await t?.stop();
});

const completed = (id: string) =>
  eventually(async () => {
    const job = await t.scheduler.get(id);
    return job.state === 'completed' ? job : undefined;
  }, `job ${id} completed`);

describe('local stack end to end', () => {
  it('runs a job enqueued now through the bundled consumer', async () => {
    const job = await t.scheduler.enqueue('record', { log: t.log, tag: 'now' });
    const done = await completed(job.id);
    expect(done.attempt).toBe(1);
    expect(typeof done.result).toBe('number');
    expect(t.runs().filter((r) => r.id === job.id)).toHaveLength(1);
  });

  it('runs a job from the swept path (beyond the direct horizon) through the sweeper', async () => {
    const job = await t.scheduler.enqueue('record', { log: t.log, tag: 'swept' }, { in: DIRECT_HORIZON_SEC + 3 });
    expect(t.runs().some((r) => r.id === job.id)).toBe(false);
    expect((await t.scheduler.store.getJob(job.id))?.placement).toBe('bucket');
    const done = await eventually(async () => {
      const j = await t.scheduler.get(job.id);
      return j.state === 'completed' ? j : undefined;
    }, 'swept job completed', 120_000);
    expect(done.startedAt!.getTime()).toBeGreaterThanOrEqual(job.dueAt.getTime());
  }, 150_000);

  it('enqueueMany writes and runs a batch', async () => {
    const results = await t.scheduler.enqueueMany(
      Array.from({ length: 30 }, (_, i) => ({ task: 'record', payload: { log: t.log, tag: `many-${i}` }, options: { in: i % 3 } })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const ids = results.map((r) => (r.ok ? r.job.id : ''));
    await eventually(() => (ids.every((id) => t.runs().some((r) => r.id === id)) ? true : undefined), 'all 30 ran');
  });
});

describe('transactions', () => {
  it('enqueues nothing when the caller\'s transaction is cancelled', async () => {
    const dynamodb = dynamodbClient(t.env);
    const table = t.env.SUNDIAL_TABLE_NAME!;
    const jobItems = t.scheduler.transactItems('record', { log: t.log, tag: 'rolled-back' });
    const jobId = jobItems[0]!.Put!.Item!.sk!.S!;
    await expect(
      dynamodb.send(new TransactWriteItemsCommand({
        TransactItems: [
          { ConditionCheck: { TableName: table, Key: { pk: { S: 'test#order' }, sk: { S: 'missing' } }, ConditionExpression: 'attribute_exists(pk)' } },
          ...jobItems,
        ],
      })),
    ).rejects.toThrow(/cancel/i);
    await expect(t.scheduler.get(jobId)).rejects.toBeInstanceOf(NotFoundError);
    await ranControl(t, { via: 'transaction' }); // a job of a committed transaction: the sweeps had their chance
    expect(t.runs().some((r) => r.id === jobId)).toBe(false);
    await expect(t.scheduler.transact(
      [{ ConditionCheck: { TableName: table, Key: { pk: 'test#order', sk: 'missing' }, ConditionExpression: 'attribute_exists(pk)' } }],
      [{ task: 'record', payload: { log: t.log } }],
      { format: 'document' },
    )).rejects.toThrow(/cancel/i);
  });

  it('a job written by the caller\'s own transaction is sent by the sweeper', async () => {
    const dynamodb = dynamodbClient(t.env);
    const items = t.scheduler.transactItems('record', { log: t.log, tag: 'own-tx' });
    await dynamodb.send(new TransactWriteItemsCommand({ TransactItems: items }));
    await completed(items[0]!.Put!.Item!.sk!.S!);
  });
});

describe('unique, cancel, retry', () => {
  it('unique returns the same job and runs it once', async () => {
    const a = await t.scheduler.enqueue('record', { log: t.log, tag: 'unique' }, { in: 2, unique: 'it-unique-1' });
    const b = await t.scheduler.enqueue('record', { log: t.log, tag: 'unique' }, { in: 2, unique: 'it-unique-1' });
    expect(b.id).toBe(a.id);
    await completed(a.id);
    await ranControl(t, { inSec: 1 }); // due after it: a second copy of it would have run by now
    expect(t.runs().filter((r) => r.id === a.id)).toHaveLength(1);
  });

  it('cancel of a job whose message is already in SQS prevents its run', async () => {
    const job = await t.scheduler.enqueue('record', { log: t.log, tag: 'cancelled' }, { in: 3 });
    expect((await t.scheduler.cancel(job.id) as Job).state).toBe('cancelled');
    await ranControl(t, { inSec: 4 }); // enqueued after it and due after it: its message was handled first
    expect(t.runs().some((r) => r.id === job.id)).toBe(false);
    expect((await t.scheduler.get(job.id)).state).toBe('cancelled');
    await expect(t.scheduler.cancel(job.id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('retry runs a failed job again', async () => {
    const job = await t.scheduler.enqueue('always-fail', { log: t.log, tag: 'retry-me' }, { maxAttempts: 1 });
    await eventually(async () => ((await t.scheduler.get(job.id)).state === 'failed' ? true : undefined), 'job failed');
    await t.scheduler.retry(job.id, { maxAttempts: 1 });
    await eventually(async () => {
      const j = await t.scheduler.get(job.id);
      return j.state === 'failed' && j.attempt === 2 ? j : undefined;
    }, 'second failure after retry');
    expect(t.runs().filter((r) => r.id === job.id).map((r) => r.attempt)).toEqual([1, 2]);
  });
});

describe('list', () => {
  it('pages through 1,000 jobs with a cursor', async () => {
    const results = await t.scheduler.enqueueMany(
      Array.from({ length: 1000 }, (_, i) => ({ task: 'list-me', payload: { i }, options: { in: '2h' } })),
    );
    expect(results.filter((r) => !r.ok)).toEqual([]);
    const seen = new Set<string>();
    let pages = 0;
    let cursor: string | undefined;
    do {
      const page = await t.scheduler.list({ task: 'list-me', limit: 100, ...(cursor ? { cursor } : {}) });
      page.items.forEach((j) => seen.add(j.id));
      cursor = page.cursor;
      pages++;
    } while (cursor);
    expect(seen.size).toBe(1000);
    expect(pages).toBeGreaterThanOrEqual(10);
    expect((await t.scheduler.list({ task: 'list-me', state: 'running' })).items).toHaveLength(0);
  });
});

describe('schedules', () => {
  it('replacing a schedule never fires the old expression again', async () => {
    await t.scheduler.schedule('it-replace', 'record', { log: t.log, tag: 'old-rule' }, { every: 2 });
    await eventually(() => (t.runs().some((r) => r.tag === 'old-rule') ? true : undefined), 'the old rule fired');
    // Occurrences of the old rule up to the lookahead are already in SQS now.
    await t.scheduler.schedule('it-replace', 'record', { log: t.log, tag: 'new-rule' }, { cron: '0 0 1 1 *' });
    const replacedAtMs = Date.now();
    // Old-rule occurrences already in SQS are due within the lookahead: a control job due after them ran after them.
    await ranControl(t, { inSec: LOOKAHEAD_SEC + 2 });
    const late = t.runs().filter((r) => r.tag === 'old-rule' && r.startedAtMs > replacedAtMs + 1_000);
    expect(late).toEqual([]);
    await t.scheduler.cancel('it-replace');
  }, 60_000);

  it('pause stops occurrences and resume starts them again', async () => {
    await t.scheduler.schedule('it-pause', 'record', { log: t.log, tag: 'paused-rule' }, { every: 2 });
    await eventually(() => (t.runs().some((r) => r.tag === 'paused-rule') ? true : undefined), 'first occurrence');
    await t.scheduler.pause('it-pause');
    await ranControl(t); // a run already started may still record itself
    const before = t.runs().filter((r) => r.tag === 'paused-rule').length;
    await ranControl(t, { inSec: LOOKAHEAD_SEC + 2 }); // occurrences already in SQS were cancelled: none ran meanwhile
    expect(t.runs().filter((r) => r.tag === 'paused-rule').length).toBe(before);
    await t.scheduler.resume('it-pause');
    await eventually(() => (t.runs().filter((r) => r.tag === 'paused-rule').length > before ? true : undefined), 'runs after resume');
    await t.scheduler.cancel('it-pause');
  }, 90_000);
});
