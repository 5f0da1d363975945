/**
 * What the benchmark counts: AWS requests per service and operation, DynamoDB capacity units (as DynamoDB Local
 * reports them and as AWS bills them) per table and index, SQS receives that found nothing, and Lambda invocations.
 * Both the SDK middleware (in-process clients, `metering.ts`) and the metering proxy (the Lambda processes,
 * `metering-proxy.ts`) feed one `Meter`.
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';

/** DynamoDB operations that take `ReturnConsumedCapacity`. */
export const CAPACITY_OPERATIONS: ReadonlySet<string> = new Set([
  'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan',
  'BatchGetItem', 'BatchWriteItem', 'TransactGetItems', 'TransactWriteItems',
]);
const READ_OPERATIONS: ReadonlySet<string> = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
/** Single-request reads AWS bills at least 0.5 (eventually consistent) or 1 (strongly consistent) read unit. */
const MINIMUM_READ_OPERATIONS: ReadonlySet<string> = new Set(['GetItem', 'Query', 'Scan']);
const SINGLE_WRITE_OPERATIONS: ReadonlySet<string> = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

/** Everything counted, as plain data (JSON-ready; `diff` subtracts two of them). */
export interface MeterSnapshot {
  /** `<service>.<operation>` → requests, e.g. `dynamodb.PutItem`, `sqs.SendMessageBatch`. */
  readonly requests: Record<string, number>;
  /** Write units AWS bills: what DynamoDB Local reports, plus 1 per write refused by its condition (see `record`). */
  readonly writeUnits: number;
  /** Of `writeUnits`, those spent on the sweeper's state item (lease and cursors). */
  readonly sweeperStateWriteUnits: number;
  /** Read units AWS bills: what DynamoDB Local reports, raised to AWS's minimum per Get/Query/Scan. */
  readonly readUnits: number;
  /** Read units as DynamoDB Local reported them (0 for an empty Query). */
  readonly reportedReadUnits: number;
  /** Capacity units per `table` or `table/index`, as reported. */
  readonly capacityByTarget: Record<string, number>;
  /** ReceiveMessage calls that returned no message (pollers' idle cost, apart from the per-job cost). */
  readonly emptyReceives: number;
  /** Lambda invocations per function logical id. */
  readonly invocations: Record<string, number>;
  /** Billed Lambda milliseconds per function logical id (each invocation's duration rounded up to 1 ms, as AWS bills). */
  readonly billedMs: Record<string, number>;
  /** Peak `Max Memory Used` (MB) each function's environments reported (a maximum: `diff` keeps the later value). */
  readonly maxMemoryUsedMb?: Record<string, number>;
  /** Bytes each function wrote to its log (stdout and stderr, one newline per line), what CloudWatch Logs ingests. */
  readonly logBytes: Record<string, number>;
}

/** One DynamoDB request as seen by the middleware or the proxy. */
export interface DynamoDbCall {
  readonly operation: string;
  readonly consistentRead: boolean;
  readonly consumed: readonly ConsumedCapacity[];
  /** The request failed with `ConditionalCheckFailedException` (AWS still bills the write). */
  readonly conditionFailed: boolean;
  /** It reads or writes the sweeper's own state item (lease, cursors): a fixed cost of sweeping, not a job's. */
  readonly sweeperState?: boolean;
}

/**
 * A running tally. Not thread-safe beyond Node's event loop, which is all it needs.
 *
 * @example
 * ```ts
 * const meter = new Meter();
 * const before = meter.snapshot();
 * // … work …
 * const used = diff(meter.snapshot(), before);
 * ```
 */
export class Meter {
  private readonly requests = new Map<string, number>();
  private readonly capacityByTarget = new Map<string, number>();
  private readonly invocations = new Map<string, number>();
  private readonly billedMs = new Map<string, number>();
  private readonly logBytes = new Map<string, number>();
  private readonly maxMemoryUsedMb = new Map<string, number>();
  private writeUnits = 0;
  private sweeperStateWriteUnits = 0;
  private readUnits = 0;
  private reportedReadUnits = 0;
  private emptyReceives = 0;

  /** Counts one DynamoDB request and the capacity it consumed. */
  recordDynamoDb(call: DynamoDbCall): void {
    add(this.requests, `dynamodb.${call.operation}`, 1);
    let reported = 0;
    for (const capacity of call.consumed) {
      reported += capacity.CapacityUnits ?? 0;
      const table = capacity.TableName ?? '?';
      add(this.capacityByTarget, table, capacity.Table?.CapacityUnits ?? capacity.CapacityUnits ?? 0);
      for (const [index, units] of Object.entries(capacity.GlobalSecondaryIndexes ?? {})) {
        add(this.capacityByTarget, `${table}/${index}`, units.CapacityUnits ?? 0);
      }
      for (const [index, units] of Object.entries(capacity.LocalSecondaryIndexes ?? {})) {
        add(this.capacityByTarget, `${table}/${index}`, units.CapacityUnits ?? 0);
      }
    }
    if (READ_OPERATIONS.has(call.operation)) {
      this.reportedReadUnits += reported;
      const minimum = MINIMUM_READ_OPERATIONS.has(call.operation) ? (call.consistentRead ? 1 : 0.5) : 0;
      this.readUnits += Math.max(reported, minimum);
    } else {
      // A conditional write that fails its condition consumes one write unit on AWS (for an item up to 1 KB), and no
      // capacity comes back on the error response, locally or on AWS.
      const refused = call.conditionFailed && SINGLE_WRITE_OPERATIONS.has(call.operation) ? 1 : 0;
      this.writeUnits += reported + refused;
      if (call.sweeperState) this.sweeperStateWriteUnits += reported + refused;
    }
  }

  /** Counts one SQS request; `messages` is what a ReceiveMessage returned. */
  recordSqs(operation: string, messages?: number): void {
    add(this.requests, `sqs.${operation}`, 1);
    if (operation === 'ReceiveMessage' && messages === 0) this.emptyReceives++;
  }

  /** Counts a request to any other service (it is listed, never priced). */
  recordOther(service: string, operation: string): void {
    add(this.requests, `${service}.${operation}`, 1);
  }

  /** Counts one Lambda invocation; `billedMs` once it has ended (AWS's billed duration). */
  recordInvocation(functionId: string): void {
    add(this.invocations, functionId, 1);
  }

  /** Adds an ended invocation's billed duration, and keeps the peak memory its environment reported. */
  recordBilledDuration(functionId: string, billedMs: number, maxMemoryUsedMb?: number): void {
    add(this.billedMs, functionId, billedMs);
    if (maxMemoryUsedMb !== undefined) {
      this.maxMemoryUsedMb.set(functionId, Math.max(this.maxMemoryUsedMb.get(functionId) ?? 0, maxMemoryUsedMb));
    }
  }

  /** Counts one line a function logged (its UTF-8 bytes and the newline). */
  recordLogLine(functionId: string, line: string): void {
    add(this.logBytes, functionId, Buffer.byteLength(line, 'utf8') + 1);
  }

  snapshot(): MeterSnapshot {
    return {
      requests: Object.fromEntries(this.requests),
      writeUnits: this.writeUnits,
      sweeperStateWriteUnits: this.sweeperStateWriteUnits,
      readUnits: this.readUnits,
      reportedReadUnits: this.reportedReadUnits,
      capacityByTarget: Object.fromEntries(this.capacityByTarget),
      emptyReceives: this.emptyReceives,
      invocations: Object.fromEntries(this.invocations),
      billedMs: Object.fromEntries(this.billedMs),
      logBytes: Object.fromEntries(this.logBytes),
      maxMemoryUsedMb: Object.fromEntries(this.maxMemoryUsedMb),
    };
  }
}

/**
 * `after − before`, field by field (keys that did not change are dropped).
 *
 * @example
 * ```ts
 * const used = diff(meter.snapshot(), before);
 * used.requests['sqs.SendMessageBatch'];
 * ```
 */
export function diff(after: MeterSnapshot, before: MeterSnapshot): MeterSnapshot {
  return {
    requests: diffRecord(after.requests, before.requests),
    writeUnits: after.writeUnits - before.writeUnits,
    sweeperStateWriteUnits: after.sweeperStateWriteUnits - before.sweeperStateWriteUnits,
    readUnits: after.readUnits - before.readUnits,
    reportedReadUnits: after.reportedReadUnits - before.reportedReadUnits,
    capacityByTarget: diffRecord(after.capacityByTarget, before.capacityByTarget),
    emptyReceives: after.emptyReceives - before.emptyReceives,
    invocations: diffRecord(after.invocations, before.invocations),
    billedMs: diffRecord(after.billedMs ?? {}, before.billedMs ?? {}),
    logBytes: diffRecord(after.logBytes ?? {}, before.logBytes ?? {}),
    maxMemoryUsedMb: { ...(after.maxMemoryUsedMb ?? {}) },
  };
}

/** Requests of one service in a snapshot (`sqs`, `dynamodb`), optionally leaving some operations out. */
export function requestsOf(snapshot: MeterSnapshot, service: string, except: readonly string[] = []): number {
  return Object.entries(snapshot.requests)
    .filter(([key]) => key.startsWith(`${service}.`) && !except.includes(key.slice(service.length + 1)))
    .reduce((sum, [, n]) => sum + n, 0);
}

function add(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

function diffRecord(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of new Set([...Object.keys(after), ...Object.keys(before)])) {
    const delta = (after[key] ?? 0) - (before[key] ?? 0);
    if (delta !== 0) out[key] = round(delta);
  }
  return out;
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
