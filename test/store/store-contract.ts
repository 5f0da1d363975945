/**
 * The one contract every `JobStore` keeps, run against DynamoDB Local and the memory store. Each case names the rule
 * from `lib/store/types.ts` / docs/architecture.md it checks.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bucketOf, shardOf } from '../../lib/core/buckets.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/core/errors.ts';
import type { DueEntry, JobRecord, JobState, JobStore, ScheduleRecord } from '../../lib/store/types.ts';

/** Shards every contract store is made with. */
export const CONTRACT_SHARDS = 4;

/** A fixed instant; nothing in the suite reads the clock. */
export const T0 = Date.parse('2026-11-23T14:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * A job record with sensible defaults.
 *
 * @example
 * ```ts
 * await store.createJob(jobRecord({ id: 'j_1', placement: 'bucket' }));
 * ```
 */
export function jobRecord(overrides: Partial<JobRecord> & { id: string }): JobRecord {
  return {
    task: 'send-email',
    queue: 'default',
    payload: JSON.stringify({ to: 'ada@example.com', n: 1 }),
    state: 'scheduled',
    dueAtMs: T0 + HOUR,
    attempt: 0,
    maxAttempts: 3,
    backoff: { type: 'exponential', baseSeconds: 1, maxSeconds: 60 },
    timeoutSec: 30,
    storeResult: true,
    placement: 'bucket',
    createdAtMs: T0,
    updatedAtMs: T0,
    ...overrides,
  };
}

/**
 * A schedule record with sensible defaults (every 5 minutes, next run at T0 + 5 min).
 *
 * @example
 * ```ts
 * await store.putSchedule(scheduleRecord({ id: 'nightly' }));
 * ```
 */
export function scheduleRecord(overrides: Partial<ScheduleRecord> & { id: string }): ScheduleRecord {
  return {
    task: 'report',
    queue: 'default',
    payload: '{}',
    recurrence: { everySec: 300 },
    anchorMs: T0,
    runs: 0,
    nextRunAtMs: T0 + 5 * MINUTE,
    paused: false,
    misfire: 'once',
    overlap: 'allow',
    maxAttempts: 3,
    backoff: [1, 5, 30],
    timeoutSec: 60,
    storeResult: false,
    version: 1,
    createdAtMs: T0,
    updatedAtMs: T0,
    ...overrides,
  };
}

/** `count` ids that all fall in write shard `shard`. */
function idsInShard(prefix: string, shard: number, count: number): string[] {
  const ids: string[] = [];
  for (let i = 0; ids.length < count; i++) {
    const id = `${prefix}${String(i).padStart(4, '0')}`;
    if (shardOf(id, CONTRACT_SHARDS) === shard) ids.push(id);
  }
  return ids;
}

async function readAllBucket(store: JobStore, shard: number, bucket: string, untilMs: number, limit: number): Promise<DueEntry[]> {
  const entries: DueEntry[] = [];
  let after: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const result = await store.readBucket(shard, bucket, after === undefined ? { untilMs, limit } : { after, untilMs, limit });
    expect(result.entries.length).toBeLessThanOrEqual(limit);
    entries.push(...result.entries);
    if (result.done) return entries;
    after = result.entries[result.entries.length - 1]?.position ?? after;
  }
  throw new Error('readBucket never reported done');
}

async function laneIds(store: JobStore, shard: number, untilMs: number): Promise<string[]> {
  const { entries, done } = await store.readLane(shard, { untilMs, limit: 100 });
  expect(done).toBe(true);
  return entries.map((e) => `${e.kind}:${e.id}@${e.dueAtMs}`);
}

async function bucketIds(store: JobStore, id: string, dueAtMs: number): Promise<string[]> {
  const entries = await readAllBucket(store, shardOf(id, CONTRACT_SHARDS), bucketOf(dueAtMs), dueAtMs + HOUR, 100);
  return entries.map((e) => e.id);
}

async function allJobs(store: JobStore, query: { state?: JobState; task?: string; dueAfterMs?: number; dueBeforeMs?: number }, limit: number) {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.listJobs({ ...query, limit, ...(cursor === undefined ? {} : { cursor }) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((j) => j.id));
    cursor = page.cursor;
    pages++;
    expect(pages).toBeLessThan(500);
  } while (cursor !== undefined);
  return { ids, pages };
}

/**
 * Registers the contract cases for one store implementation.
 *
 * @example
 * ```ts
 * describeJobStoreContract('MemoryJobStore', async () => ({ store: new MemoryJobStore({ shards: 4 }), cleanup: async () => {} }));
 * ```
 */
export function describeJobStoreContract(
  name: string,
  makeStore: () => Promise<{ store: JobStore; cleanup: () => Promise<void> }>,
): void {
  describe(`JobStore contract: ${name}`, () => {
    let store: JobStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
      expect(store.shards).toBe(CONTRACT_SHARDS);
    });
    afterEach(async () => {
      await cleanup();
    });

    /** Creates a job and claims it: state running, attempt 1, lease until T0 + 2 min. */
    async function runningJob(id: string, overrides: Partial<JobRecord> = {}): Promise<JobRecord> {
      const job = jobRecord({ id, ...overrides });
      await store.createJob(job);
      const claim = await store.claimJob(id, { dueAtMs: job.dueAtMs, nowMs: T0 + MINUTE, leaseUntilMs: T0 + 2 * MINUTE });
      expect(claim.claimed).toBe(true);
      return claim.claimed ? claim.job : job;
    }

    /** Creates a job and drives it into `state`. */
    async function jobIn(id: string, state: JobState): Promise<JobRecord> {
      if (state === 'scheduled') return (await store.createJob(jobRecord({ id }))).job;
      await runningJob(id);
      const nowMs = T0 + 90_000;
      if (state === 'retrying') {
        const error = { name: 'Error', message: 'boom' };
        await store.finishAttempt(id, 1, { state: 'retrying', nowMs, dueAtMs: T0 + 2 * HOUR, lastError: error, placement: 'bucket' });
      } else if (state === 'completed') {
        await store.finishAttempt(id, 1, { state: 'completed', nowMs, expiresAtEpochSec: 1 });
      } else if (state === 'failed') {
        await store.finishAttempt(id, 1, { state: 'failed', nowMs, lastError: { name: 'Error', message: 'x' }, expiresAtEpochSec: 1 });
      } else if (state === 'cancelled') {
        throw new Error('use cancelJob');
      }
      const job = await store.getJob(id);
      expect(job?.state).toBe(state);
      return job!;
    }

    describe('createJob / getJob', () => {
      it('writes a new job and reads back exactly the record', async () => {
        const job = jobRecord({ id: 'j_new', uniqueKey: 'u-1', scheduleId: 's-1' });
        await expect(store.createJob(job)).resolves.toEqual({ created: true, job });
        await expect(store.getJob('j_new')).resolves.toEqual(job);
      });

      it('returns undefined for an unknown id', async () => {
        await expect(store.getJob('nope')).resolves.toBeUndefined();
      });

      it.each(['scheduled', 'running', 'retrying'] as const)('keeps a live (%s) job with the same id and returns it', async (state) => {
        const existing = await jobIn('j_unique', state);
        const result = await store.createJob(jobRecord({ id: 'j_unique', task: 'other-task' }));
        expect(result).toEqual({ created: false, job: existing });
        await expect(store.getJob('j_unique')).resolves.toEqual(existing);
      });

      it.each(['completed', 'failed'] as const)('replaces an ended (%s) job with the same id', async (state) => {
        await jobIn('j_again', state);
        const fresh = jobRecord({ id: 'j_again', task: 'other-task' });
        await expect(store.createJob(fresh)).resolves.toEqual({ created: true, job: fresh });
        await expect(store.getJob('j_again')).resolves.toEqual(fresh);
      });

      it.each(['completed', 'failed'] as const)('with replaceEnded: false keeps an ended (%s) job (an event delivered again)', async (state) => {
        const ended = await jobIn('j_event', state);
        await expect(store.createJob(jobRecord({ id: 'j_event' }), { replaceEnded: false })).resolves.toEqual({ created: false, job: ended });
        const fresh = jobRecord({ id: 'j_event_2' });
        await expect(store.createJob(fresh, { replaceEnded: false })).resolves.toEqual({ created: true, job: fresh });
      });

      it('a unique put sent again after it committed leaves the job it wrote, even ended; a put of another enqueue replaces it', async () => {
        const first = jobRecord({ id: 'u:t/k', uniqueKey: 'k', writeToken: 'W1' });
        await store.createJob(first);
        await store.cancelJob('u:t/k', T0, 99);
        const cancelled = await store.getJob('u:t/k');
        await expect(store.createJob(first)).resolves.toEqual({ created: false, job: cancelled });
        const next = jobRecord({ id: 'u:t/k', uniqueKey: 'k', writeToken: 'W2', dueAtMs: T0 + 2 * HOUR });
        await expect(store.createJob(next)).resolves.toEqual({ created: true, job: next });
      });

      it('replaces a cancelled job with the same id', async () => {
        await store.createJob(jobRecord({ id: 'j_c' }));
        await store.cancelJob('j_c', T0, 99);
        const fresh = jobRecord({ id: 'j_c', dueAtMs: T0 + 3 * HOUR });
        await expect(store.createJob(fresh)).resolves.toEqual({ created: true, job: fresh });
      });

      it('puts a bucket job in its bucket, a lane job in its lane, and a direct job in neither', async () => {
        const due = T0 + HOUR + 1234;
        await store.createJob(jobRecord({ id: 'j_b', dueAtMs: due, placement: 'bucket' }));
        await store.createJob(jobRecord({ id: 'j_l', dueAtMs: due, placement: 'lane' }));
        await store.createJob(jobRecord({ id: 'j_n', dueAtMs: due, placement: 'none' }));
        const bucketed = await readAllBucket(store, shardOf('j_b', CONTRACT_SHARDS), bucketOf(due), due, 10);
        expect(bucketed).toEqual([{ kind: 'job', id: 'j_b', queue: 'default', dueAtMs: due, position: expect.any(String) }]);
        expect(await laneIds(store, shardOf('j_l', CONTRACT_SHARDS), due)).toEqual([`job:j_l@${due}`]);
        for (let shard = 0; shard < CONTRACT_SHARDS; shard++) {
          const inBucket = await readAllBucket(store, shard, bucketOf(due), due, 10);
          const inLane = await laneIds(store, shard, due);
          expect([...inBucket.map((e) => e.id), ...inLane].join()).not.toContain('j_n');
        }
      });
    });

    describe('createJobs', () => {
      it('a job whose message is out, written again (a batch the SDK sent again), keeps what a consumer did meanwhile', async () => {
        const direct = jobRecord({ id: 'bulk-direct', placement: 'none' });
        const later = jobRecord({ id: 'bulk-later', dueAtMs: T0 + HOUR, placement: 'bucket' });
        await expect(store.createJobs([direct, later])).resolves.toEqual([undefined, undefined]);
        const claim = await store.claimJob('bulk-direct', { dueAtMs: direct.dueAtMs, nowMs: T0, leaseUntilMs: T0 + MINUTE });
        await expect(store.createJobs([direct, later])).resolves.toEqual([undefined, undefined]);
        await expect(store.getJob('bulk-direct')).resolves.toEqual(claim.claimed ? claim.job : undefined);
        await expect(store.getJob('bulk-later')).resolves.toEqual(later);
      });

      it('writes 60 jobs (three batches) and reports one result per job', async () => {
        const jobs = Array.from({ length: 60 }, (_, i) => jobRecord({ id: `bulk-${String(i).padStart(2, '0')}`, dueAtMs: T0 + HOUR + i }));
        const results = await store.createJobs(jobs);
        expect(results).toHaveLength(60);
        expect(results.every((r) => r === undefined)).toBe(true);
        for (const job of jobs) await expect(store.getJob(job.id)).resolves.toEqual(job);
      });

      it('rejects a second job with an id already in the same call and writes the first', async () => {
        const first = jobRecord({ id: 'dup', task: 'first' });
        const results = await store.createJobs([first, jobRecord({ id: 'other' }), jobRecord({ id: 'dup', task: 'second' })]);
        expect(results[0]).toBeUndefined();
        expect(results[1]).toBeUndefined();
        expect(results[2]).toBeInstanceOf(ValidationError);
        expect(results[2]?.message).toContain('"dup"');
        await expect(store.getJob('dup')).resolves.toEqual(first);
      });

      it('resolves with an empty list for no jobs', async () => {
        await expect(store.createJobs([])).resolves.toEqual([]);
      });
    });

    describe('createJobsWithCallerItems', () => {
      it('writes every job of a transaction at its placement (lane: sent after the commit)', async () => {
        const jobs = [
          jobRecord({ id: 'tx-a', placement: 'lane', dueAtMs: T0 + 1_000 }),
          jobRecord({ id: 'tx-b', placement: 'lane', dueAtMs: T0 + 2_000 }),
          jobRecord({ id: 'tx-far', placement: 'bucket', dueAtMs: T0 + HOUR }),
        ];
        await store.createJobsWithCallerItems([], jobs, 'client');
        for (const job of jobs) await expect(store.getJob(job.id)).resolves.toEqual(job);
        expect(await laneIds(store, shardOf('tx-a', CONTRACT_SHARDS), T0 + 1_000)).toContain(`job:tx-a@${T0 + 1_000}`);
        expect(await bucketIds(store, 'tx-far', T0 + HOUR)).toEqual(['tx-far']);
      });

      it('writes none of them when a live job holds one id, and replaces an ended one', async () => {
        const live = await jobIn('tx-unique', 'running');
        const fresh = jobRecord({ id: 'tx-fresh', placement: 'lane' });
        const again = jobRecord({ id: 'tx-unique', task: 'other', placement: 'lane' });
        await expect(store.createJobsWithCallerItems([], [fresh, again], 'document')).rejects.toThrow();
        await expect(store.getJob('tx-fresh')).resolves.toBeUndefined();
        await expect(store.getJob('tx-unique')).resolves.toEqual(live);
        await store.finishAttempt('tx-unique', 1, { state: 'completed', nowMs: T0 + 2 * MINUTE, expiresAtEpochSec: 1 });
        await store.createJobsWithCallerItems([], [fresh, again], 'document');
        await expect(store.getJob('tx-unique')).resolves.toEqual(again);
        await expect(store.getJob('tx-fresh')).resolves.toEqual(fresh);
      });
    });

    describe('listJobs', () => {
      it('pages through 250 jobs with small pages, without duplicates or gaps', async () => {
        const ids = Array.from({ length: 250 }, (_, i) => `list-${String(i).padStart(3, '0')}`);
        const results = await store.createJobs(ids.map((id) => jobRecord({ id })));
        expect(results.filter((r) => r !== undefined)).toEqual([]);
        const { ids: listed, pages } = await allJobs(store, {}, 7);
        expect(new Set(listed).size).toBe(listed.length);
        expect([...listed].sort()).toEqual(ids);
        expect(pages).toBeGreaterThanOrEqual(Math.ceil(250 / 7));
      });

      it('orders jobs by shard, then by id within a shard', async () => {
        const ids = Array.from({ length: 30 }, (_, i) => `ord-${i}`);
        await store.createJobs(ids.map((id) => jobRecord({ id })));
        const { ids: listed } = await allJobs(store, {}, 1000);
        const expected = [...ids].sort((a, b) => shardOf(a, CONTRACT_SHARDS) - shardOf(b, CONTRACT_SHARDS) || (a < b ? -1 : 1));
        expect(listed).toEqual(expected);
      });

      it('filters by state, by task and by the half-open due range, across pages', async () => {
        const jobs = Array.from({ length: 40 }, (_, i) =>
          jobRecord({ id: `f-${String(i).padStart(2, '0')}`, task: i % 2 === 0 ? 'even' : 'odd', dueAtMs: T0 + HOUR + i * MINUTE }),
        );
        await store.createJobs(jobs);
        for (const id of ['f-00', 'f-01', 'f-02']) await store.cancelJob(id, T0, 99);

        const cancelled = await allJobs(store, { state: 'cancelled' }, 2);
        expect(cancelled.ids.sort()).toEqual(['f-00', 'f-01', 'f-02']);

        const even = await allJobs(store, { task: 'even' }, 3);
        expect(even.ids.sort()).toEqual(jobs.filter((_, i) => i % 2 === 0).map((j) => j.id));

        const range = await allJobs(store, { dueAfterMs: T0 + HOUR + 10 * MINUTE, dueBeforeMs: T0 + HOUR + 20 * MINUTE }, 4);
        expect(range.ids.sort()).toEqual(jobs.slice(10, 20).map((j) => j.id));

        const combined = await allJobs(store, { state: 'scheduled', task: 'odd', dueBeforeMs: T0 + HOUR + 10 * MINUTE }, 1);
        expect(combined.ids.sort()).toEqual(['f-03', 'f-05', 'f-07', 'f-09']);
      });

      it('returns an empty page without a cursor when nothing matches', async () => {
        await store.createJob(jobRecord({ id: 'only' }));
        await expect(store.listJobs({ state: 'failed', limit: 10 })).resolves.toEqual({ items: [] });
      });

      it.each([0, 1001, 2.5])('rejects limit %s with a ValidationError naming it', async (limit) => {
        await expect(store.listJobs({ limit })).rejects.toThrow(ValidationError);
        await expect(store.listJobs({ limit })).rejects.toThrow(`received ${limit}`);
      });

      it('rejects a cursor that it did not make', async () => {
        await expect(store.listJobs({ limit: 5, cursor: 'not-a-cursor' })).rejects.toThrow(ValidationError);
        const foreign = Buffer.from(JSON.stringify({ shard: 99 })).toString('base64url');
        await expect(store.listJobs({ limit: 5, cursor: foreign })).rejects.toThrow(/shard 99/);
      });
    });

    describe('cancelJob', () => {
      it.each(['scheduled', 'retrying'] as const)('cancels a %s job and takes it out of the index', async (state) => {
        const job = await jobIn('j_cancel', state);
        const cancelled = await store.cancelJob('j_cancel', T0 + 5 * MINUTE, 12345);
        expect(cancelled).toMatchObject({ id: 'j_cancel', state: 'cancelled', placement: 'none', updatedAtMs: T0 + 5 * MINUTE });
        expect(cancelled.expiresAtEpochSec).toBe(12345);
        await expect(store.getJob('j_cancel')).resolves.toEqual(cancelled);
        expect(await bucketIds(store, 'j_cancel', job.dueAtMs)).not.toContain('j_cancel');
      });

      it.each(['running', 'completed', 'failed'] as const)('refuses a %s job with a ConflictError naming the state', async (state) => {
        const before = await jobIn('j_busy', state);
        const error = await store.cancelJob('j_busy', T0, 1).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConflictError);
        expect((error as ConflictError).currentState).toBe(state);
        expect((error as ConflictError).current).toEqual(before); // the job as found: no read needed to act on it
        expect((error as Error).message).toContain(state);
        await expect(store.getJob('j_busy')).resolves.toEqual(before);
      });

      it('refuses an already cancelled job', async () => {
        await store.createJob(jobRecord({ id: 'j_twice' }));
        await store.cancelJob('j_twice', T0, 1);
        await expect(store.cancelJob('j_twice', T0, 1)).rejects.toMatchObject({ name: 'ConflictError', currentState: 'cancelled' });
      });

      it('throws NotFoundError for an unknown id', async () => {
        await expect(store.cancelJob('ghost', T0, 1)).rejects.toThrow(NotFoundError);
      });
    });

    describe('claimJob', () => {
      it('claims a scheduled job: running, attempt + 1, lease, and leaves its bucket entry alone', async () => {
        const job = jobRecord({ id: 'j_claim' });
        await store.createJob(job);
        const result = await store.claimJob('j_claim', { dueAtMs: job.dueAtMs, nowMs: T0 + 1000, leaseUntilMs: T0 + 61_000 });
        expect(result).toEqual({
          claimed: true,
          job: { ...job, state: 'running', attempt: 1, startedAtMs: T0 + 1000, leaseUntilMs: T0 + 61_000, updatedAtMs: T0 + 1000 },
        });
        await expect(store.getJob('j_claim')).resolves.toEqual(result.claimed && result.job);
        expect(await bucketIds(store, 'j_claim', job.dueAtMs)).toEqual(['j_claim']);
      });

      it('claims a retrying job at its new due time', async () => {
        await jobIn('j_retry', 'retrying');
        const result = await store.claimJob('j_retry', { dueAtMs: T0 + 2 * HOUR, nowMs: T0 + 2 * HOUR, leaseUntilMs: T0 + 3 * HOUR });
        expect(result.claimed && result.job.attempt).toBe(2);
      });

      it('refuses a message for another due time and returns the job as it is', async () => {
        const job = jobRecord({ id: 'j_stale' });
        await store.createJob(job);
        const result = await store.claimJob('j_stale', { dueAtMs: job.dueAtMs - 1, nowMs: T0, leaseUntilMs: T0 + MINUTE });
        expect(result).toEqual({ claimed: false, current: job });
      });

      it.each(['completed', 'failed'] as const)('refuses a %s job', async (state) => {
        const current = await jobIn('j_ended', state);
        const result = await store.claimJob('j_ended', { dueAtMs: current.dueAtMs, nowMs: T0 + HOUR, leaseUntilMs: T0 + 2 * HOUR });
        expect(result).toEqual({ claimed: false, current });
      });

      it('refuses a cancelled job', async () => {
        const job = jobRecord({ id: 'j_cx' });
        await store.createJob(job);
        const current = await store.cancelJob('j_cx', T0, 1);
        await expect(store.claimJob('j_cx', { dueAtMs: job.dueAtMs, nowMs: T0, leaseUntilMs: T0 + 1 })).resolves.toEqual({
          claimed: false,
          current,
        });
      });

      it('refuses a running job whose lease is live, up to and including its last millisecond', async () => {
        const running = await runningJob('j_live');
        for (const nowMs of [T0 + 90_000, running.leaseUntilMs!]) {
          const result = await store.claimJob('j_live', { dueAtMs: running.dueAtMs, nowMs, leaseUntilMs: nowMs + MINUTE });
          expect(result).toEqual({ claimed: false, current: running });
        }
      });

      it('takes over a running job whose lease ended (a consumer died mid-task)', async () => {
        const running = await runningJob('j_dead');
        const nowMs = running.leaseUntilMs! + 1;
        const result = await store.claimJob('j_dead', { dueAtMs: running.dueAtMs, nowMs, leaseUntilMs: nowMs + MINUTE });
        expect(result).toEqual({
          claimed: true,
          job: { ...running, attempt: 2, startedAtMs: nowMs, leaseUntilMs: nowMs + MINUTE, updatedAtMs: nowMs },
        });
      });

      it('reports a missing job without `current`', async () => {
        await expect(store.claimJob('ghost', { dueAtMs: T0, nowMs: T0, leaseUntilMs: T0 + 1 })).resolves.toEqual({ claimed: false });
      });

      it('a claim sent again after it committed (the SDK retrying a lost response) is claimed by its token, not by another', async () => {
        const job = jobRecord({ id: 'j_again' });
        await store.createJob(job);
        const lease = { dueAtMs: job.dueAtMs, nowMs: T0 + 1000, leaseUntilMs: T0 + 61_000, token: 'TOKEN-A' };
        const first = await store.claimJob('j_again', lease);
        expect(first).toMatchObject({ claimed: true, job: { state: 'running', attempt: 1, leaseToken: 'TOKEN-A' } });
        await expect(store.claimJob('j_again', lease)).resolves.toEqual(first);
        // Another consumer's claim under the live lease is still refused, its token or none.
        await expect(store.claimJob('j_again', { ...lease, token: 'TOKEN-B' })).resolves.toMatchObject({ claimed: false, current: { leaseToken: 'TOKEN-A' } });
        await expect(store.claimJob('j_again', { ...lease, token: undefined })).resolves.toMatchObject({ claimed: false });
      });

      it('a create-and-claim sent again after it committed is claimed by its token', async () => {
        const job = { ...jobRecord({ id: 'j_created' }), state: 'running' as const, attempt: 1, startedAtMs: T0, leaseUntilMs: T0 + MINUTE, leaseToken: 'TOKEN-C' };
        const first = await store.createClaimedJob(job);
        expect(first).toEqual({ claimed: true, job });
        await expect(store.createClaimedJob(job)).resolves.toEqual({ claimed: true, job });
        await expect(store.createClaimedJob({ ...job, leaseToken: 'TOKEN-D' })).resolves.toEqual({ claimed: false, current: job });
      });
    });

    describe('finishAttempt', () => {
      it('an outcome sent again after it committed is written, by the attempt\'s token; another claim\'s is not', async () => {
        const job = jobRecord({ id: 'j_out' });
        await store.createJob(job);
        await store.claimJob('j_out', { dueAtMs: job.dueAtMs, nowMs: T0, leaseUntilMs: T0 + MINUTE, token: 'TOKEN-E' });
        const outcome = { state: 'retrying' as const, nowMs: T0 + 5000, dueAtMs: T0 + 65_000, placement: 'none' as const, lastError: { name: 'Error', message: 'transient' }, leaseToken: 'TOKEN-E' };
        await expect(store.finishAttempt('j_out', 1, outcome)).resolves.toBe(true);
        await expect(store.finishAttempt('j_out', 1, outcome)).resolves.toBe(true);
        await expect(store.finishAttempt('j_out', 1, { ...outcome, leaseToken: 'TOKEN-F' })).resolves.toBe(false);
        await expect(store.finishAttempt('j_out', 1, { ...outcome, state: 'failed', expiresAtEpochSec: 1 })).resolves.toBe(false);
        await expect(store.getJob('j_out')).resolves.toMatchObject({ state: 'retrying', attempt: 1, dueAtMs: T0 + 65_000 });
      });

      it('completes: result, end time and expiry; the lease is gone and the index untouched', async () => {
        const running = await runningJob('j_ok');
        const ok = await store.finishAttempt('j_ok', 1, { state: 'completed', nowMs: T0 + 100_000, result: '{"sent":true}', expiresAtEpochSec: 777 });
        expect(ok).toBe(true);
        const { leaseUntilMs: _lease, ...rest } = running;
        await expect(store.getJob('j_ok')).resolves.toEqual({
          ...rest,
          state: 'completed',
          result: '{"sent":true}',
          finishedAtMs: T0 + 100_000,
          updatedAtMs: T0 + 100_000,
          expiresAtEpochSec: 777,
        });
      });

      it('fails: last error, end time and expiry', async () => {
        await runningJob('j_bad');
        const lastError = { name: 'TypeError', message: 'x is undefined' };
        expect(await store.finishAttempt('j_bad', 1, { state: 'failed', nowMs: T0 + 100_000, lastError, expiresAtEpochSec: 5 })).toBe(true);
        const job = await store.getJob('j_bad');
        expect(job).toMatchObject({ state: 'failed', lastError, finishedAtMs: T0 + 100_000, expiresAtEpochSec: 5 });
        expect(job?.leaseUntilMs).toBeUndefined();
      });

      it('retries into a later bucket: new due time, new bucket entry, old one gone', async () => {
        const running = await runningJob('j_later');
        const dueAtMs = T0 + 5 * HOUR + 17;
        const lastError = { name: 'Error', message: 'try again' };
        expect(await store.finishAttempt('j_later', 1, { state: 'retrying', nowMs: T0 + 100_000, dueAtMs, lastError, placement: 'bucket' })).toBe(true);
        const job = await store.getJob('j_later');
        expect(job).toMatchObject({ state: 'retrying', dueAtMs, lastError, placement: 'bucket', attempt: 1 });
        expect(job?.leaseUntilMs).toBeUndefined();
        expect(await bucketIds(store, 'j_later', dueAtMs)).toEqual(['j_later']);
        expect(await bucketIds(store, 'j_later', running.dueAtMs)).toEqual([]);
      });

      it('retries by message (placement none): out of the index', async () => {
        const running = await runningJob('j_soon');
        const dueAtMs = T0 + 200_000;
        const lastError = { name: 'Error', message: 'try again' };
        expect(await store.finishAttempt('j_soon', 1, { state: 'retrying', nowMs: T0 + 100_000, dueAtMs, lastError, placement: 'none' })).toBe(true);
        expect(await store.getJob('j_soon')).toMatchObject({ state: 'retrying', dueAtMs, placement: 'none' });
        expect(await bucketIds(store, 'j_soon', running.dueAtMs)).toEqual([]);
        expect(await bucketIds(store, 'j_soon', dueAtMs)).toEqual([]);
      });

      it('refuses an attempt that lost its lease to a later claim', async () => {
        const running = await runningJob('j_lost');
        const nowMs = running.leaseUntilMs! + 1;
        await store.claimJob('j_lost', { dueAtMs: running.dueAtMs, nowMs, leaseUntilMs: nowMs + MINUTE });
        expect(await store.finishAttempt('j_lost', 1, { state: 'completed', nowMs, expiresAtEpochSec: 1 })).toBe(false);
        expect(await store.getJob('j_lost')).toMatchObject({ state: 'running', attempt: 2 });
      });

      it('refuses a job that is not running, and a missing job', async () => {
        await store.createJob(jobRecord({ id: 'j_idle' }));
        expect(await store.finishAttempt('j_idle', 0, { state: 'completed', nowMs: T0, expiresAtEpochSec: 1 })).toBe(false);
        expect(await store.finishAttempt('ghost', 1, { state: 'completed', nowMs: T0, expiresAtEpochSec: 1 })).toBe(false);
        expect(await store.getJob('ghost')).toBeUndefined();
      });
    });

    describe('requeueFailedJob', () => {
      it('schedules a failed job again with a renewed attempt budget, keeping its last error', async () => {
        const failed = await jobIn('j_again', 'failed');
        const job = await store.requeueFailedJob('j_again', T0 + HOUR, T0 + HOUR + 5, 4);
        expect(job).toMatchObject({
          state: 'scheduled',
          dueAtMs: T0 + HOUR + 5,
          attempt: 1,
          maxAttempts: 4,
          lastError: failed.lastError,
          placement: 'lane',
          updatedAtMs: T0 + HOUR,
        });
        expect(await store.markSent('j_again', T0 + HOUR + 5, T0 + HOUR)).toBe(true);
        expect(job.expiresAtEpochSec).toBeUndefined();
        expect(job.finishedAtMs).toBeUndefined();
        const claim = await store.claimJob('j_again', { dueAtMs: T0 + HOUR + 5, nowMs: T0 + HOUR + 5, leaseUntilMs: T0 + 2 * HOUR });
        expect(claim.claimed && claim.job.attempt).toBe(2);
      });

      it.each(['scheduled', 'running', 'completed'] as const)('refuses a %s job with a ConflictError', async (state) => {
        const before = await jobIn('j_nf', state);
        await expect(store.requeueFailedJob('j_nf', T0, T0, 3)).rejects.toMatchObject({ name: 'ConflictError', currentState: state, current: before });
      });

      it('throws NotFoundError for an unknown id', async () => {
        await expect(store.requeueFailedJob('ghost', T0, T0, 3)).rejects.toThrow(NotFoundError);
      });
    });

    describe('markSent', () => {
      it('takes a lane job out of its lane once, whatever its state', async () => {
        const job = jobRecord({ id: 'j_tx', placement: 'lane', dueAtMs: T0 + 1000 });
        await store.createJob(job);
        const shard = shardOf('j_tx', CONTRACT_SHARDS);
        expect(await laneIds(store, shard, T0 + 1000)).toEqual([`job:j_tx@${T0 + 1000}`]);
        // A fast consumer claimed it before the sweeper recorded the send.
        await store.claimJob('j_tx', { dueAtMs: job.dueAtMs, nowMs: T0 + 1000, leaseUntilMs: T0 + MINUTE });
        expect(await store.markSent('j_tx', job.dueAtMs - 1, T0 + 2000)).toBe(false);
        expect(await store.markSent('j_tx', job.dueAtMs, T0 + 2000)).toBe(true);
        expect(await store.getJob('j_tx')).toMatchObject({ state: 'running', placement: 'none', sentAtMs: T0 + 2000 });
        expect(await laneIds(store, shard, T0 + HOUR)).toEqual([]);
        expect(await store.markSent('j_tx', job.dueAtMs, T0 + 3000)).toBe(false);
      });

      it('refuses a job that is not in a lane, and a missing job', async () => {
        const job = jobRecord({ id: 'j_bucket' });
        await store.createJob(job);
        expect(await store.markSent('j_bucket', job.dueAtMs, T0)).toBe(false);
        expect(await store.markSent('ghost', job.dueAtMs, T0)).toBe(false);
        await expect(store.getJob('j_bucket')).resolves.toEqual(job);
      });
    });

    describe('schedules', () => {
      it('creates a schedule (version 1) in its lane at its next run', async () => {
        const schedule = scheduleRecord({ id: 'every5', endAtMs: T0 + 24 * HOUR, recurrence: { cron: '0 9 * * MON', timezone: 'America/New_York' } });
        await expect(store.putSchedule(schedule)).resolves.toBeUndefined();
        await expect(store.getSchedule('every5')).resolves.toEqual(schedule);
        expect(await laneIds(store, shardOf('every5', CONTRACT_SHARDS), T0 + HOUR)).toEqual([`schedule:every5@${T0 + 5 * MINUTE}`]);
      });

      it('replaces a schedule: returns the previous one, bumps the version, drops fields the new one lacks', async () => {
        const first = scheduleRecord({ id: 's', endAtMs: T0 + HOUR, maxRuns: 3 });
        await store.putSchedule(first);
        const second = scheduleRecord({ id: 's', task: 'report-v2', nextRunAtMs: T0 + 7 * MINUTE });
        await expect(store.putSchedule(second)).resolves.toEqual(first);
        await expect(store.getSchedule('s')).resolves.toEqual({ ...second, version: 2 });
        expect(await laneIds(store, shardOf('s', CONTRACT_SHARDS), T0 + HOUR)).toEqual([`schedule:s@${T0 + 7 * MINUTE}`]);
      });

      it('creates a schedule the id does not have with its own version, and refuses an existing one, returning it', async () => {
        const schedule = scheduleRecord({ id: 'c', nextRunAtMs: T0 + 9 * MINUTE });
        await expect(store.createSchedule(schedule)).resolves.toEqual({ created: true });
        await expect(store.getSchedule('c')).resolves.toEqual(schedule);
        expect(await laneIds(store, shardOf('c', CONTRACT_SHARDS), T0 + HOUR)).toEqual([`schedule:c@${T0 + 9 * MINUTE}`]);
        // A racing creation (or an SDK retry of this one) writes nothing: the version stays the record's.
        await expect(store.createSchedule({ ...schedule, task: 'other', createdAtMs: T0 + 7 })).resolves.toEqual({ created: false, current: schedule });
        await expect(store.getSchedule('c')).resolves.toEqual(schedule);
      });

      it('keeps a paused or ended schedule out of its lane', async () => {
        await store.putSchedule(scheduleRecord({ id: 'p', paused: true }));
        await store.putSchedule(scheduleRecord({ id: 'e', nextRunAtMs: undefined }));
        expect(await laneIds(store, shardOf('p', CONTRACT_SHARDS), T0 + HOUR)).toEqual([]);
        expect(await laneIds(store, shardOf('e', CONTRACT_SHARDS), T0 + HOUR)).toEqual([]);
      });

      it('pauses (out of the lane) and resumes at a given or the stored next run', async () => {
        await store.putSchedule(scheduleRecord({ id: 'pr' }));
        const shard = shardOf('pr', CONTRACT_SHARDS);
        expect(await store.setSchedulePaused('pr', true, T0 + 1)).toMatchObject({ paused: true, updatedAtMs: T0 + 1 });
        expect(await laneIds(store, shard, T0 + HOUR)).toEqual([]);
        expect(await store.setSchedulePaused('pr', false, T0 + 2)).toMatchObject({ paused: false, nextRunAtMs: T0 + 5 * MINUTE });
        expect(await laneIds(store, shard, T0 + HOUR)).toEqual([`schedule:pr@${T0 + 5 * MINUTE}`]);
        await store.setSchedulePaused('pr', true, T0 + 3);
        expect(await store.setSchedulePaused('pr', false, T0 + 4, T0 + 30 * MINUTE)).toMatchObject({ paused: false, nextRunAtMs: T0 + 30 * MINUTE });
        expect(await laneIds(store, shard, T0 + HOUR)).toEqual([`schedule:pr@${T0 + 30 * MINUTE}`]);
      });

      it('resumes an ended schedule without putting it in a lane', async () => {
        await store.putSchedule(scheduleRecord({ id: 'ended', nextRunAtMs: undefined, paused: true }));
        const resumed = await store.setSchedulePaused('ended', false, T0 + 1);
        expect(resumed.paused).toBe(false);
        expect(resumed.nextRunAtMs).toBeUndefined();
        expect(await laneIds(store, shardOf('ended', CONTRACT_SHARDS), T0 + 24 * HOUR)).toEqual([]);
      });

      it('throws NotFoundError when pausing or resuming an unknown schedule', async () => {
        await expect(store.setSchedulePaused('ghost', true, T0)).rejects.toThrow(NotFoundError);
        await expect(store.setSchedulePaused('ghost', false, T0)).rejects.toThrow(NotFoundError);
        await expect(store.setSchedulePaused('ghost', false, T0, T0 + 1)).rejects.toThrow(NotFoundError);
        await expect(store.getSchedule('ghost')).resolves.toBeUndefined();
      });

      it('deletes a schedule (and its lane entry) and keeps its spawned jobs', async () => {
        const schedule = scheduleRecord({ id: 'gone' });
        await store.putSchedule(schedule);
        const job = jobRecord({ id: `gone#${T0 + 5 * MINUTE}`, scheduleId: 'gone', placement: 'none' });
        await store.createJob(job);
        await store.advanceSchedule({ id: 'gone', version: 1, expectedNextRunAtMs: T0 + 5 * MINUTE }, { runs: 1, updatedAtMs: T0, nextRunAtMs: T0 + 10 * MINUTE });
        const deleted = await store.deleteSchedule('gone');
        expect(deleted).toMatchObject({ id: 'gone', runs: 1 });
        await expect(store.getSchedule('gone')).resolves.toBeUndefined();
        await expect(store.getJob(job.id)).resolves.toEqual(job);
        await expect(store.deleteSchedule('gone')).rejects.toThrow(NotFoundError);
      });

      it('lists schedules in pages', async () => {
        const ids = Array.from({ length: 12 }, (_, i) => `sch-${String(i).padStart(2, '0')}`);
        for (const id of ids) await store.putSchedule(scheduleRecord({ id }));
        const listed: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.listSchedules({ limit: 5, ...(cursor === undefined ? {} : { cursor }) });
          expect(page.items.length).toBeLessThanOrEqual(5);
          listed.push(...page.items.map((s) => s.id));
          cursor = page.cursor;
          pages++;
        } while (cursor !== undefined && pages < 10);
        expect(listed).toEqual(ids);
        await expect(store.listSchedules({ limit: 0 })).rejects.toThrow(ValidationError);
        await expect(store.listSchedules({ limit: 5, cursor: 'garbage' })).rejects.toThrow(ValidationError);
      });
    });

    describe('advanceSchedule', () => {
      const slot = T0 + 5 * MINUTE;
      const advance = { runs: 3, lastRunAtMs: slot + 2 * MINUTE, lastJobId: `occ#${slot + 2 * MINUTE}`, nextRunAtMs: slot + 3 * MINUTE, updatedAtMs: slot };

      it('an advance sent again after it committed is its spawner\'s own (by its token); another spawner\'s still loses', async () => {
        await store.putSchedule(scheduleRecord({ id: 'occ-token', recurrence: { everySec: 60 } }));
        const expected = { id: 'occ-token', version: 1, expectedNextRunAtMs: slot };
        expect(await store.advanceSchedule(expected, { ...advance, token: 'A1' })).toBe(true);
        expect(await store.advanceSchedule(expected, { ...advance, token: 'A1' })).toBe(true);
        expect(await store.advanceSchedule(expected, { ...advance, token: 'A2' })).toBe(false);
        expect(await store.advanceSchedule(expected, advance)).toBe(false);
        expect(await store.getSchedule('occ-token')).toMatchObject({ nextRunAtMs: advance.nextRunAtMs, advanceToken: 'A1' });
      });

      it('moves the schedule (and its lane entry) past every occurrence sent, writing no job', async () => {
        await store.putSchedule(scheduleRecord({ id: 'occ', recurrence: { everySec: 60 } }));
        expect(await store.advanceSchedule({ id: 'occ', version: 1, expectedNextRunAtMs: slot }, advance)).toBe(true);
        expect(await store.getSchedule('occ')).toMatchObject({ ...advance, version: 1 });
        const lane = await laneIds(store, shardOf('occ', CONTRACT_SHARDS), T0 + HOUR);
        expect(lane).toContain(`schedule:occ@${slot + 3 * MINUTE}`);
        expect(lane).not.toContain(`schedule:occ@${slot}`);
        for (const fireAtMs of [slot, slot + MINUTE, slot + 2 * MINUTE]) await expect(store.getJob(`occ#${fireAtMs}`)).resolves.toBeUndefined();
      });

      it('with onTick, takes the schedule out of its lane: it waits on its tick', async () => {
        await store.putSchedule(scheduleRecord({ id: 'occ', recurrence: { everySec: 60 } }));
        expect(await store.advanceSchedule({ id: 'occ', version: 1, expectedNextRunAtMs: slot }, { ...advance, onTick: true })).toBe(true);
        expect(await store.getSchedule('occ')).toMatchObject({ ...advance, version: 1 });
        expect(await store.getSchedule('occ')).not.toHaveProperty('onTick');
        expect(await laneIds(store, shardOf('occ', CONTRACT_SHARDS), T0 + HOUR)).toEqual([]);
        // The next advance from the tick, and one back into the lane.
        const next = { ...advance, nextRunAtMs: slot + 4 * MINUTE, runs: 4 };
        expect(await store.advanceSchedule({ id: 'occ', version: 1, expectedNextRunAtMs: slot + 3 * MINUTE }, { ...next, onTick: true })).toBe(true);
        expect(await laneIds(store, shardOf('occ', CONTRACT_SHARDS), T0 + HOUR)).toEqual([]);
        expect(await store.advanceSchedule({ id: 'occ', version: 1, expectedNextRunAtMs: slot + 4 * MINUTE }, { ...next, nextRunAtMs: slot + 5 * MINUTE })).toBe(true);
        expect(await laneIds(store, shardOf('occ', CONTRACT_SHARDS), T0 + HOUR)).toEqual([`schedule:occ@${slot + 5 * MINUTE}`]);
      });

      it('lets only one of two spawners advance from the same slot', async () => {
        await store.putSchedule(scheduleRecord({ id: 'occ' }));
        const results = await Promise.all([
          store.advanceSchedule({ id: 'occ', version: 1, expectedNextRunAtMs: slot }, advance),
          store.advanceSchedule({ id: 'occ', version: 1, expectedNextRunAtMs: slot }, { ...advance, runs: 99 }),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.advanceSchedule({ id: 'occ', version: 1, expectedNextRunAtMs: slot }, advance)).toBe(false);
        expect((await store.getSchedule('occ'))?.runs).toBe(results[1] ? 99 : 3);
      });

      it('refuses a schedule replaced or resumed since it was read (version), or paused', async () => {
        await store.putSchedule(scheduleRecord({ id: 'occ' }));
        await store.putSchedule(scheduleRecord({ id: 'occ' }));
        expect(await store.advanceSchedule({ id: 'occ', version: 1, expectedNextRunAtMs: slot }, advance)).toBe(false);
        await store.setSchedulePaused('occ', true, T0);
        expect(await store.advanceSchedule({ id: 'occ', version: 2, expectedNextRunAtMs: slot }, advance)).toBe(false);
        const resumed = await store.setSchedulePaused('occ', false, T0, slot);
        expect(resumed.version).toBe(3);
        expect(await store.advanceSchedule({ id: 'occ', version: 2, expectedNextRunAtMs: slot }, advance)).toBe(false);
        expect(await store.getSchedule('occ')).toMatchObject({ runs: 0, nextRunAtMs: slot });
        expect(await store.advanceSchedule({ id: 'occ', version: 3, expectedNextRunAtMs: slot }, advance)).toBe(true);
      });

      it('advances without a run, keeping the last run, when every slot was skipped', async () => {
        await store.putSchedule(scheduleRecord({ id: 'occ', lastRunAtMs: T0, lastJobId: 'occ#prev' }));
        expect(await store.advanceSchedule({ id: 'occ', version: 1, expectedNextRunAtMs: slot }, { runs: 0, nextRunAtMs: slot + MINUTE, updatedAtMs: slot })).toBe(true);
        expect(await store.getSchedule('occ')).toMatchObject({ nextRunAtMs: slot + MINUTE, lastRunAtMs: T0, lastJobId: 'occ#prev' });
      });

      it('ends the schedule (out of its lane, with its TTL) when there is no next run', async () => {
        await store.putSchedule(scheduleRecord({ id: 'occ' }));
        const { nextRunAtMs: _next, ...last } = advance;
        expect(await store.advanceSchedule({ id: 'occ', version: 1, expectedNextRunAtMs: slot }, { ...last, expiresAtEpochSec: 42 })).toBe(true);
        const ended = await store.getSchedule('occ');
        expect(ended?.nextRunAtMs).toBeUndefined();
        expect(ended?.expiresAtEpochSec).toBe(42);
        expect(await laneIds(store, shardOf('occ', CONTRACT_SHARDS), T0 + 24 * HOUR)).not.toContain(`schedule:occ@${slot}`);
      });

      it('refuses an unknown schedule', async () => {
        expect(await store.advanceSchedule({ id: 'ghost', version: 1, expectedNextRunAtMs: slot }, advance)).toBe(false);
        await expect(store.getSchedule('ghost')).resolves.toBeUndefined();
      });
    });

    describe('createClaimedJob', () => {
      const slot = T0 + 5 * MINUTE;
      const lease = { nowMs: slot, leaseUntilMs: slot + MINUTE };
      const claimed = (overrides: Partial<JobRecord> = {}) =>
        jobRecord({ id: `occ#${slot}`, scheduleId: 'occ', scheduleGeneration: 'g2', dueAtMs: slot, placement: 'none', state: 'running', attempt: 1, startedAtMs: slot, leaseUntilMs: slot + MINUTE, ...overrides });

      it('creates a job already claimed for its first attempt, in no index', async () => {
        const job = claimed();
        await expect(store.createClaimedJob(job, { generation: 'g2' })).resolves.toEqual({ claimed: true, job });
        await expect(store.getJob(job.id)).resolves.toEqual(job);
        expect(await laneIds(store, shardOf(job.id, CONTRACT_SHARDS), T0 + HOUR)).toEqual([]);
        // Its attempt finishes like any claimed one.
        expect(await store.finishAttempt(job.id, 1, { state: 'completed', nowMs: slot + 1, expiresAtEpochSec: 1 })).toBe(true);
      });

      it('loses to any existing job, and returns it (a duplicate message, an ended job, a live unique key)', async () => {
        const first = claimed();
        expect((await store.createClaimedJob(first, { generation: 'g2' })).claimed).toBe(true);
        await expect(store.createClaimedJob(claimed({ startedAtMs: slot + 5 }), { generation: 'g2' })).resolves.toEqual({ claimed: false, current: first });
        await store.finishAttempt(first.id, 1, { state: 'completed', nowMs: slot + 1, expiresAtEpochSec: 1 });
        const again = await store.createClaimedJob(claimed(), { generation: 'g2' });
        expect(again).toMatchObject({ claimed: false, current: { state: 'completed' } });
        // Without a generation (an EventBridge event) even a cancelled job blocks the id.
        await store.createJob(jobRecord({ id: 'event-job' }));
        await store.cancelJob('event-job', T0, 1);
        expect(await store.createClaimedJob(jobRecord({ id: 'event-job', state: 'running', attempt: 1 }))).toMatchObject({ claimed: false, current: { state: 'cancelled' } });
      });

      it('loses to a tombstone of its own generation, and overwrites one of another generation', async () => {
        const tombstone = (generation: string) => jobRecord({ id: `occ#${slot}`, scheduleId: 'occ', scheduleGeneration: generation, dueAtMs: slot, placement: 'none' });
        // A pause of generation g1 cancelled the slot: g1's message (it read the schedule before the pause) is refused…
        expect(await store.cancelOccurrence(tombstone('g1'), T0, 1)).toBe(true);
        expect(await store.createClaimedJob(claimed({ scheduleGeneration: 'g1' }), { generation: 'g1' })).toMatchObject({ claimed: false, current: { state: 'cancelled', scheduleGeneration: 'g1' } });
        // …while the resumed schedule (g2) firing at the same instant creates its occurrence over the tombstone.
        await expect(store.createClaimedJob(claimed(), { generation: 'g2' })).resolves.toEqual({ claimed: true, job: claimed() });
      });

      it('a later generation cancelling the same slot again takes the tombstone over', async () => {
        const tombstone = (generation: string) => jobRecord({ id: `occ#${slot}`, scheduleId: 'occ', scheduleGeneration: generation, dueAtMs: slot, placement: 'none' });
        await store.cancelOccurrence(tombstone('g1'), T0, 1);
        expect(await store.cancelOccurrence(tombstone('g2'), T0 + 1, 2)).toBe(true);
        expect(await store.cancelOccurrence(tombstone('g2'), T0 + 2, 3)).toBe(false);
        expect(await store.getJob(`occ#${slot}`)).toMatchObject({ state: 'cancelled', scheduleGeneration: 'g2', finishedAtMs: T0 + 1 });
        expect(await store.createClaimedJob(claimed(), { generation: 'g2' })).toMatchObject({ claimed: false });
      });
    });

    describe('cancelOccurrence', () => {
      const slot = T0 + 5 * MINUTE;
      const occurrence = (overrides: Partial<JobRecord> = {}) =>
        jobRecord({ id: `occ#${slot}`, scheduleId: 'occ', scheduleGeneration: 'g1', dueAtMs: slot, placement: 'none', ...overrides });

      it('writes a cancelled occurrence where no job exists yet, readable like any cancelled job', async () => {
        expect(await store.cancelOccurrence(occurrence(), T0 + 1, 99)).toBe(true);
        const { placement: _p, ...fields } = occurrence();
        expect(await store.getJob(`occ#${slot}`)).toMatchObject({ ...fields, state: 'cancelled', finishedAtMs: T0 + 1, updatedAtMs: T0 + 1, expiresAtEpochSec: 99 });
        expect(await laneIds(store, shardOf(`occ#${slot}`, CONTRACT_SHARDS), T0 + HOUR)).toEqual([]);
      });

      it('cancels a waiting occurrence job, keeping its own fields', async () => {
        await store.createJob(occurrence({ state: 'retrying', attempt: 1, dueAtMs: slot + 30_000, lastError: { name: 'Error', message: 'boom' } }));
        expect(await store.cancelOccurrence(occurrence(), T0 + 1, 99)).toBe(true);
        expect(await store.getJob(`occ#${slot}`)).toMatchObject({ state: 'cancelled', attempt: 1, dueAtMs: slot + 30_000, lastError: { message: 'boom' } });
      });

      it('leaves a started or ended occurrence alone', async () => {
        await store.createClaimedJob(occurrence({ state: 'running', attempt: 1, leaseUntilMs: slot + MINUTE }), { generation: 'g1' });
        expect(await store.cancelOccurrence(occurrence(), T0 + 1, 99)).toBe(false);
        expect((await store.getJob(`occ#${slot}`))?.state).toBe('running');
        await store.finishAttempt(`occ#${slot}`, 1, { state: 'completed', nowMs: slot, expiresAtEpochSec: 1 });
        expect(await store.cancelOccurrence(occurrence(), T0 + 1, 99)).toBe(false);
        expect((await store.getJob(`occ#${slot}`))?.state).toBe('completed');
      });
    });

    describe('sweeper lease', () => {
      it('an acquire sent again after it committed is the same sweep\'s lease, not another\'s', async () => {
        await expect(store.acquireSweep('a', T0, T0 + MINUTE)).resolves.toEqual({ cursors: {}, tickCursors: {} });
        await expect(store.acquireSweep('a', T0, T0 + MINUTE)).resolves.toEqual({ cursors: {}, tickCursors: {} });
        await expect(store.acquireSweep('b', T0, T0 + MINUTE)).resolves.toBeUndefined();
      });

      it('is taken when free, refused while held, taken over once expired', async () => {
        await expect(store.acquireSweep('a', T0, T0 + MINUTE)).resolves.toEqual({ cursors: {}, tickCursors: {} });
        await expect(store.acquireSweep('b', T0 + 30_000, T0 + 90_000)).resolves.toBeUndefined();
        await expect(store.acquireSweep('b', T0 + MINUTE, T0 + 2 * MINUTE)).resolves.toEqual({ cursors: {}, tickCursors: {} });
        // 'a' lost it: its saves are refused.
        expect(await store.saveSweep('a', { cursors: { 0: { bucket: 'x' } } }, false)).toBe(false);
      });

      it('saves cursors for the next sweep, and releases the lease on request', async () => {
        await store.acquireSweep('a', T0, T0 + MINUTE);
        const cursors = { 0: { bucket: '2026-11-23T14:05Z', after: 'pos-1' }, 3: { bucket: '2026-11-23T14:06Z' } };
        expect(await store.saveSweep('a', { cursors }, false)).toBe(true);
        expect(await store.saveSweep('a', { cursors }, true)).toBe(true);
        // Released: another sweep starts at once, before the lease would have expired, and sees the cursors.
        await expect(store.acquireSweep('b', T0 + 1000, T0 + MINUTE)).resolves.toEqual({ cursors, tickCursors: {} });
        // The releasing owner can no longer save.
        expect(await store.saveSweep('a', { cursors: {} }, true)).toBe(false);
      });

      it('saves tick cursors with the cursors; a save without them leaves the stored ones', async () => {
        await store.acquireSweep('a', T0, T0 + MINUTE);
        const cursors = { 0: { bucket: '2026-11-23T14:05Z' } };
        expect(await store.saveSweep('a', { cursors, tickCursors: { 0: T0 + 1, 2: T0 + 2 } }, false)).toBe(true);
        expect(await store.saveSweep('a', { cursors }, true)).toBe(true);
        await expect(store.acquireSweep('b', T0 + 1000, T0 + MINUTE)).resolves.toEqual({ cursors, tickCursors: { 0: T0 + 1, 2: T0 + 2 } });
      });

      it('refuses a save by an owner that never held the lease', async () => {
        expect(await store.saveSweep('nobody', { cursors: {} }, true)).toBe(false);
        await store.acquireSweep('a', T0, T0 + MINUTE);
        expect(await store.saveSweep('b', { cursors: {} }, false)).toBe(false);
      });
    });

    describe('putScheduleTick / readTicks', () => {
      it("reads a shard's ticks in time order within [from, until], paging after a position, each once", async () => {
        const ids = idsInShard('tk-', 1, 5);
        const times = [T0 + 3, T0 + 1, T0 + 1, T0 + 2, T0 + MINUTE];
        for (const [i, id] of ids.entries()) await store.putScheduleTick({ scheduleId: id, atMs: times[i]! }, T0 / 1000 + 86_400);
        // The same tick written again (a spawn redone after a crash) is still one.
        await store.putScheduleTick({ scheduleId: ids[0]!, atMs: times[0]! }, T0 / 1000 + 86_400);
        // Another shard's tick, and one before the range, are not read.
        await store.putScheduleTick({ scheduleId: idsInShard('tx-', 2, 1)[0]!, atMs: T0 + 2 }, T0 / 1000 + 86_400);
        const read: string[] = [];
        let after: string | undefined;
        for (let page = 0; page < 10; page++) {
          const result = await store.readTicks(1, { fromMs: T0 + 1, untilMs: T0 + 3, limit: 2, ...(after === undefined ? {} : { after }) });
          read.push(...result.ticks.map((t) => `${t.scheduleId}@${t.atMs - T0}`));
          if (result.done) break;
          after = result.ticks.at(-1)?.position;
        }
        const expected = ids.map((id, i) => ({ id, at: times[i]! - T0 })).filter((t) => t.at >= 1 && t.at <= 3);
        expect([...read].sort()).toEqual(expected.map((t) => `${t.id}@${t.at}`).sort());
        expect(read.map((r) => Number(r.split('@')[1]))).toEqual([1, 1, 2, 3]);
        expect((await store.readTicks(1, { fromMs: T0 + 4, untilMs: T0 + MINUTE - 1, limit: 10 })).ticks).toEqual([]);
      });

      it('keeps ticks out of the due index, the schedules and the jobs', async () => {
        const [id] = idsInShard('tk-', 0, 1);
        await store.putScheduleTick({ scheduleId: id!, atMs: T0 }, T0 / 1000 + 86_400);
        expect(await laneIds(store, 0, T0 + HOUR)).toEqual([]);
        expect(await readAllBucket(store, 0, bucketOf(T0), T0 + HOUR, 100)).toEqual([]);
        expect((await store.listSchedules({ limit: 100 })).items).toEqual([]);
        expect((await store.listJobs({ limit: 100 })).items).toEqual([]);
      });
    });

    describe('readBucket / readLane', () => {
      const bucketStart = Date.parse('2026-11-23T15:07:00Z');
      const bucket = bucketOf(bucketStart);

      async function fillBucket(): Promise<JobRecord[]> {
        const ids = idsInShard('rb-', 1, 11);
        // Three jobs share a due time, so the order falls back to the id.
        const dues = [5, 1, 3, 3, 3, 9, 2, 59_000, 8, 7, 60_000];
        const jobs = ids.map((id, i) => jobRecord({ id, dueAtMs: bucketStart + dues[i]!, queue: i % 2 ? 'q1' : 'default' }));
        await store.createJobs(jobs);
        return jobs;
      }

      it('pages through a bucket in due order, resuming after each position, without duplicates or gaps', async () => {
        const jobs = await fillBucket();
        // The job due at :08:00.000 is in the next bucket.
        const inBucket = jobs.filter((j) => j.dueAtMs < bucketStart + MINUTE);
        const orders: string[][] = [];
        for (const limit of [1, 3, 10, 100]) {
          const entries = await readAllBucket(store, 1, bucket, bucketStart + 2 * MINUTE, limit);
          expect(entries.map((e) => e.dueAtMs)).toEqual(inBucket.map((j) => j.dueAtMs).sort((a, b) => a - b));
          // Entries with the same due time come in an order of the store's choosing (DynamoDB does not define it for a
          // GSI), but always the same one, so that paging from a position neither repeats nor skips.
          expect([...entries].sort((a, b) => (a.id < b.id ? -1 : 1)).map(({ position: _p, ...rest }) => rest)).toEqual(
            [...inBucket].sort((a, b) => (a.id < b.id ? -1 : 1)).map((j) => ({ kind: 'job', id: j.id, queue: j.queue, dueAtMs: j.dueAtMs })),
          );
          orders.push(entries.map((e) => e.id));
        }
        expect(new Set(orders.map((o) => o.join())).size).toBe(1);
      });

      it('reports done exactly when nothing more is due', async () => {
        await fillBucket();
        const all = await store.readBucket(1, bucket, { untilMs: bucketStart + MINUTE, limit: 10 });
        expect(all).toMatchObject({ done: true });
        expect(all.entries).toHaveLength(10);
        const partial = await store.readBucket(1, bucket, { untilMs: bucketStart + MINUTE, limit: 9 });
        expect(partial).toMatchObject({ done: false });
        const rest = await store.readBucket(1, bucket, { after: partial.entries[8]!.position, untilMs: bucketStart + MINUTE, limit: 9 });
        expect(rest.entries.map((e) => e.id)).toEqual([all.entries[9]!.id]);
        expect(rest.done).toBe(true);
      });

      it('reads only what is due by `untilMs`, then resumes from the saved position as time moves on', async () => {
        await fillBucket();
        const early = await store.readBucket(1, bucket, { untilMs: bucketStart + 3, limit: 100 });
        expect(early.entries.map((e) => e.dueAtMs - bucketStart)).toEqual([1, 2, 3, 3, 3]);
        expect(early.done).toBe(true);
        const after = early.entries[4]!.position;
        const later = await store.readBucket(1, bucket, { after, untilMs: bucketStart + MINUTE, limit: 100 });
        expect(later.entries.map((e) => e.dueAtMs - bucketStart)).toEqual([5, 7, 8, 9, 59_000]);
        // A position beyond `untilMs` (the clock of another sweeper lags) reads nothing, without failing.
        await expect(store.readBucket(1, bucket, { after: later.entries[4]!.position, untilMs: bucketStart, limit: 10 })).resolves.toEqual({
          entries: [],
          done: true,
        });
      });

      it('reads nothing from another shard or an empty bucket', async () => {
        await fillBucket();
        await expect(store.readBucket(2, bucket, { untilMs: bucketStart + HOUR, limit: 10 })).resolves.toEqual({ entries: [], done: true });
        await expect(store.readBucket(1, bucketOf(bucketStart + HOUR), { untilMs: bucketStart + 2 * HOUR, limit: 10 })).resolves.toEqual({
          entries: [],
          done: true,
        });
      });

      it('rejects a position from another partition and a bad limit', async () => {
        const jobs = await fillBucket();
        const page = await store.readBucket(1, bucket, { untilMs: bucketStart + MINUTE, limit: 1 });
        const position = page.entries[0]!.position;
        await expect(store.readBucket(1, bucketOf(jobs[7]!.dueAtMs + MINUTE), { after: position, untilMs: bucketStart + HOUR, limit: 5 })).rejects.toThrow(ValidationError);
        await expect(store.readLane(1, { after: position, untilMs: bucketStart + HOUR, limit: 5 })).rejects.toThrow(ValidationError);
        await expect(store.readBucket(1, bucket, { after: 'junk', untilMs: bucketStart, limit: 5 })).rejects.toThrow(ValidationError);
        await expect(store.readBucket(1, bucket, { untilMs: bucketStart, limit: 0 })).rejects.toThrow(ValidationError);
      });

      it('reads a lane holding jobs and schedules in due order, in pages', async () => {
        const jobIds = idsInShard('lj-', 2, 3);
        const scheduleIds = idsInShard('ls-', 2, 3);
        await store.createJobs(jobIds.map((id, i) => jobRecord({ id, placement: 'lane', dueAtMs: T0 + (i * 2 + 1) * 1000 })));
        for (const [i, id] of scheduleIds.entries()) await store.putSchedule(scheduleRecord({ id, nextRunAtMs: T0 + i * 2 * 1000 }));
        // Elsewhere: another shard's lane, and a bucket job of this shard.
        await store.createJob(jobRecord({ id: idsInShard('lx-', 3, 1)[0]!, placement: 'lane', dueAtMs: T0 }));
        await store.createJob(jobRecord({ id: idsInShard('lb-', 2, 1)[0]!, placement: 'bucket', dueAtMs: T0 }));

        const seen: DueEntry[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await store.readLane(2, { untilMs: T0 + 4000, limit: 2, ...(after === undefined ? {} : { after }) });
          seen.push(...page.entries);
          if (page.done) break;
          after = page.entries[page.entries.length - 1]!.position;
        }
        expect(seen.map((e) => `${e.kind}:${e.id}@${e.dueAtMs - T0}`)).toEqual([
          `schedule:${scheduleIds[0]}@0`,
          `job:${jobIds[0]}@1000`,
          `schedule:${scheduleIds[1]}@2000`,
          `job:${jobIds[1]}@3000`,
          `schedule:${scheduleIds[2]}@4000`,
        ]);
        expect(seen.find((e) => e.kind === 'job')).toMatchObject({ queue: 'default' });
      });
    });
  });
}
