/**
 * Cost per job: a window's counted requests and capacity units, less the idle sweeps that fell in it, divided by its
 * jobs, and priced with `prices.ts`. ReceiveMessage calls that returned nothing are the pollers' fixed cost, not a
 * job's, and sweeper invocations are the schedule's fixed cost; both are reported apart (`fixedCost`).
 */
import { PRICES } from './prices.ts';
import { requestsOf, type MeterSnapshot } from './meter.ts';
import type { PathName, Window } from './windows.ts';

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
  /** DynamoDB and SQS requests per job by operation (the idle sweeps' share taken out). */
  readonly requests: Record<string, number>;
  readonly usdPerMillion: number;
}

/** What the scheduler costs with nothing to do: one idle sweep, and a month of them at one per minute. */
export interface FixedCost {
  readonly perSweep: { writeUnits: number; readUnits: number; requests: Record<string, number> };
  readonly usdPerMonth: number;
}

const SWEEPS_PER_MONTH = 60 * 24 * 30;

/**
 * The fixed cost of sweeping, from a window of idle sweeps.
 *
 * @example
 * ```ts
 * const fixed = fixedCost(idle.usage, idle.sweeps);
 * ```
 */
export function fixedCost(usage: MeterSnapshot, sweeps: number): FixedCost {
  const per = (n: number) => n / Math.max(1, sweeps);
  const perSweep = {
    writeUnits: per(usage.writeUnits),
    readUnits: per(usage.readUnits),
    requests: Object.fromEntries(
      Object.entries(usage.requests)
        .filter(([key]) => key.startsWith('dynamodb.'))
        .map(([key, n]) => [key, per(n)]),
    ),
  };
  const usdPerSweep =
    perSweep.writeUnits * PRICES.dynamodbWriteUnit.usd + perSweep.readUnits * PRICES.dynamodbReadUnit.usd + PRICES.lambdaRequest.usd;
  return { perSweep, usdPerMonth: usdPerSweep * SWEEPS_PER_MONTH };
}

/**
 * Per-job units of a window. `sweeperId` names the sweeper (its invocations are the fixed cost); `idle` is the fixed
 * cost of one sweep.
 *
 * @example
 * ```ts
 * const cost = pathCost(window, fixed, bench.sweeperId);
 * cost.usdPerMillion;
 * ```
 */
export function pathCost(window: Window, idle: FixedCost, sweeperId: string): PathCost {
  const usage = window.usage;
  const sweeps = usage.invocations[sweeperId] ?? 0;
  const jobs = Math.max(1, window.jobs.length - window.unfinished);
  const perJob = (n: number) => round(n / jobs);
  const requests: Record<string, number> = {};
  for (const [key, n] of Object.entries(usage.requests)) {
    const idleShare = (idle.perSweep.requests[key] ?? 0) * sweeps;
    const net = key === 'sqs.ReceiveMessage' ? n - usage.emptyReceives : n - idleShare;
    if (net > 0) requests[key] = perJob(net);
  }
  // Writes to the sweeper's state item are told apart exactly; reads are not (a sweep's queries find jobs and
  // nothing alike), so the idle sweeps' reads are subtracted and what is left is the jobs' share.
  const writeUnits = perJob(usage.writeUnits - usage.sweeperStateWriteUnits);
  const readUnits = perJob(Math.max(0, usage.readUnits - idle.perSweep.readUnits * sweeps));
  const reportedReadUnits = perJob(usage.reportedReadUnits);
  const sqsRequests = perJob(requestsOf(usage, 'sqs') - usage.emptyReceives);
  // Every function but the sweeper (whose invocations are the fixed cost): the consumer, and an ingest function where
  // a path has one.
  const lambdaInvocations = perJob(
    Object.entries(usage.invocations).filter(([id]) => id !== sweeperId).reduce((sum, [, n]) => sum + n, 0),
  );
  const eventbridgeEvents = perJob(requestsOf(usage, 'events'));
  const usdPerMillion =
    1e6 *
    (writeUnits * PRICES.dynamodbWriteUnit.usd +
      readUnits * PRICES.dynamodbReadUnit.usd +
      sqsRequests * PRICES.sqsRequest.usd +
      lambdaInvocations * PRICES.lambdaRequest.usd +
      eventbridgeEvents * PRICES.eventbridgeEvent.usd);
  return { path: window.path, jobs, writeUnits, readUnits, reportedReadUnits, sqsRequests, lambdaInvocations, requests, usdPerMillion: round(usdPerMillion) };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
