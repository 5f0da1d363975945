/**
 * The bad-input suite (issue 11) and Lows 8 and 9: every public entry point, fed malformed ids, payloads, options,
 * cron strings, zones, durations and CLI flags, either succeeds or rejects with a typed `SundialError`, and a
 * rejected call writes nothing: a scan of the DynamoDB Local table before and after is identical, and no message was
 * sent. fast-check generates the input; runs are few per entry point to keep the suite fast.
 */
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../bin/cli.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { createSundialTable, localDynamoDbClient } from '../../infra/local/sundial-table.ts';
import { MemoryJobQueue, Scheduler, SundialError, ValidationError, nextRuns } from '../../lib/index.ts';
import { DynamoDbJobStore } from '../../lib/store/dynamodb-store.ts';

const RUNS = 25;
let local: DynamoDbLocal;
let client: DynamoDBClient;
let scheduler: Scheduler;
let queue: MemoryJobQueue;
const tableName = 'sundial-bad-input';

beforeAll(async () => {
  local = await startDynamoDbLocal();
  client = localDynamoDbClient(local.endpoint);
  await createSundialTable(client, tableName);
  queue = new MemoryJobQueue(['default']);
  scheduler = new Scheduler({ store: new DynamoDbJobStore({ tableName, client, shards: 4 }), queue });
  // A live job and schedule, so that lookups by a bad id have something they must not touch.
  await scheduler.enqueue('probe', { n: 1 }, { in: '2h' });
  await scheduler.schedule('probe-schedule', 'probe', {}, { every: '1h' });
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await local?.stop();
});

async function snapshot(): Promise<string> {
  const items = (await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items ?? [];
  return JSON.stringify(items.map((i) => JSON.stringify(i)).sort());
}

/** Runs `call`; if it rejects, the rejection is a SundialError and nothing was written or sent. */
async function rejectsCleanly(call: () => Promise<unknown>): Promise<void> {
  const before = await snapshot();
  const sentBefore = queue.sent.length;
  let error: unknown;
  try {
    await call();
    return;
  } catch (e) {
    error = e;
  }
  expect(error, String(error)).toBeInstanceOf(SundialError);
  expect(await snapshot()).toBe(before);
  expect(queue.sent.length).toBe(sentBefore);
}

class Point {
  constructor(readonly x: number) {}
}

/** Values JSON would silently change, or cannot hold. */
const lossy = fc.oneof(
  fc.constant(new Map([['a', 1]])),
  fc.constant(new Set([1])),
  fc.date({ noInvalidDate: true }),
  fc.constant(() => 1),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.bigInt(),
  fc.constant(new Point(1)),
  fc.constant([1, undefined, 3]),
  fc.constant(Symbol('s')),
);
/** A lossy value somewhere inside otherwise plain data. */
const lossyPayload = fc.oneof(
  lossy,
  lossy.map((v) => ({ deep: { list: [0, v] } })),
  fc.tuple(fc.string(), lossy).map(([k, v]) => ({ [`k${k}`]: v, ok: true })),
);
const badId = fc.oneof(
  fc.constant(''),
  fc.constantFrom(undefined, null, 42, {}, [], true),
  fc.string({ minLength: 1025, maxLength: 1100 }),
  fc.string({ maxLength: 10 }).map((s) => `${s}\u0000${s}`),
);
const anything = fc.oneof(fc.anything(), fc.string(), fc.integer(), fc.double());
const badDuration = fc.oneof(
  fc.integer({ max: -1 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, '5 parsecs', '', '-5m', { minutes: -1 }, { fortnights: 1 }, [5]),
  fc.string().filter((s) => !/^\d/.test(s)),
);

describe('only typed errors, and nothing written (DynamoDB Local)', () => {
  it('ids: get, cancel, pause, resume, retry, getSchedule reject bad ids before any I/O', async () => {
    await fc.assert(
      fc.asyncProperty(badId, fc.constantFrom('get', 'cancel', 'pause', 'resume', 'retry', 'getSchedule'), async (id, method) => {
        const call = (scheduler as unknown as Record<string, (id: unknown) => Promise<unknown>>)[method]!.bind(scheduler);
        await expect(call(id)).rejects.toBeInstanceOf(ValidationError);
        await rejectsCleanly(() => call(id));
      }),
      { numRuns: RUNS },
    );
  });

  it('payloads a JSON round trip would change are rejected, naming the path', async () => {
    await fc.assert(
      fc.asyncProperty(lossyPayload, async (payload) => {
        const error = await scheduler.enqueue('probe', payload).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as Error).message).toMatch(/`payload/);
        await rejectsCleanly(() => scheduler.enqueue('probe', payload));
        await rejectsCleanly(() => scheduler.enqueueMany([{ task: 'probe', payload: { ok: 1 } }, { task: 'probe', payload }]));
        await rejectsCleanly(() => scheduler.schedule('lossy', 'probe', payload, { every: 60 }));
        await rejectsCleanly(() => scheduler.transact([], [{ task: 'probe', payload }]));
      }),
      { numRuns: RUNS },
    );
  });

  it('enqueue options: durations, instants, attempts, backoff, queue, timeout, unique, unknown keys', async () => {
    const badOptions = fc.oneof(
      badDuration.map((d) => ({ in: d })),
      fc.constantFrom('2026-12-01T09:00:00', 'tomorrow', '', 'not a date').map((at) => ({ at })),
      fc.constant({ in: 5, at: '2030-01-01T00:00:00Z' }),
      fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 101 }), fc.constantFrom(1.5, '3')).map((maxAttempts) => ({ maxAttempts })),
      fc.constantFrom({ type: 'linear' }, { type: 'fixed' }, { type: 'fixed', seconds: -1 }, [], ['x'], 'fast').map((backoff) => ({ backoff })),
      fc.constantFrom('', 'no such queue', 'nope').map((queue) => ({ queue })),
      badDuration.map((timeout) => ({ timeout })),
      fc.constantFrom('', 'a#b', 'x'.repeat(600)).map((unique) => ({ unique })),
      fc.string({ minLength: 1 }).filter((k) => !['in', 'at', 'unique', 'queue', 'maxAttempts', 'backoff', 'storeResult', 'timeout'].includes(k)).map((k) => ({ [k]: 1 })),
    );
    await fc.assert(
      fc.asyncProperty(badOptions, anything, async (options, task) => {
        await expect(scheduler.enqueue('probe', {}, options as never)).rejects.toBeInstanceOf(ValidationError);
        await rejectsCleanly(() => scheduler.enqueue('probe', {}, options as never));
        await rejectsCleanly(() => scheduler.enqueue(task as never, {}));
        await rejectsCleanly(() => scheduler.enqueueMany([{ task: 'probe', payload: {}, options: options as never }]));
      }),
      { numRuns: RUNS },
    );
  });

  it('schedule: cron strings, zones, intervals, windows and policies', async () => {
    const spec = fc.oneof(
      fc.string().map((cron) => ({ cron })),
      fc.tuple(fc.constantFrom('0 9 * * MON', '*/5 * * * *'), fc.string()).map(([cron, timezone]) => ({ cron, timezone })),
      badDuration.map((every) => ({ every })),
      fc.constant({}),
      fc.constant({ cron: '0 9 * * *', every: 60 }),
      fc.record({ every: fc.constant(60), misfire: fc.string(), overlap: fc.string() }),
      fc.record({ every: fc.constant(60), maxRuns: fc.oneof(fc.integer({ max: 0 }), fc.double()) }),
      fc.record({ every: fc.constant(60), startAt: fc.string(), endAt: fc.string() }),
    );
    await fc.assert(
      fc.asyncProperty(spec, fc.oneof(fc.constant('s-ok'), badId), async (options, id) => {
        await rejectsCleanly(() => scheduler.schedule(id as string, 'probe', {}, options as never));
        // nextRuns is pure: only the error type matters.
        try {
          nextRuns(options as never, { from: new Date(0), count: 3 });
        } catch (error) {
          expect(error).toBeInstanceOf(SundialError);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('list and listSchedules filters', async () => {
    const filters = fc.record(
      { state: anything, limit: anything, dueAfter: anything, dueBefore: anything, cursor: fc.oneof(anything, fc.string()) },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(filters, async (filter) => {
        await rejectsCleanly(() => scheduler.list(filter as never));
        await rejectsCleanly(() => scheduler.listSchedules(filter as never));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('the CLI: one clean line, a typed error, nothing written', () => {
  const env = () => ({
    SUNDIAL_TABLE_NAME: tableName,
    SUNDIAL_QUEUES: JSON.stringify({ default: 'http://127.0.0.1:9/000000000000/never-used' }),
    AWS_ENDPOINT_URL: local.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });

  it('rejects bad flags and arguments through main([...])', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env());
    try {
      const argv = fc.oneof(
        fc.tuple(fc.constantFrom('get', 'cancel', 'pause', 'resume', 'retry')).map(([c]) => [c]),
        fc.tuple(fc.constantFrom('get', 'cancel', 'retry'), fc.constantFrom('', '\u0001x')).map(([c, id]) => [c, id]),
        fc.tuple(fc.string(), badDuration.filter((d) => typeof d === 'string' && d !== '')).map(([p, d]) => ['enqueue', 'probe', `{${p}`, '--in', String(d)]),
        badDuration.filter((d) => typeof d === 'string' && d !== '').map((d) => ['enqueue', 'probe', '{}', '--in', String(d)]),
        fc.string({ minLength: 1 }).map((s) => ['schedule', 's1', 'probe', '{}', '--cron', s, '--timezone', 'Mars/Olympus']),
        fc.string({ minLength: 1 }).map((s) => ['next-runs', '--cron', `${s} x`, '--count', 'many']),
        fc.string({ minLength: 1 }).filter((s) => /^[a-z]+$/.test(s)).map((s) => ['list', `--${s}-nope`, '1']),
        fc.constantFrom<string[]>(['list', '--limit', '0'], ['list', '--state', 'sleeping'], ['enqueue', 'probe', '{}', '--max-attempts', 'x'], ['sweeper', 'dance']),
      );
      await fc.assert(
        fc.asyncProperty(argv, async (args) => {
          const before = await snapshot();
          const errors: string[] = [];
          const code = await main(args, { out: () => undefined, err: (line) => errors.push(line) });
          expect(code, `${args.join(' ')} → ${errors.join('\n')}`).toBe(2);
          expect(errors).toHaveLength(1);
          expect(errors[0]).toMatch(/^sundial: [A-Za-z]*Error: /);
          expect(errors[0]).not.toMatch(/\n\s+at /);
          expect(await snapshot()).toBe(before);
        }),
        { numRuns: RUNS },
      );
    } finally {
      for (const key of Object.keys(env())) delete process.env[key];
      Object.assign(process.env, saved);
    }
  }, 60_000);
});
