/**
 * One chaos run on the local stack: boot it behind the fault proxy, write the planned workload through skewed
 * writers while the disruptions run, stop the chaos, give the engine a recovery window, then judge from the ledger.
 */
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Duration } from 'aws-cdk-lib';
import { startLocalStack } from '../infra/local/index.ts';
import { readConfig } from '../lib/config.ts';
import { Scheduler } from '../lib/scheduler.ts';
import type { JobState } from '../lib/store/types.ts';
import { startDisruptions, type DisruptionLog, type DisruptionPlan } from './disruptions.ts';
import { startFaultProxy, type FaultPlan, type FaultTally } from './faults.ts';
import { createLedgerTable, readLedger } from './ledger.ts';
import { judge, missingSlots, type Verdict } from './verdict.ts';
import { createSchedules, planWorkload, seededRandom, submitJobs, type Submitted, type WorkloadSpec, type Writer } from './workload.ts';

export interface ChaosConfig {
  readonly workload: WorkloadSpec;
  readonly faults: FaultPlan;
  readonly disruptions: DisruptionPlan;
  /** How long after the chaos stops the engine may take to bring every job to an end. */
  readonly recoveryWindowSec: number;
  /** Writes in flight at once. */
  readonly writeConcurrency: number;
  /** Prints progress lines. */
  readonly log?: (line: string) => void;
  /** Where the functions' output goes (for diagnosing a failed run). @default - discarded */
  readonly functionLogFile?: string;
}

export interface ChaosResult {
  readonly verdict: Verdict;
  readonly submitted: Submitted;
  readonly occurrences: number;
  readonly faults: FaultTally;
  readonly disruptions: DisruptionLog;
  /** Accepted jobs that ended `failed` although their plan expected success. */
  readonly unexpectedFailures: readonly string[];
  readonly deadLetters: number;
  readonly timings: { readonly bootMs: number; readonly chaosMs: number; readonly recoveryMs: number; readonly totalMs: number };
}

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const TASKS = fileURLToPath(new URL('./tasks.ts', import.meta.url));
const LEDGER_TABLE = 'chaos-ledger';
const LIVE_STATES: readonly JobState[] = ['scheduled', 'running', 'retrying'];
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs the chaos suite once.
 *
 * @example
 * ```ts
 * const result = await runChaos(quickConfig());
 * console.log(formatVerdictLine(result.verdict));
 * ```
 */
export async function runChaos(config: ChaosConfig): Promise<ChaosResult> {
  const say = config.log ?? (() => undefined);
  const startedAt = Date.now();
  const random = seededRandom(config.workload.seed ^ 0x5eed);
  const proxy = await startFaultProxy(random);
  const functionLog = config.functionLogFile ? createWriteStream(config.functionLogFile) : undefined;
  const { workload } = config;
  const stack = await startLocalStack({
    workers: [TASKS],
    sweepEverySeconds: config.disruptions.sweepEverySec,
    // The sweeper fires every few seconds here, so the horizons may be shorter than the construct's one-minute minimum.
    horizons: { lookaheadSec: workload.lookaheadSec, directHorizonSec: workload.directHorizonSec },
    props: {
      // Short enough that a killed consumer's message returns soon, long enough for a cold start on a busy machine
      // (the local runtime counts the module load in the timeout, as Lambda does when init runs in the invoke).
      consumerTimeout: Duration.seconds(20),
      visibilityTimeout: Duration.seconds(24),
      // A killed sweeper's lease lasts its timeout: the stall it causes.
      sweeperTimeout: Duration.seconds(30),
    },
    functionEnvironment: { CHAOS_LEDGER_TABLE: LEDGER_TABLE, CHAOS_LEDGER_ENDPOINT: proxy.observerEndpoint },
    wrapEndpoint: async (target) => {
      proxy.setTarget(target);
      return proxy;
    },
    onLog: functionLog ? ({ logicalId, line }) => functionLog.write(`[${logicalId}] ${line}\n`) : () => undefined,
  });
  try {
    const bootMs = Date.now() - startedAt;
    say(`stack up in ${(bootMs / 1000).toFixed(1)} s`);
    const engine = readConfig(stack.env);
    const observerDynamoDb = new DynamoDBClient({ endpoint: proxy.observerEndpoint, region: REGION, credentials: CREDENTIALS });
    const observerSqs = new SQSClient({ endpoint: proxy.observerEndpoint, region: REGION, credentials: CREDENTIALS, useQueueUrlAsEndpoint: false });
    await createLedgerTable(observerDynamoDb, LEDGER_TABLE);
    const common = {
      tableName: engine.tableName,
      queues: engine.queueUrls,
      shards: engine.shards,
      retentionDays: engine.retentionDays,
      directHorizonSec: workload.directHorizonSec,
      lookaheadSec: workload.lookaheadSec,
    };
    const reader = new Scheduler({ ...common, dynamodb: observerDynamoDb, sqs: observerSqs });
    const writers: Writer[] = workload.skewsSec.map((skewSec) => {
      const dynamodb = new DynamoDBClient({ endpoint: proxy.endpoint, region: REGION, credentials: CREDENTIALS });
      const sqs = new SQSClient({ endpoint: proxy.endpoint, region: REGION, credentials: CREDENTIALS, useQueueUrlAsEndpoint: false });
      // The writer's clock is off by its skew; the engine's functions keep the machine's clock.
      return { skewSec, dynamodb, scheduler: new Scheduler({ ...common, dynamodb, sqs, clock: { nowMs: () => Date.now() + skewSec * 1000 } }) };
    });

    const plan = planWorkload(workload);
    const ids = [...stack.functions.keys()];
    const consumer = stack.functions.get(ids.find((id) => /consumer/i.test(id))!)!;
    const sweeper = stack.functions.get(ids.find((id) => /sweeper/i.test(id))!)!;

    const chaosStartedAt = Date.now();
    proxy.arm(config.faults);
    const disruptions = startDisruptions(stack, { consumer, sweeper }, config.disruptions, random);
    const scheduling = await createSchedules(plan.schedules, writers, sleep);
    const scheduledAtMs = Date.now();
    say(`${plan.schedules.length} schedules created; submitting ${plan.jobs.length} jobs`);
    const submitted = await submitJobs(plan.jobs, { writers, callerTable: LEDGER_TABLE, sleep }, config.writeConcurrency);
    submitted.failedCalls += scheduling.failedCalls;
    say(`${submitted.accepted.size} jobs accepted (${submitted.failedCalls} failed calls retried, ${submitted.rejected.length} rejected) in ${((Date.now() - chaosStartedAt) / 1000).toFixed(1)} s`);
    // The chaos lasts until the last job may start, and at least until the SQS outage is over.
    const outage = config.disruptions.sqsOutage;
    const chaosUntil = Math.max(submitted.lastStartMs + 5_000, outage ? chaosStartedAt + outage.atSec * 1000 + outage.downMs + 5_000 : 0);
    while (Date.now() < chaosUntil) {
      await sleep(Math.min(10_000, chaosUntil - Date.now()));
      say(`chaos: ${(await liveJobs(reader)).size} jobs not ended yet`);
    }
    const pausedAtMs = Date.now();
    for (const schedule of plan.schedules) await reader.pause(schedule.id);
    await disruptions.stop();
    proxy.disarm();
    const chaosMs = Date.now() - chaosStartedAt;
    say(`chaos stopped after ${(chaosMs / 1000).toFixed(1)} s; recovery window ${config.recoveryWindowSec} s`);

    const recoveryStartedAt = Date.now();
    const all = await allJobs(reader);
    const occurrences = [...all.keys()].filter((id) => plan.schedules.some((s) => id.startsWith(`${s.id}#`)));
    // Pausing a schedule cancels its pending occurrences, and so does replacing it (a writer retrying `schedule()`):
    // those end `cancelled` by design. A cancelled one-off job, which nobody cancels here, still counts.
    const accepted = new Set([...submitted.accepted.keys(), ...occurrences.filter((id) => all.get(id) !== 'cancelled')]);
    let live = intersect(await liveJobs(reader), accepted);
    while (live.size > 0 && Date.now() - recoveryStartedAt < config.recoveryWindowSec * 1000) {
      await sleep(2_000);
      live = intersect(await liveJobs(reader), accepted);
    }
    const recoveryMs = Date.now() - recoveryStartedAt;
    const final = await allJobs(reader);
    const everyMs = new Map(plan.schedules.map((s) => [s.id, s.everySec * 1000]));
    const verdict = judge({
      accepted,
      ledger: await readLedger(observerDynamoDb, LEDGER_TABLE),
      live,
      // A Lambda timeout tears its environment down as a kill does.
      killedPids: new Set([...disruptions.log.killedConsumerPids, ...consumer.timedOutPids]),
      // From when the schedules existed (on the real clock) until they were paused.
      missingOccurrences: missingSlots(everyMs, occurrences, { fromMs: scheduledAtMs, toMs: pausedAtMs }),
    });
    const unexpectedFailures = [...accepted].filter((id) => final.get(id) === 'failed');
    const deadLetters = await countDeadLetters(observerSqs, Object.values(engine.deadLetterUrls));
    for (const client of [observerDynamoDb, observerSqs, ...writers.map((w) => w.dynamodb)]) client.destroy();
    return {
      verdict,
      submitted,
      occurrences: occurrences.filter((id) => accepted.has(id)).length,
      faults: proxy.tally,
      disruptions: disruptions.log,
      unexpectedFailures,
      deadLetters,
      timings: { bootMs, chaosMs, recoveryMs, totalMs: Date.now() - startedAt },
    };
  } finally {
    await stack.stop();
    await proxy.stop();
    functionLog?.end();
  }
}

async function liveJobs(reader: Scheduler): Promise<Set<string>> {
  const live = new Set<string>();
  for (const state of LIVE_STATES) {
    let cursor: string | undefined;
    do {
      const page = await reader.list({ state, limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const job of page.items) live.add(job.id);
      cursor = page.cursor;
    } while (cursor);
  }
  return live;
}

async function allJobs(reader: Scheduler): Promise<Map<string, JobState>> {
  const jobs = new Map<string, JobState>();
  let cursor: string | undefined;
  do {
    const page = await reader.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const job of page.items) jobs.set(job.id, job.state);
    cursor = page.cursor;
  } while (cursor);
  return jobs;
}

async function countDeadLetters(sqs: SQSClient, urls: readonly string[]): Promise<number> {
  let total = 0;
  for (const url of urls) {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    total += Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  }
  return total;
}

function intersect(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  return new Set([...a].filter((id) => b.has(id)));
}
