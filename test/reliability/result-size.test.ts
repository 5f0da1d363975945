/**
 * Defect 1 of issue 11: a result that does not fit in the job's item made the completion write fail, the message came
 * back, and the claim took over the lapsed lease: a task that succeeded ran again (three times). A result is now sized
 * in UTF-8 bytes against what the item can still hold; one that cannot be stored is dropped with a note and the job
 * completes. Run on DynamoDB Local and on the memory store (which enforces DynamoDB's 400 KB item limit too).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { createSundialTable, localDynamoDbClient } from '../../infra/local/sundial-table.ts';
import { DynamoDbJobStore } from '../../lib/store/dynamodb-store.ts';
import { MemoryJobStore } from '../../lib/store/memory-store.ts';
import type { JobStore } from '../../lib/store/types.ts';
import { handleJobMessage } from '../../lib/worker/handle-job-message.ts';
import { createHarness, defineTestTask, jobRecord, messageFor, T0 } from '../worker/harness.ts';

let local: DynamoDbLocal;
let client: DynamoDBClient;
let tables = 0;

beforeAll(async () => {
  local = await startDynamoDbLocal();
  client = localDynamoDbClient(local.endpoint);
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await local?.stop();
});

const stores: Array<[string, () => Promise<JobStore>]> = [
  ['the memory store', async () => new MemoryJobStore({ shards: 4 })],
  [
    'DynamoDB Local',
    async () => {
      const tableName = `sundial-result-size-${++tables}`;
      await createSundialTable(client, tableName);
      return new DynamoDbJobStore({ tableName, client, shards: 4 });
    },
  ],
];

const KB = 1024;
const cases: Array<[string, unknown, () => unknown]> = [
  ['a 340 KB payload and a 60 KB result', { blob: 'p'.repeat(340 * KB) }, () => ({ blob: 'r'.repeat(60 * KB) })],
  ["a 250,000-character '€' result (750,000 bytes)", { small: true }, () => '€'.repeat(250_000)],
];

/**
 * Delivers the job's message the way SQS does: again after a failed handling (a rejection), each time after the lease
 * of the previous attempt has lapsed, until the job ends or six deliveries have been made.
 */
async function deliverUntilEnded(store: JobStore, id: string, dueAtMs: number) {
  const h = createHarness();
  const deps = { ...h.deps, store };
  for (let delivery = 0; delivery < 6; delivery++) {
    await handleJobMessage(messageFor({ id, dueAtMs }), deps, { deadlineMs: h.time.now + 60_000 }).catch(() => undefined);
    const job = await store.getJob(id);
    if (job && ['completed', 'failed'].includes(job.state)) return job;
    h.time.now += 10 * 60_000;
  }
  return store.getJob(id);
}

describe.each(stores)('a result too large for the item, on %s', (_name, makeStore) => {
  it.each(cases)('%s: the handler runs once and the job completes without its result, with a note', async (_case, payload, result) => {
    const store = await makeStore();
    let runs = 0;
    const task = defineTestTask(() => {
      runs++;
      return result();
    });
    const job = jobRecord(task, { payload: JSON.stringify(payload), storeResult: true });
    await store.createJob(job);
    const ended = await deliverUntilEnded(store, job.id, job.dueAtMs);
    expect(runs).toBe(1);
    expect(ended).toMatchObject({ state: 'completed', attempt: 1 });
    expect(ended?.result?.length).toBeUndefined();
    expect(ended?.resultDropped).toMatch(/bytes/);
  }, 60_000);

  it('still stores a result that fits beside a large payload', async () => {
    const store = await makeStore();
    const task = defineTestTask(() => ({ blob: 'r'.repeat(30 * KB) }));
    const job = jobRecord(task, { payload: JSON.stringify({ blob: 'p'.repeat(340 * KB) }), storeResult: true });
    await store.createJob(job);
    const ended = await deliverUntilEnded(store, job.id, job.dueAtMs);
    expect(ended).toMatchObject({ state: 'completed', attempt: 1 });
    expect(JSON.parse(ended!.result!)).toEqual({ blob: 'r'.repeat(30 * KB) });
    expect(ended?.resultDropped).toBeUndefined();
  }, 60_000);
});
