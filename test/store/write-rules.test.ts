import { describe, expect, it } from 'vitest';
import { bucketOf, duePartitionKey, lanePartitionKey, shardOf } from '../../lib/core/buckets.ts';
import { claimCondition, createJobCondition } from '../../lib/store/write-rules.ts';
import { fromJobItem, fromScheduleItem, jobKey, scheduleKey, sweeperKey, toJobItem, toScheduleItem } from '../../lib/store/items.ts';
import { applyUpdate, evaluateCondition, ExpressionBuilder, isIn, le, lt } from '../../lib/store/expressions.ts';
import { jobRecord, scheduleRecord, T0 } from './store-contract.ts';

describe('keys', () => {
  it('puts a job in its shard partition, schedules in one partition, the sweeper state in its own item', () => {
    expect(jobKey('j_1', 8)).toEqual({ pk: `job#${shardOf('j_1', 8)}`, sk: 'j_1' });
    expect(scheduleKey('nightly')).toEqual({ pk: 'schedule', sk: 'nightly' });
    expect(sweeperKey()).toEqual({ pk: 'sweeper', sk: 'state' });
  });
});

describe('job items', () => {
  it.each([
    ['bucket', (r: { id: string; dueAtMs: number }) => ({ duePk: duePartitionKey(bucketOf(r.dueAtMs), shardOf(r.id, 8)), dueSk: r.dueAtMs })],
    ['lane', (r: { id: string; dueAtMs: number }) => ({ duePk: lanePartitionKey(shardOf(r.id, 8)), dueSk: r.dueAtMs })],
    ['none', () => ({})],
  ] as const)('indexes a %s job as the architecture says, and maps back losslessly', (placement, index) => {
    const record = jobRecord({ id: 'j_map', placement, lastError: { name: 'E', message: 'm' } });
    const item = toJobItem(record, 8);
    expect(item).toEqual({ ...jobKey('j_map', 8), ...index(record), ...Object.fromEntries(Object.entries(record).filter(([k]) => k !== 'id')) });
    expect(typeof item.payload).toBe('string');
    expect(fromJobItem(item)).toEqual(record);
  });

  it('stores no undefined attributes', () => {
    const item = toJobItem(jobRecord({ id: 'j', result: undefined }), 8);
    expect(Object.values(item)).not.toContain(undefined);
    expect('result' in item).toBe(false);
  });
});

describe('schedule items', () => {
  it('puts an active schedule in its lane at its next run; paused or ended ones nowhere', () => {
    const active = scheduleRecord({ id: 's' });
    expect(toScheduleItem(active, 8)).toMatchObject({ duePk: lanePartitionKey(shardOf('s', 8)), dueSk: active.nextRunAtMs });
    expect(toScheduleItem(scheduleRecord({ id: 's', paused: true }), 8).duePk).toBeUndefined();
    expect(toScheduleItem(scheduleRecord({ id: 's', nextRunAtMs: undefined }), 8).duePk).toBeUndefined();
    expect(fromScheduleItem(toScheduleItem(active, 8))).toEqual(active);
  });
});

describe('expressions', () => {
  it('never writes an attribute name into an expression (reserved words such as state and queue)', () => {
    const builder = new ExpressionBuilder();
    const text = builder.condition(claimCondition({ dueAtMs: T0, nowMs: T0 })) + builder.update({ set: { queue: 'q', state: 's' }, remove: ['bucket'] });
    expect(text).not.toMatch(/\b(state|queue|bucket|dueAtMs|leaseUntilMs|pk)\b/);
    expect(Object.values(builder.attributes().ExpressionAttributeNames)).toEqual(
      expect.arrayContaining(['state', 'queue', 'bucket', 'dueAtMs', 'leaseUntilMs', 'pk']),
    );
  });

  it('compiles the createJob condition', () => {
    const builder = new ExpressionBuilder();
    expect(builder.condition(createJobCondition({}))).toBe('(attribute_not_exists(#n0)) OR (#n1 IN (:v0, :v1, :v2))');
    expect(builder.attributes()).toEqual({
      ExpressionAttributeNames: { '#n0': 'pk', '#n1': 'state' },
      ExpressionAttributeValues: { ':v0': 'completed', ':v1': 'failed', ':v2': 'cancelled' },
    });
    const unique = new ExpressionBuilder();
    expect(unique.condition(createJobCondition({ writeToken: 't1' }))).toBe(
      '(attribute_not_exists(#n0)) OR ((#n1 IN (:v0, :v1, :v2)) AND ((attribute_not_exists(#n2)) OR (#n2 <> :v3)))',
    );
    expect(unique.attributes().ExpressionAttributeValues).toMatchObject({ ':v3': 't1' });
  });

  it.each([
    [lt('n', 5), { n: 4 }, true],
    [lt('n', 5), { n: 5 }, false],
    [le('n', 5), { n: 5 }, true],
    [lt('n', 5), {}, false],
    [lt('n', 5), { n: '4' }, false],
    [isIn('s', ['a', 'b']), { s: 'b' }, true],
    [isIn('s', ['a', 'b']), {}, false],
  ] as const)('evaluates %j on %j as DynamoDB does: %s', (condition, item, expected) => {
    expect(evaluateCondition(condition, item)).toBe(expected);
  });

  it('applies an update against the item as it was before', () => {
    const before = { pk: 'p', sk: 's', attempt: 2, maxAttempts: 3, nextRunAtMs: 9, leaseUntilMs: 1 };
    const after = applyUpdate(before, { pk: 'p', sk: 's' }, {
      set: { state: 'x', skipped: undefined },
      increment: { attempt: 1, fresh: 2 },
      addAttribute: { maxAttempts: 'attempt' },
      copy: { dueSk: 'nextRunAtMs' },
      remove: ['leaseUntilMs'],
    });
    expect(after).toEqual({ pk: 'p', sk: 's', state: 'x', attempt: 3, fresh: 2, maxAttempts: 5, nextRunAtMs: 9, dueSk: 9 });
    expect(before.leaseUntilMs).toBe(1);
    expect(() => applyUpdate({}, { pk: 'p', sk: 's' }, { copy: { dueSk: 'nextRunAtMs' } })).toThrow('nextRunAtMs');
  });
});
