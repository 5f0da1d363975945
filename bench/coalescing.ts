/**
 * What coalescing sends costs and saves, in this process against the bench stack's SQS emulator, on a queue no
 * consumer reads: single-message sends from many concurrent callers (the direct path under load) and from one caller
 * at a time (a lone `enqueue`), each through `SqsJobQueue` (coalesced) and as one raw `SendMessageBatch` per message
 * (what each `enqueue` did before), with the latency of every call and the requests counted on the client.
 */
import { CreateQueueCommand, PurgeQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SqsJobQueue } from '../lib/queue/sqs-queue.ts';
import type { OutgoingMessage } from '../lib/queue/types.ts';
import type { BenchStack } from './bench-stack.ts';
import { distribution, mapLimit, type Distribution } from './stats.ts';

/** One way of sending: per-call latency and requests per message. */
export interface SendVariant {
  readonly messages: number;
  readonly requestsPerMessage: number;
  readonly latencyMs: Distribution;
}

export interface CoalescingResult {
  readonly concurrency: number;
  readonly concurrent: { readonly coalesced: SendVariant; readonly raw: SendVariant };
  readonly lone: { readonly coalesced: SendVariant; readonly raw: SendVariant };
  /** Median latency coalescing adds to a send (negative: it saves time), concurrent and lone. */
  readonly addedP50Ms: { readonly concurrent: number; readonly lone: number };
}

/**
 * Measures coalesced vs one-request-per-message sends.
 *
 * @example
 * ```ts
 * const result = await runCoalescing(bench, { messages: 500, concurrency: 50 });
 * result.concurrent.coalesced.requestsPerMessage; // ≈ 0.1–0.2
 * ```
 */
export async function runCoalescing(bench: BenchStack, sizes: { messages: number; concurrency: number }): Promise<CoalescingResult> {
  let requests = 0;
  const client = new SQSClient({ endpoint: bench.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, useQueueUrlAsEndpoint: false });
  client.middlewareStack.add((next) => async (args) => {
    requests++;
    return next(args);
  }, { step: 'initialize', name: 'countRequests' });
  try {
    const { QueueUrl: url } = await client.send(new CreateQueueCommand({ QueueName: `bench-coalescing-${Date.now().toString(36)}` }));
    const queue = new SqsJobQueue({ client, queueUrls: { default: url! } });
    const message = (i: number): OutgoingMessage => ({ message: { v: 1, id: `c${i}`, dueAtMs: 0, sentAtMs: 0 }, delaySec: 0 });
    const measure = async (count: number, concurrency: number, send: (m: OutgoingMessage) => Promise<unknown>): Promise<SendVariant> => {
      const before = requests;
      const latencies = await mapLimit(Array.from({ length: count }, (_, i) => message(i)), concurrency, async (m) => {
        const startedAt = performance.now();
        await send(m);
        return performance.now() - startedAt;
      });
      return { messages: count, requestsPerMessage: round((requests - before) / count), latencyMs: distribution(latencies.map((ms) => Math.round(ms * 10) / 10)) };
    };
    const raw = (m: OutgoingMessage) =>
      client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: '0', MessageBody: JSON.stringify(m.message), DelaySeconds: m.delaySec }] }));
    const coalesced = (m: OutgoingMessage) => queue.send('default', [m]);
    const lone = Math.max(20, Math.round(sizes.messages / 10));
    const concurrentRaw = await measure(sizes.messages, sizes.concurrency, raw);
    const concurrentCoalesced = await measure(sizes.messages, sizes.concurrency, coalesced);
    // Lone calls one at a time, the two variants interleaved and in alternating order: the first request after
    // another one is measurably slower here, whichever variant makes it.
    const loneRuns: Array<{ coalesced: SendVariant; raw: SendVariant }> = [];
    for (let i = 0; i < lone; i++) {
      const first = i % 2 === 0 ? coalesced : raw;
      const second = first === coalesced ? raw : coalesced;
      const [a, b] = [await measure(1, 1, first), await measure(1, 1, second)];
      loneRuns.push(first === coalesced ? { coalesced: a, raw: b } : { coalesced: b, raw: a });
    }
    const merge = (variants: SendVariant[]): SendVariant => ({
      messages: variants.length,
      requestsPerMessage: round(variants.reduce((n, v) => n + v.requestsPerMessage, 0) / variants.length),
      latencyMs: distribution(variants.map((v) => v.latencyMs.p50)),
    });
    const loneCoalesced = merge(loneRuns.map((r) => r.coalesced));
    const loneRaw = merge(loneRuns.map((r) => r.raw));
    await client.send(new PurgeQueueCommand({ QueueUrl: url }));
    return {
      concurrency: sizes.concurrency,
      concurrent: { coalesced: concurrentCoalesced, raw: concurrentRaw },
      lone: { coalesced: loneCoalesced, raw: loneRaw },
      addedP50Ms: {
        concurrent: round(concurrentCoalesced.latencyMs.p50 - concurrentRaw.latencyMs.p50),
        lone: round(loneCoalesced.latencyMs.p50 - loneRaw.latencyMs.p50),
      },
    };
  } finally {
    client.destroy();
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
