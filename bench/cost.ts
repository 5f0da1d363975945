/**
 * Cost per job: a window's counted requests, capacity units, billed Lambda time and log bytes, less the idle sweeps
 * that fell in it, divided by its jobs, and priced with `prices.ts`. ReceiveMessage calls that returned nothing are the
 * pollers' fixed cost, not a job's, and sweeper invocations (and an idle sweep's time and logs) are the schedule's
 * fixed cost; both are reported apart (`fixedCost`), together with the custom metrics, which are billed per month.
 */
import { DEFAULT_TARGET_UTILIZATION_PERCENT } from '../infra/table-billing.ts';
import { PRICES, type Price } from './prices.ts';
import { requestsOf, type MeterSnapshot } from './meter.ts';
import type { PathName, Window } from './windows.ts';

/** A deployed function as the cost model sees it. */
export interface FunctionShape {
  readonly id: string;
  readonly memoryMb: number;
}

/** The scheduler's two functions. */
export interface SchedulerFunctions {
  readonly sweeper: FunctionShape;
  readonly consumer: FunctionShape;
}

/** Dollars per million jobs, by service. */
export interface CostSplit {
  readonly dynamodb: number;
  readonly sqs: number;
  readonly lambdaRequests: number;
  readonly lambdaDuration: number;
  readonly logs: number;
  /** Events EventBridge delivers (the `eventbridge` paths). */
  readonly eventbridge: number;
}

/** Units one job of a path used, and what a million of them cost. */
export interface PathCost {
  readonly path: PathName;
  readonly jobs: number;
  readonly writeUnits: number;
  /** Billed read units (AWS's minimum per request applied). */
  readonly readUnits: number;
  /** Read units as DynamoDB Local reported them. */
  readonly reportedReadUnits: number;
  /** SQS requests, empty receives left out. */
  readonly sqsRequests: number;
  readonly lambdaInvocations: number;
  /**
   * Billed Lambda milliseconds per job: the consumer's (everything but the task body, which the bench's tasks keep to
   * a `Date.now()`) and the sweeper's beyond an idle sweep.
   */
  readonly billedMs: { readonly consumer: number; readonly sweeper: number };
  /** GB-seconds per job at the configured memory. */
  readonly gbSeconds: number;
  /** Log bytes per job (the functions' own lines beyond an idle sweep's, and Lambda's START/END/REPORT lines). */
  readonly logBytes: number;
  /** DynamoDB and SQS requests per job by operation (the idle sweeps' share taken out). */
  readonly requests: Record<string, number>;
  /** $ per million jobs by service, at the configured memory. */
  readonly split: CostSplit;
  /** All-in $ per million jobs at the configured memory. */
  readonly usdPerMillion: number;
  /** All-in $ per million jobs with the consumer at 128 MB (the same billed time: its work waits on I/O, not CPU). */
  readonly usdPerMillionAt128Mb: number;
}

/** What the scheduler costs with nothing to do: one idle sweep, a month of them, and the custom metrics. */
export interface FixedCost {
  readonly perSweep: {
    writeUnits: number;
    readUnits: number;
    requests: Record<string, number>;
    /** Billed milliseconds and log bytes of one idle sweep (0 in results written before they were measured). */
    billedMs: number;
    logBytes: number;
  };
  /** Distinct custom metrics published through EMF (each billed per month). */
  readonly customMetrics: number;
  readonly usdPerMonth: number;
  /** $ per month: the sweeps' requests, capacity, duration and logs, and the custom metrics. */
  readonly split: { readonly sweeps: number; readonly metrics: number };
}

const SWEEPS_PER_MONTH = 60 * 24 * 30;
const MB_PER_GB = 1024;

/**
 * Bytes Lambda itself writes to a function's log group per invocation: the START, END and REPORT lines of its text
 * format (an execution environment's first invocation adds an `Init Duration` field, left out).
 */
export const PLATFORM_LOG_BYTES_PER_INVOCATION = (() => {
  const requestId = '8f5b2a1e-4c3d-4e5f-9a8b-7c6d5e4f3a2b';
  const lines = [
    `START RequestId: ${requestId} Version: $LATEST`,
    `END RequestId: ${requestId}`,
    `REPORT RequestId: ${requestId}\tDuration: 123.45 ms\tBilled Duration: 124 ms\tMemory Size: 512 MB\tMax Memory Used: 98 MB\t`,
  ];
  return lines.reduce((bytes, line) => bytes + Buffer.byteLength(line) + 1, 0);
})();

/**
 * What a path's job costs, consumer at 128 MB, with the table on provisioned capacity (`tableBilling: { mode:
 * 'provisioned' }`) kept at `utilizationPercent` by auto scaling: the same write and read units, each bought as a
 * second of a capacity unit-hour, with `100 / utilizationPercent` of it paid for. A read unit as the cost suite counts
 * it (4 KB strongly consistent, or two eventually consistent) is one read capacity unit for a second. It holds for a
 * steady rate, which auto scaling follows; a burst is throttled until it catches up.
 *
 * @example
 * ```ts
 * provisionedUsdPerMillion(cost); // e.g. 2.17 where on-demand gives 3.64
 * ```
 */
export function provisionedUsdPerMillion(cost: PathCost, utilizationPercent = DEFAULT_TARGET_UTILIZATION_PERCENT): number {
  const perSecond = (hour: Price) => hour.usd / 3600 / (utilizationPercent / 100);
  const capacity = 1e6 * (cost.writeUnits * perSecond(PRICES.dynamodbWriteCapacityHour) + cost.readUnits * perSecond(PRICES.dynamodbReadCapacityHour));
  return round(cost.usdPerMillionAt128Mb - cost.split.dynamodb + capacity);
}

/**
 * The fixed cost of sweeping, from a window of idle sweeps, and of the custom metrics the functions published.
 *
 * @example
 * ```ts
 * const fixed = fixedCost(idle.usage, idle.sweeps, functions, emfMetricCount);
 * ```
 */
export function fixedCost(usage: MeterSnapshot, sweeps: number, functions: SchedulerFunctions, customMetrics = 0): FixedCost {
  const per = (n: number) => n / Math.max(1, sweeps);
  const sweeperId = functions.sweeper.id;
  const perSweep = {
    writeUnits: per(usage.writeUnits),
    readUnits: per(usage.readUnits),
    requests: Object.fromEntries(
      Object.entries(usage.requests)
        .filter(([key]) => key.startsWith('dynamodb.'))
        .map(([key, n]) => [key, per(n)]),
    ),
    billedMs: per(usage.billedMs?.[sweeperId] ?? 0),
    logBytes: per(usage.logBytes?.[sweeperId] ?? 0),
  };
  const usdPerSweep =
    perSweep.writeUnits * PRICES.dynamodbWriteUnit.usd +
    perSweep.readUnits * PRICES.dynamodbReadUnit.usd +
    PRICES.lambdaRequest.usd +
    gbSeconds(perSweep.billedMs, functions.sweeper.memoryMb) * PRICES.lambdaGbSecond.usd +
    (perSweep.logBytes + PLATFORM_LOG_BYTES_PER_INVOCATION) * PRICES.logsIngested.usd;
  const split = { sweeps: usdPerSweep * SWEEPS_PER_MONTH, metrics: customMetrics * PRICES.customMetricMonth.usd };
  return { perSweep, customMetrics, usdPerMonth: split.sweeps + split.metrics, split };
}

/**
 * Per-job units of a window and their price. `idle` is the fixed cost of one sweep, taken out of the window's sweeps.
 *
 * @example
 * ```ts
 * const cost = pathCost(window, fixed, { sweeper: { id: 'Sweeper', memoryMb: 256 }, consumer: { id: 'Consumer', memoryMb: 512 } });
 * cost.usdPerMillion;
 * ```
 */
export function pathCost(window: Window, idle: FixedCost, functions: SchedulerFunctions): PathCost {
  const usage = window.usage;
  const { sweeper, consumer } = functions;
  const sweeps = usage.invocations[sweeper.id] ?? 0;
  const jobs = Math.max(1, window.jobs.length - window.unfinished);
  const perJob = (n: number) => round(n / jobs);
  const requests: Record<string, number> = {};
  for (const [key, n] of Object.entries(usage.requests)) {
    const idleShare = (idle.perSweep.requests[key] ?? 0) * sweeps;
    const net = key === 'sqs.ReceiveMessage' ? n - usage.emptyReceives : n - idleShare;
    if (net > 0) requests[key] = perJob(net);
  }
  // Writes to the sweeper's state item are told apart exactly; reads are not (a sweep's queries find jobs and
  // nothing alike), so the idle sweeps' reads are subtracted and what is left is the jobs' share. The same goes for
  // the sweeper's billed time and log lines.
  const writeUnits = perJob(usage.writeUnits - usage.sweeperStateWriteUnits);
  const readUnits = perJob(Math.max(0, usage.readUnits - idle.perSweep.readUnits * sweeps));
  const reportedReadUnits = perJob(usage.reportedReadUnits);
  const sqsRequests = perJob(requestsOf(usage, 'sqs') - usage.emptyReceives);
  // Every function but the sweeper (whose invocations are the fixed cost): the consumer, and an ingest function where
  // a path has one.
  const lambdaInvocations = perJob(
    Object.entries(usage.invocations).filter(([id]) => id !== sweeper.id).reduce((sum, [, n]) => sum + n, 0),
  );
  const eventbridgeEvents = perJob(requestsOf(usage, 'events'));
  const billedMs = {
    consumer: perJob(usage.billedMs?.[consumer.id] ?? 0),
    sweeper: perJob(Math.max(0, (usage.billedMs?.[sweeper.id] ?? 0) - idle.perSweep.billedMs * sweeps)),
  };
  const logBytes = perJob(
    (usage.logBytes?.[consumer.id] ?? 0) +
      Math.max(0, (usage.logBytes?.[sweeper.id] ?? 0) - idle.perSweep.logBytes * sweeps) +
      (usage.invocations[consumer.id] ?? 0) * PLATFORM_LOG_BYTES_PER_INVOCATION,
  );
  const splitAt = (consumerMemoryMb: number): CostSplit => ({
    dynamodb: 1e6 * (writeUnits * PRICES.dynamodbWriteUnit.usd + readUnits * PRICES.dynamodbReadUnit.usd),
    sqs: 1e6 * sqsRequests * PRICES.sqsRequest.usd,
    lambdaRequests: 1e6 * lambdaInvocations * PRICES.lambdaRequest.usd,
    lambdaDuration:
      1e6 * (gbSeconds(billedMs.consumer, consumerMemoryMb) + gbSeconds(billedMs.sweeper, sweeper.memoryMb)) * PRICES.lambdaGbSecond.usd,
    logs: 1e6 * logBytes * PRICES.logsIngested.usd,
    eventbridge: 1e6 * eventbridgeEvents * PRICES.eventbridgeEvent.usd,
  });
  const split = splitAt(consumer.memoryMb);
  return {
    path: window.path,
    jobs,
    writeUnits,
    readUnits,
    reportedReadUnits,
    sqsRequests,
    lambdaInvocations,
    billedMs,
    gbSeconds: round(gbSeconds(billedMs.consumer, consumer.memoryMb) + gbSeconds(billedMs.sweeper, sweeper.memoryMb), 6),
    logBytes,
    requests,
    split: mapValues(split, (usd) => round(usd)),
    usdPerMillion: round(total(split)),
    usdPerMillionAt128Mb: round(total(splitAt(128))),
  };
}

function gbSeconds(billedMs: number, memoryMb: number): number {
  return (billedMs / 1000) * (memoryMb / MB_PER_GB);
}

function total(split: CostSplit): number {
  return Object.values(split).reduce((sum, usd) => sum + usd, 0);
}

function mapValues<T extends object>(record: T, fn: (value: number) => number): T {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value as number)])) as T;
}

function round(n: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(n * scale) / scale;
}
