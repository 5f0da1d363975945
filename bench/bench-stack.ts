/**
 * The local stack as the benchmark runs it: DynamoDB Local and the SQS emulator behind the stack's endpoint router,
 * with the metering proxy in front for the Lambda processes. In-process clients talk to the router directly — metered
 * by SDK middleware when they play the caller, unmetered when they only read results — so nothing is counted twice.
 */
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import type { Duration } from 'aws-cdk-lib';
import { startDynamoDbLocal, startLocalStack, startSqsLocal, type InvokeResult, type LocalStack } from '../infra/local/index.ts';
import { startEndpointRouter } from '../infra/local/endpoint-router.ts';
import { readConfig, type SundialConfig } from '../lib/config.ts';
import { Scheduler } from '../lib/scheduler.ts';
import { emfMetrics } from './emf.ts';
import { taskBodyStarted } from './fixtures/task-body-marker.ts';
import { Meter } from './meter.ts';
import type { SchedulerFunctions } from './cost.ts';
import { meterDynamoDb, meterSqs } from './metering.ts';
import { startMeteringProxy } from './metering-proxy.ts';
import { DeliveryTrace } from './trace.ts';

const REGION = 'us-east-1';
/** Alphanumeric, as DynamoDB Local requires. */
const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const BENCH_TASKS = fileURLToPath(new URL('./fixtures/tasks.ts', import.meta.url));

/** One sweeper invocation fired by the stack's trigger: when it was due and when the sweep took its `now`. */
export interface SweepFiring {
  readonly scheduledAtMs: number;
  readonly sweepNowMs: number;
  readonly sent: number;
  /** When the invocation returned (absent in results written before it was kept). */
  readonly endedAtMs?: number;
}

/** Shape of the construct props the bench sets (the construct validates them). */
export interface BenchStackProps {
  readonly lookahead: Duration;
  readonly directHorizon: Duration;
  /** Per-queue options (`maxConcurrency`, `batchSize`), as the construct takes them. */
  readonly queues?: Readonly<Record<string, { readonly maxConcurrency?: number; readonly batchSize?: number }>>;
  readonly precision?: 'millisecond' | 'second';
  readonly consumerMemorySize?: number;
}

/** A running bench stack. */
export interface BenchStack {
  readonly stack: LocalStack;
  readonly config: SundialConfig;
  /** Everything the Lambda processes and the metered in-process clients did. */
  readonly meter: Meter;
  /** The router's endpoint: for in-process clients (the proxy is for the Lambda processes only). */
  readonly endpoint: string;
  /** A scheduler whose requests are metered: the caller's side of each job. */
  readonly scheduler: Scheduler;
  /** An unmetered scheduler: the benchmark reading results. */
  readonly reader: Scheduler;
  /** Plain, unmetered clients on the router. */
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly sweeps: SweepFiring[];
  /** First deliveries of job messages to the consumer, with their SQS timestamps and invocation instant. */
  readonly trace: DeliveryTrace;
  /** Most consumer invocations the local runtime runs at once. */
  readonly consumerConcurrency: number;
  readonly sweeperId: string;
  readonly consumerId: string;
  /** Both functions with their deployed memory, for the cost model. */
  readonly functions: SchedulerFunctions;
  /** Distinct custom metrics (namespace, name, dimension values) the functions published through EMF so far. */
  readonly customMetrics: ReadonlySet<string>;
  /** Job id → how many times a burst job's body started (the lines `bench-burst` prints). */
  readonly taskStarts: ReadonlyMap<string, number>;
  /** The direct horizon of the bench's schedulers: jobs due sooner take the direct path. */
  readonly directHorizonSec: number;
  /** What the deployed functions were given (`SUNDIAL_DIRECT_HORIZON_SECONDS`, 900 when the construct lacks the prop). */
  readonly deployedDirectHorizonSec: number;
  stop(): Promise<void>;
}

/**
 * Boots the bench stack with the bench tasks, a fast sweep trigger and short horizons.
 *
 * @example
 * ```ts
 * const bench = await startBenchStack({ sweepEverySeconds: 5, props: { lookahead: Duration.seconds(10), directHorizon: Duration.seconds(30) } });
 * await bench.scheduler.enqueue('bench-record', {}, { in: 5 });
 * await bench.stop();
 * ```
 */
export async function startBenchStack(options: {
  sweepEverySeconds: number;
  props: BenchStackProps;
  quiet?: boolean;
  /** The local event source's AWS-like scaling (on by default). */
  pollerScaling?: boolean;
}): Promise<BenchStack> {
  const cleanups: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const step of cleanups.splice(0).reverse()) await step();
  };
  try {
    const [ddb, sqsLocal] = await Promise.all([startDynamoDbLocal(), startSqsLocal({ region: REGION })]);
    cleanups.push(() => ddb.stop(), () => sqsLocal.stop());
    const router = await startEndpointRouter({ dynamodbPort: ddb.port, sqsPort: sqsLocal.port });
    cleanups.push(() => router.stop());
    const meter = new Meter();
    const customMetrics = new Set<string>();
    const taskStarts = new Map<string, number>();
    const proxy = await startMeteringProxy(router.endpoint, meter);
    cleanups.push(() => proxy.stop());

    // startLocalStack takes its credentials from the environment when given an endpoint.
    process.env.AWS_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
    const stack = await startLocalStack({
      endpoint: proxy.endpoint,
      region: REGION,
      workers: [BENCH_TASKS],
      sweepEverySeconds: options.sweepEverySeconds,
      props: { ...options.props },
      pollerScaling: options.pollerScaling ?? true,
      // Every line a function prints is what CloudWatch Logs would ingest at the deployed log level; EMF lines are
      // also where the custom metrics come from.
      onLog: ({ logicalId, line }) => {
        const started = taskBodyStarted(line);
        if (started) taskStarts.set(started, (taskStarts.get(started) ?? 0) + 1);
        else meter.recordLogLine(logicalId, line);
        for (const metric of emfMetrics(line)) customMetrics.add(metric);
        if (!options.quiet && /"level":"(ERROR|WARN)"|Error/.test(line)) console.error(`[${logicalId}] ${line}`);
      },
    });
    cleanups.push(() => stack.stop());

    const config = readConfig(stack.env);
    const ids = [...stack.functions.keys()];
    const sweeperId = ids.find((id) => /sweeper/i.test(id)) ?? '';
    const consumerId = ids.find((id) => /consumer/i.test(id)) ?? '';
    const sweeps: SweepFiring[] = [];
    const trace = new DeliveryTrace(options.props.precision);
    for (const [id, fn] of stack.functions) {
      const invoke = fn.invoke.bind(fn);
      // Count every invocation (the event source's and the trigger's); for the sweeper, keep its timing too, and for
      // the consumer, when each message reached it.
      fn.invoke = async (event: unknown): Promise<InvokeResult> => {
        meter.recordInvocation(id);
        const invokedAtMs = Date.now();
        if (id === consumerId) trace.record(event as SQSEvent, invokedAtMs);
        const result = await invoke(event);
        meter.recordBilledDuration(id, result.billedDurationMs ?? 0, result.maxMemoryUsedMb);
        if (id === consumerId) trace.recordSpan(invokedAtMs, Date.now());
        const time = (event as { time?: string } | undefined)?.time;
        if (id === sweeperId && result.ok && time !== undefined) {
          const report = result.value as { nowMs?: number; sent?: number; skipped?: boolean };
          if (typeof report?.nowMs === 'number' && !report.skipped) {
            sweeps.push({ scheduledAtMs: Date.parse(time), sweepNowMs: report.nowMs, sent: report.sent ?? 0, endedAtMs: Date.now() });
          }
        }
        return result;
      };
    }

    const clientConfig = { endpoint: router.endpoint, region: REGION, credentials: CREDENTIALS };
    const meteredDynamoDb = new DynamoDBClient(clientConfig);
    const meteredSqs = new SQSClient({ ...clientConfig, useQueueUrlAsEndpoint: false });
    meterDynamoDb(meteredDynamoDb, meter);
    meterSqs(meteredSqs, meter);
    const dynamodb = new DynamoDBClient(clientConfig);
    const sqs = new SQSClient({ ...clientConfig, useQueueUrlAsEndpoint: false });
    cleanups.push(() => {
      for (const client of [meteredDynamoDb, meteredSqs, dynamodb, sqs]) client.destroy();
    });
    // The writers' horizon is the bench's choice: the sweeper finds any bucket job written ahead of its cursor, so
    // this works whether or not the construct already passes `directHorizon` on as SUNDIAL_DIRECT_HORIZON_SECONDS.
    const directHorizonSec = options.props.directHorizon.toSeconds();
    const common = {
      tableName: config.tableName,
      queues: config.queueUrls,
      shards: config.shards,
      retentionDays: config.retentionDays,
      directHorizonSec,
      precision: config.precision,
    };
    return {
      stack,
      config,
      meter,
      endpoint: router.endpoint,
      scheduler: new Scheduler({ ...common, dynamodb: meteredDynamoDb, sqs: meteredSqs }),
      reader: new Scheduler({ ...common, dynamodb, sqs }),
      dynamodb,
      sqs,
      sweeps,
      trace,
      consumerConcurrency: stack.functions.get(consumerId)?.maxConcurrency ?? 1,
      sweeperId,
      consumerId,
      functions: {
        sweeper: { id: sweeperId, memoryMb: stack.functions.get(sweeperId)?.definition.memoryMb ?? 0 },
        consumer: { id: consumerId, memoryMb: stack.functions.get(consumerId)?.definition.memoryMb ?? 0 },
      },
      customMetrics,
      taskStarts,
      directHorizonSec,
      deployedDirectHorizonSec: config.directHorizonSec,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
