import { describe, expect, it } from 'vitest';
import { ConfigurationError, ConflictError, ValidationError } from '../../lib/core/errors.ts';
import { MemoryJobStore } from '../../lib/store/memory-store.ts';
import { CONTRACT_SHARDS, jobRecord, T0 } from './store-contract.ts';
import { describeJobStoreContract } from './store-contract.ts';

describeJobStoreContract('MemoryJobStore', async () => ({
  store: new MemoryJobStore({ shards: CONTRACT_SHARDS }),
  cleanup: async () => {},
}));

describe('MemoryJobStore.createJobsWithCallerItems', () => {
  it('refuses DynamoDB items of the caller with a ConfigurationError naming the fix, writing nothing', async () => {
    const store = new MemoryJobStore({ shards: 2 });
    const error = await store
      .createJobsWithCallerItems([{ Put: { TableName: 'orders', Item: { id: { S: 'o1' } } } }], [jobRecord({ id: 'j', placement: 'lane' })], 'client')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/cannot run DynamoDB transaction items \(received 1 of yours\).*DynamoDB Local.*no items of yours/);
    await expect(store.getJob('j')).resolves.toBeUndefined();
  });

  it('refuses a live job holding an id with a ConflictError carrying it, and two jobs with one id', async () => {
    const store = new MemoryJobStore({ shards: 2 });
    const { job: live } = await store.createJob(jobRecord({ id: 'taken' }));
    const conflict = await store.createJobsWithCallerItems([], [jobRecord({ id: 'taken', placement: 'lane' })], 'client').catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect((conflict as ConflictError).current).toEqual(live);
    const twice = store.createJobsWithCallerItems([], [jobRecord({ id: 'x' }), jobRecord({ id: 'x' })], 'client');
    await expect(twice).rejects.toBeInstanceOf(ValidationError);
    await expect(store.getJob('x')).resolves.toBeUndefined();
  });
});

describe('MemoryJobStore.failNextCall', () => {
  it('fails the next call before it writes, then works again', async () => {
    const store = new MemoryJobStore({ shards: 2 });
    await store.acquireSweep('a', T0, T0 + 60_000);
    store.failNextCall('saveSweep');
    await expect(store.saveSweep('a', { cursors: { 0: { bucket: 'b1' } } }, true)).rejects.toThrow('Injected failure of MemoryJobStore.saveSweep');
    // Nothing was saved: the lease is still held and the cursor is the old (empty) one.
    await expect(store.acquireSweep('b', T0 + 1, T0 + 60_000)).resolves.toBeUndefined();
    expect(await store.saveSweep('a', { cursors: {} }, true)).toBe(true);
  });

  it('fails after the write when asked (a lost response), with the given error', async () => {
    const store = new MemoryJobStore({ shards: 2 });
    const error = new Error('socket hang up');
    store.failNextCall('createJob', { when: 'after', error });
    await expect(store.createJob(jobRecord({ id: 'j' }))).rejects.toBe(error);
    await expect(store.getJob('j')).resolves.toEqual(jobRecord({ id: 'j' }));
    await expect(store.createJob(jobRecord({ id: 'k' }))).resolves.toMatchObject({ created: true });
  });

  it('hands out copies: changing a returned record does not change the store', async () => {
    const store = new MemoryJobStore({ shards: 2 });
    const { job } = await store.createJob(jobRecord({ id: 'j' }));
    (job.backoff as { type: string }).type = 'fixed';
    expect((await store.getJob('j'))?.backoff).toEqual(jobRecord({ id: 'j' }).backoff);
  });

  it('rejects a shard count that is not a positive integer', () => {
    expect(() => new MemoryJobStore({ shards: 0 })).toThrow(ValidationError);
  });
});
