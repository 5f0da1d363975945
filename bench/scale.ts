/**
 * Scale: (a) a sweep's read units with 0 vs many future jobs waiting, (b) the sweeper's send rate against the SQS
 * emulator's raw SendMessageBatch rate, (c) `enqueueMany`'s rate against raw BatchWriteItem on the same DynamoDB
 * Local, (d) the Lambda bundle sizes. Runs in this process, on fresh tables of the bench stack's DynamoDB Local and a
 * queue of its SQS emulator that no consumer reads, with its own meter: the stack's counts are not touched.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { BatchWriteItemCommand, DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, PurgeQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { transform } from 'esbuild';
import { createSundialTable } from '../infra/local/sundial-table.ts';
import type { Clock } from '../lib/core/clock.ts';
import { SqsJobQueue } from '../lib/queue/sqs-queue.ts';
import { Scheduler, type JobRequest } from '../lib/scheduler.ts';
import { DynamoDbJobStore } from '../lib/store/dynamodb-store.ts';
import { TABLE_SCHEMA } from '../lib/store/schema.ts';
import { sweepConfigFrom } from '../lib/sweeper/sweep-config.ts';
import { sweep } from '../lib/sweeper/sweep.ts';
import type { SweepReport } from '../lib/sweeper/types.ts';
import type { BenchStack } from './bench-stack.ts';
import { Meter, diff } from './meter.ts';
import { meterDynamoDb } from './metering.ts';
import { mapLimit } from './stats.ts';

const SHARDS = 8;
const LOOKAHEAD_SEC = 60;
const MINUTE = 60_000;
/** Concurrency of the raw baselines: what one `createJobs` call (4 batches) and the queue adapter (16 per queue) keep in flight. */
const RAW_WRITE_CONCURRENCY = 4;
const RAW_SEND_CONCURRENCY = 16;
/** Items per `enqueueMany` call in the rate measurement (one caller's batch). */
const ENQUEUE_SLICE = 1_000;

/** Sizes of the suite. */
export interface ScaleSizes {
  readonly futureJobs: number;
  readonly dueJobs: number;
  readonly sendJobs: number;
  readonly rateJobs: number;
}

export interface SweepReads {
  readonly futureJobs: number;
  readonly readUnits: number;
  readonly reportedReadUnits: number;
  readonly queries: number;
  readonly sent: number;
}

export interface Rate {
  readonly items: number;
  readonly perSecond: number;
}

export interface BundleSize {
  readonly function: string;
  readonly bytes: number;
  readonly minifiedBytes: number;
  readonly gzipBytes: number;
}

export interface ScaleResult {
  readonly sweepReads: { readonly none: SweepReads; readonly many: SweepReads; readonly ratio: number };
  readonly send: { readonly sweeper: Rate; readonly raw: Rate; readonly ratio: number; readonly rawConcurrency: number };
  readonly enqueueMany: { readonly api: Rate; readonly raw: Rate; readonly ratio: number; readonly rawConcurrency: number };
  readonly bundles: readonly BundleSize[];
}

/** A clock the suite sets by hand: the sweeps and enqueues happen at chosen instants, far from real time. */
class SetClock implements Clock {
  constructor(public now: number) {}
  nowMs(): number {
    return this.now;
  }
}

/**
 * Runs the scale suite against the bench stack's emulators.
 *
 * @example
 * ```ts
 * const scale = await runScale(bench, { futureJobs: 100_000, dueJobs: 100, sendJobs: 5_000, rateJobs: 20_000 });
 * ```
 */
export async function runScale(bench: BenchStack, sizes: ScaleSizes, log: (line: string) => void): Promise<ScaleResult> {
  const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
  const dynamodb = new DynamoDBClient({ endpoint: bench.endpoint, region: 'us-east-1', credentials });
  const sqs = new SQSClient({ endpoint: bench.endpoint, region: 'us-east-1', credentials, useQueueUrlAsEndpoint: false });
  const meter = new Meter();
  meterDynamoDb(dynamodb, meter);
  try {
    const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `bench-scale-${randomBytes(3).toString('hex')}` }));
    const queue = new SqsJobQueue({ client: sqs, queueUrls: { default: queueUrl! } });
    const t0 = Date.UTC(2030, 0, 1, 12, 0, 0);
    const clock = new SetClock(t0);
    const setup = async (label: string) => {
      const tableName = `bench-${label}-${randomBytes(3).toString('hex')}`;
      await createSundialTable(dynamodb, tableName);
      const store = new DynamoDbJobStore({ tableName, client: dynamodb, shards: SHARDS });
      return { tableName, store, scheduler: new Scheduler({ store, queue, clock }) };
    };
    const sweepAt = async (store: DynamoDbJobStore, atMs: number): Promise<SweepReport> => {
      clock.now = atMs;
      return await sweep({ store, queue, clock, config: sweepConfigFrom({ shards: SHARDS, lookaheadSec: LOOKAHEAD_SEC }), owner: `bench-${atMs}` });
    };
    const job = (dueAtMs: number): JobRequest => ({ task: 'bench-record', payload: { n: dueAtMs }, options: { at: new Date(dueAtMs) } });

    // (a) Steady state: a first sweep at T0+15 min sets the cursors; the measured sweep at T0+16 min has `due` jobs in
    // its window, and the future jobs wait from the same minute (just after the window) to weeks ahead.
    const sweepReads = async (futureJobs: number): Promise<SweepReads> => {
      const { store, scheduler } = await setup(`reads-${futureJobs}`);
      clock.now = t0;
      const measuredAt = t0 + 16 * MINUTE;
      const due = Array.from({ length: sizes.dueJobs }, (_, i) => job(measuredAt + 1_000 + ((i * 577) % (LOOKAHEAD_SEC * 1000 - 2_000))));
      const future = Array.from({ length: futureJobs }, (_, i) =>
        job(i % 10 === 0 ? measuredAt + LOOKAHEAD_SEC * 1000 + 1 + (i % 29_000) : measuredAt + 20 * MINUTE + i * 37_000),
      );
      await enqueueAll(scheduler, [...due, ...future]);
      await sweepAt(store, t0 + 15 * MINUTE);
      const before = meter.snapshot();
      const report = await sweepAt(store, measuredAt);
      const used = diff(meter.snapshot(), before);
      return {
        futureJobs,
        readUnits: used.readUnits,
        reportedReadUnits: used.reportedReadUnits,
        queries: used.requests['dynamodb.Query'] ?? 0,
        sent: report.sent,
      };
    };
    log(`scale: sweep reads with 0 future jobs`);
    const none = await sweepReads(0);
    log(`scale: sweep reads with ${sizes.futureJobs.toLocaleString('en-US')} future jobs (writing them)`);
    const many = await sweepReads(sizes.futureJobs);
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl! }));

    // (b) Sends: one sweep sending `sendJobs` due jobs, against raw batches of the same messages.
    log(`scale: sending ${sizes.sendJobs.toLocaleString('en-US')} jobs by one sweep vs raw SendMessageBatch`);
    const sendTable = await setup('send');
    clock.now = t0;
    const sendAt = t0 + 16 * MINUTE;
    await enqueueAll(sendTable.scheduler, Array.from({ length: sizes.sendJobs }, (_, i) => job(sendAt + 1_000 + (i % 50_000))));
    await sweepAt(sendTable.store, t0 + 15 * MINUTE - LOOKAHEAD_SEC * 1000);
    let startedAt = performance.now();
    const swept = await sweepAt(sendTable.store, sendAt);
    const sweeperRate = rate(swept.sent, performance.now() - startedAt);
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl! }));
    const body = JSON.stringify({ v: 1, id: `j_${'0'.repeat(26)}`, dueAtMs: sendAt, sentAtMs: sendAt });
    const batches = Array.from({ length: Math.ceil(sizes.sendJobs / 10) }, (_, b) => b);
    startedAt = performance.now();
    await mapLimit(batches, RAW_SEND_CONCURRENCY, (b) =>
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl!,
          Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `b${b}m${i}`, MessageBody: body, DelaySeconds: 30 })),
        }),
      ),
    );
    const rawSendRate = rate(batches.length * 10, performance.now() - startedAt);
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl! }));

    // (c) enqueueMany of far-future jobs (one write of table + index each) against raw BatchWriteItem of the same items.
    log(`scale: enqueueMany of ${sizes.rateJobs.toLocaleString('en-US')} jobs vs raw BatchWriteItem`);
    const apiTable = await setup('enqueue');
    clock.now = t0;
    const rateJobs = Array.from({ length: sizes.rateJobs }, (_, i) => job(t0 + 30 * MINUTE + i * 1_000));
    startedAt = performance.now();
    await enqueueAll(apiTable.scheduler, rateJobs);
    const apiRate = rate(sizes.rateJobs, performance.now() - startedAt);
    const rawTable = await setup('raw');
    const sample = (await dynamodb.send(new ScanCommand({ TableName: apiTable.tableName, Limit: 25 }))).Items ?? [];
    const rawItems = Array.from({ length: sizes.rateJobs }, (_, i) => ({
      ...sample[i % sample.length]!,
      [TABLE_SCHEMA.sortKey]: { S: `j_raw_${String(i).padStart(12, '0')}` },
    }));
    const chunks: Record<string, AttributeValue>[][] = [];
    for (let i = 0; i < rawItems.length; i += 25) chunks.push(rawItems.slice(i, i + 25));
    startedAt = performance.now();
    await mapLimit(chunks, RAW_WRITE_CONCURRENCY, async (chunk) => {
      let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const out = await dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [rawTable.tableName]: requests } }));
        requests = (out.UnprocessedItems?.[rawTable.tableName] ?? []) as typeof requests;
      }
    });
    const rawWriteRate = rate(sizes.rateJobs, performance.now() - startedAt);

    return {
      sweepReads: { none, many, ratio: ratio(many.readUnits, none.readUnits) },
      send: { sweeper: sweeperRate, raw: rawSendRate, ratio: ratio(sweeperRate.perSecond, rawSendRate.perSecond), rawConcurrency: RAW_SEND_CONCURRENCY },
      enqueueMany: { api: apiRate, raw: rawWriteRate, ratio: ratio(apiRate.perSecond, rawWriteRate.perSecond), rawConcurrency: RAW_WRITE_CONCURRENCY },
      bundles: await bundleSizes(bench),
    };
  } finally {
    dynamodb.destroy();
    sqs.destroy();
  }
}

/** Enqueues in slices of `ENQUEUE_SLICE` (one caller's batch each); fails on the first item that was refused. */
async function enqueueAll(scheduler: Scheduler, jobs: readonly JobRequest[]): Promise<void> {
  for (let i = 0; i < jobs.length; i += ENQUEUE_SLICE) {
    const results = await scheduler.enqueueMany(jobs.slice(i, i + ENQUEUE_SLICE));
    const refused = results.find((r) => !r.ok);
    if (refused && !refused.ok) throw refused.error;
  }
}

/** The bundle each function runs, as deployed, minified with esbuild, and gzipped (what Lambda stores is zipped). */
async function bundleSizes(bench: BenchStack): Promise<BundleSize[]> {
  return await Promise.all(
    bench.stack.deployed.functions.map(async (fn) => {
      const code = readFileSync(fn.handlerFile, 'utf8');
      const minified = (await transform(code, { minify: true, format: 'esm', target: 'node20' })).code;
      return {
        function: fn.logicalId,
        bytes: Buffer.byteLength(code),
        minifiedBytes: Buffer.byteLength(minified),
        gzipBytes: gzipSync(minified).length,
      };
    }),
  );
}

function rate(items: number, ms: number): Rate {
  return { items, perSecond: Math.round((items / ms) * 1000) };
}

function ratio(a: number, b: number): number {
  return b === 0 ? NaN : Math.round((a / b) * 1000) / 1000;
}
