import { describe, expect, it } from 'vitest';
import { Meter, diff, requestsOf, type DynamoDbCall } from '../../bench/meter.ts';

/** A ConsumedCapacity as DynamoDB Local returns it with `ReturnConsumedCapacity: 'INDEXES'`. */
const consumed = (table: number, gsi = 0) => [
  {
    TableName: 'sundial',
    CapacityUnits: table + gsi,
    Table: { CapacityUnits: table },
    ...(gsi > 0 ? { GlobalSecondaryIndexes: { due: { CapacityUnits: gsi } } } : {}),
  },
];
const call = (operation: string, over: Partial<DynamoDbCall> = {}): DynamoDbCall => ({
  operation,
  consistentRead: false,
  consumed: [],
  conditionFailed: false,
  ...over,
});

describe('Meter: DynamoDB write units', () => {
  it('adds table and index units, and keeps them apart per target', () => {
    const meter = new Meter();
    meter.recordDynamoDb(call('PutItem', { consumed: consumed(1, 1) }));
    meter.recordDynamoDb(call('UpdateItem', { consumed: consumed(1) }));
    const s = meter.snapshot();
    expect(s.writeUnits).toBe(3);
    expect(s.capacityByTarget).toEqual({ sundial: 2, 'sundial/due': 1 });
    expect(s.requests).toEqual({ 'dynamodb.PutItem': 1, 'dynamodb.UpdateItem': 1 });
    expect(s.readUnits).toBe(0);
  });

  it.each([
    ['PutItem', 1],
    ['UpdateItem', 1],
    ['DeleteItem', 1],
    // A refused transaction reports nothing and its cancelled writes are not billed as single writes.
    ['TransactWriteItems', 0],
  ])('bills a %s refused by its condition %d write unit', (operation, units) => {
    const meter = new Meter();
    meter.recordDynamoDb(call(operation, { conditionFailed: true }));
    expect(meter.snapshot().writeUnits).toBe(units);
  });

  it('counts writes to the sweeper state item apart, within the write total', () => {
    const meter = new Meter();
    meter.recordDynamoDb(call('UpdateItem', { consumed: consumed(1), sweeperState: true }));
    meter.recordDynamoDb(call('UpdateItem', { conditionFailed: true, sweeperState: true }));
    meter.recordDynamoDb(call('PutItem', { consumed: consumed(1, 1) }));
    expect(meter.snapshot()).toMatchObject({ writeUnits: 4, sweeperStateWriteUnits: 2 });
  });
});

describe('Meter: DynamoDB read units', () => {
  it.each([
    // operation, consistent, reported → billed
    ['Query', false, 0, 0.5],
    ['Query', true, 0, 1],
    ['Scan', false, 0, 0.5],
    ['GetItem', false, 0.5, 0.5],
    ['GetItem', true, 0, 1],
    ['Query', false, 3.5, 3.5],
    // Batch reads have no per-request minimum: their units are per item.
    ['BatchGetItem', false, 0, 0],
  ] as const)('%s (consistent %s) reported %d is billed %d', (operation, consistentRead, reported, billed) => {
    const meter = new Meter();
    meter.recordDynamoDb(call(operation, { consistentRead, consumed: reported > 0 ? consumed(reported) : [] }));
    const s = meter.snapshot();
    expect(s.readUnits).toBe(billed);
    expect(s.reportedReadUnits).toBe(reported);
    expect(s.writeUnits).toBe(0);
  });
});

describe('Meter: SQS and Lambda', () => {
  it('counts requests per operation and receives that found nothing apart', () => {
    const meter = new Meter();
    meter.recordSqs('ReceiveMessage', 0);
    meter.recordSqs('ReceiveMessage', 3);
    meter.recordSqs('SendMessageBatch');
    meter.recordInvocation('Consumer');
    meter.recordInvocation('Consumer');
    meter.recordOther('other', 'unknown');
    const s = meter.snapshot();
    expect(s.requests).toEqual({ 'sqs.ReceiveMessage': 2, 'sqs.SendMessageBatch': 1, 'other.unknown': 1 });
    expect(s.emptyReceives).toBe(1);
    expect(s.invocations).toEqual({ Consumer: 2 });
  });

  it('a snapshot is a copy: later counts do not change it', () => {
    const meter = new Meter();
    meter.recordSqs('SendMessageBatch');
    const before = meter.snapshot();
    meter.recordSqs('SendMessageBatch');
    expect(before.requests['sqs.SendMessageBatch']).toBe(1);
  });
});

describe('diff and requestsOf', () => {
  it('subtracts field by field and drops keys that did not change', () => {
    const meter = new Meter();
    meter.recordSqs('SendMessageBatch');
    meter.recordInvocation('Sweeper');
    meter.recordDynamoDb(call('Query', { consumed: consumed(0.1) }));
    const before = meter.snapshot();
    meter.recordSqs('ReceiveMessage', 0);
    meter.recordDynamoDb(call('Query', { consumed: consumed(0.2) }));
    meter.recordDynamoDb(call('PutItem', { consumed: consumed(1, 1) }));
    const d = diff(meter.snapshot(), before);
    expect(d.requests).toEqual({ 'sqs.ReceiveMessage': 1, 'dynamodb.Query': 1, 'dynamodb.PutItem': 1 });
    expect(d.invocations).toEqual({});
    expect(d.emptyReceives).toBe(1);
    expect(d.writeUnits).toBe(2);
    // 0.1 + 0.2 − 0.1 is not 0.2 in floating point: per-target deltas are rounded.
    expect(d.capacityByTarget).toEqual({ sundial: 1.2, 'sundial/due': 1 });
    expect(d.reportedReadUnits).toBeCloseTo(0.2, 9);
  });

  it('sums one service, leaving named operations out', () => {
    const meter = new Meter();
    for (const op of ['SendMessageBatch', 'ReceiveMessage', 'ReceiveMessage', 'DeleteMessageBatch']) meter.recordSqs(op, 1);
    meter.recordDynamoDb(call('PutItem'));
    const s = meter.snapshot();
    expect(requestsOf(s, 'sqs')).toBe(4);
    expect(requestsOf(s, 'sqs', ['ReceiveMessage'])).toBe(2);
    expect(requestsOf(s, 'dynamodb')).toBe(1);
    expect(requestsOf(s, 'lambda')).toBe(0);
  });
});
