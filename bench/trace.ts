/**
 * Where a job's lateness comes from, read from timestamps the bench gets without touching production code: the SQS
 * record the consumer was invoked with (`SentTimestamp` and `ApproximateFirstReceiveTimestamp`, stamped by the
 * emulator on this machine's clock, and the message body's `dueAtMs` / `sentAtMs`), the instant the event source
 * called the consumer (the bench wraps `invoke`), the claim (`startedAt`, written by the claim) and the task body's
 * start (its stored result). All clocks are this machine's, so the instants compare directly.
 */
import type { SQSEvent } from 'aws-lambda';
import { delaySecFor } from '../lib/queue/send-job-messages.ts';
import type { Job } from '../lib/model.ts';
import type { Precision } from '../lib/queue/types.ts';
import { parseJobMessage } from '../lib/worker/message.ts';
import type { StartedAt } from './fixtures/tasks.ts';
import { distribution, type Distribution } from './stats.ts';

/** One message handed to the consumer, first delivery only. */
export interface Delivery {
  readonly jobId: string;
  readonly dueAtMs: number;
  /** When SQS may first deliver it: `SentTimestamp` + the `DelaySeconds` `sendJobMessages` computed from the body's `sentAtMs`. */
  readonly visibleAtMs: number;
  readonly firstReceiveMs: number;
  /** When the event source called the consumer with it (before waiting for a free environment). */
  readonly invokedAtMs: number;
}

/**
 * Collects the deliveries of the consumer invocations (the bench calls `record` from its `invoke` wrapper).
 *
 * @example
 * ```ts
 * const trace = new DeliveryTrace();
 * trace.record(event, Date.now());
 * trace.recordSpan(startMs, Date.now());
 * trace.get(jobId, dueAtMs)?.firstReceiveMs;
 * ```
 */
export class DeliveryTrace {
  private readonly deliveries = new Map<string, Delivery>();
  private readonly spans: Array<readonly [number, number]> = [];

  /** `precision` is the deployment's: it decides how `sendJobMessages` rounded each message's delay. */
  constructor(private readonly precision: Precision = 'millisecond') {}

  /** Keeps the first delivery of each (job, due time): a retry is another message for another due time. */
  record(event: SQSEvent, invokedAtMs: number): void {
    for (const record of event.Records ?? []) {
      let message;
      try {
        message = parseJobMessage(record.body);
      } catch {
        continue; // not a sundial message: nothing to trace
      }
      const key = traceKey(message.id, message.dueAtMs);
      if (this.deliveries.has(key) || record.attributes.ApproximateReceiveCount !== '1') continue;
      const sentMs = Number(record.attributes.SentTimestamp);
      this.deliveries.set(key, {
        jobId: message.id,
        dueAtMs: message.dueAtMs,
        visibleAtMs: sentMs + delaySecFor(message.dueAtMs, message.sentAtMs, this.precision) * 1000,
        firstReceiveMs: Number(record.attributes.ApproximateFirstReceiveTimestamp),
        invokedAtMs,
      });
    }
  }

  /** One consumer invocation, from the event source's call to its result. */
  recordSpan(startMs: number, endMs: number): void {
    this.spans.push([startMs, endMs]);
  }

  /** Consumer invocations that started in `[fromMs, toMs)`, as [start, end] pairs. */
  spansBetween(fromMs: number, toMs: number): ReadonlyArray<readonly [number, number]> {
    return this.spans.filter(([start]) => start >= fromMs && start < toMs);
  }

  /** Consumer invocations running at `atMs`. */
  runningAt(atMs: number): number {
    return this.spans.filter(([start, end]) => start <= atMs && atMs < end).length;
  }

  get(jobId: string, dueAtMs: number): Delivery | undefined {
    return this.deliveries.get(traceKey(jobId, dueAtMs));
  }
}

function traceKey(jobId: string, dueAtMs: number): string {
  return `${jobId}@${dueAtMs}`;
}

/** The instants of one job's way from queue to task body, in order. */
export interface Timeline {
  readonly dueAtMs: number;
  readonly visibleAtMs: number;
  readonly firstReceiveMs: number;
  readonly invokedAtMs: number;
  readonly claimedAtMs: number;
  readonly startedAtMs: number;
}

/** The stages a job's lateness is split into, in the order the job goes through them. */
export const STAGES = [
  ['sender', 'message visible after the due time (sent late: the sender was behind)'],
  ['queue → receive', 'visible (or due) → first received (emulator delivery, poller wake-up, all poller slots busy)'],
  ['receive → invoke', 'received → consumer invoked (the event source gathering its batch)'],
  ['invoke → claim', 'invoked (or due) → claim (free environment, IPC to the child, handler, wait to due)'],
  ['claim → start', 'claim decided → task body started (the claim write, task lookup)'],
] as const;

/**
 * Splits `start − due` into the part each stage added past the due time: with `late(t) = max(0, t − due)` at each
 * checkpoint, a stage's share is `late(end) − late(begin)`. Time spent before the due time (SQS may deliver up to a
 * second early, and the consumer waits) costs nothing; the shares add up to the lateness.
 *
 * @example
 * ```ts
 * stageShares({ dueAtMs: 0, visibleAtMs: -800, firstReceiveMs: 30, invokedAtMs: 31, claimedAtMs: 40, startedAtMs: 45 });
 * // [0, 30, 1, 9, 5]
 * ```
 */
export function stageShares(t: Timeline): number[] {
  const late = (ms: number) => Math.max(0, ms - t.dueAtMs);
  // Each checkpoint is clamped to the one before it, so a stage is never negative when two stamps come from different
  // code paths a millisecond apart; the first (visibility) may lie before the due time, which `late` turns into 0.
  const points = [t.visibleAtMs, t.firstReceiveMs, t.invokedAtMs, t.claimedAtMs, t.startedAtMs];
  for (let i = 1; i < points.length; i++) points[i] = Math.max(points[i]!, points[i - 1]!);
  const shares: number[] = [];
  let before = 0;
  for (const point of points) {
    shares.push(late(point) - before);
    before = late(point);
  }
  return shares;
}

/** A path's lateness split by stage, over all its traced jobs and over its latest 1 %. */
export interface LatenessBreakdown {
  readonly path: string;
  readonly traced: number;
  /** Completed jobs without a traced first delivery (should be 0). */
  readonly untraced: number;
  /** Per stage: the distribution of its share over all traced jobs. */
  readonly stages: ReadonlyArray<{ readonly stage: string; readonly share: Distribution }>;
  /** Mean share of each stage over the latest 1 % of jobs (at least one job): where the p99 tail comes from. */
  readonly tail: ReadonlyArray<{ readonly stage: string; readonly meanMs: number }>;
  /**
   * Of the tail jobs, how many became receivable (visible and due) while every consumer invocation slot was taken:
   * the event source receives nothing until one ends, so their wait shows as `queue → receive`.
   */
  readonly tailAtConcurrencyLimit: number;
  /**
   * The consumer invocations started while the path's jobs came due: how long each held its slot (records of a batch
   * wait for their own due time, up to a second, before the invocation ends) and the share of that time with every
   * slot taken.
   */
  readonly consumer: { readonly invocations: number; readonly holdMs: Distribution; readonly allBusyShare: number };
  /** Lateness of jobs due before `quietFromMs` (e.g. while the window's enqueue burst ran) and after. */
  readonly byDue?: { readonly quietFromMs: number; readonly before: Distribution; readonly after: Distribution };
}

/**
 * The lateness breakdown of a window's completed jobs.
 *
 * @example
 * ```ts
 * const b = latenessBreakdown('direct', window.jobs, trace, { maxConcurrency: 4, quietFromMs: enqueueEndedAtMs });
 * ```
 */
export function latenessBreakdown(
  path: string,
  jobs: readonly Job[],
  trace: Pick<DeliveryTrace, 'get' | 'runningAt' | 'spansBetween'>,
  options: { maxConcurrency: number; quietFromMs?: number },
): LatenessBreakdown {
  const rows: Array<{ shares: number[]; lateness: number; delivery: Delivery }> = [];
  let untraced = 0;
  for (const job of jobs) {
    const startedAtMs = (job.result as StartedAt | undefined)?.startedAtMs;
    if (job.state !== 'completed' || typeof startedAtMs !== 'number') continue;
    const delivery = trace.get(job.id, job.dueAt.getTime());
    if (delivery === undefined || job.startedAt === undefined) {
      untraced++;
      continue;
    }
    const timeline: Timeline = { ...delivery, claimedAtMs: job.startedAt.getTime(), startedAtMs };
    rows.push({ shares: stageShares(timeline), lateness: startedAtMs - delivery.dueAtMs, delivery });
  }
  const tailSize = Math.max(1, Math.ceil(rows.length / 100));
  const tail = [...rows].sort((a, b) => b.lateness - a.lateness).slice(0, rows.length === 0 ? 0 : tailSize);
  const mean = (xs: number[]) => (xs.length === 0 ? NaN : Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10);
  const quietFromMs = options.quietFromMs;
  const dues = rows.map((r) => r.delivery.dueAtMs);
  const spans = rows.length === 0 ? [] : trace.spansBetween(Math.min(...dues) - 1_000, Math.max(...dues) + 1);
  return {
    path,
    traced: rows.length,
    untraced,
    stages: STAGES.map(([stage], i) => ({ stage, share: distribution(rows.map((r) => r.shares[i]!)) })),
    tail: STAGES.map(([stage], i) => ({ stage, meanMs: mean(tail.map((r) => r.shares[i]!)) })),
    consumer: {
      invocations: spans.length,
      holdMs: distribution(spans.map(([start, end]) => end - start)),
      allBusyShare: allBusyShare(spans, options.maxConcurrency),
    },
    tailAtConcurrencyLimit: tail.filter((r) => trace.runningAt(Math.max(r.delivery.visibleAtMs, r.delivery.dueAtMs)) >= options.maxConcurrency).length,
    ...(quietFromMs === undefined
      ? {}
      : {
          byDue: {
            quietFromMs,
            before: distribution(rows.filter((r) => r.delivery.dueAtMs < quietFromMs).map((r) => r.lateness)),
            after: distribution(rows.filter((r) => r.delivery.dueAtMs >= quietFromMs).map((r) => r.lateness)),
          },
        }),
  };
}

/** Share of the time from the first span's start to the last span's end during which `limit` spans ran at once. */
function allBusyShare(spans: ReadonlyArray<readonly [number, number]>, limit: number): number {
  if (spans.length === 0) return 0;
  const edges = spans.flatMap(([start, end]) => [[start, 1], [end, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let busyMs = 0;
  let previous = edges[0]![0];
  for (const [at, step] of edges) {
    if (running >= limit) busyMs += at - previous;
    running += step;
    previous = at;
  }
  const totalMs = edges.at(-1)![0] - edges[0]![0];
  return totalMs === 0 ? 0 : Math.round((busyMs / totalMs) * 1000) / 1000;
}
