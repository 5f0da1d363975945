/**
 * The production `JobQueue`: SQS standard queues, one per named worker queue, with `DelaySeconds` for the due time.
 * Requests are counted (and billed) per call, so messages always go out in batches of 10 formed here and nowhere else
 * (`SendCoalescer`: concurrent sends to one queue share batches, at most `maxBatchesInFlight` at once), and only the
 * entries SQS refused are sent again.
 */
import {
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import { ConfigurationError, MessageSendError, ValidationError } from '../core/errors.ts';
import { SendCoalescer, type BatchOutcome, type CoalescerTimer } from './send-coalescer.ts';
import { SQS_MAX_DELAY_SEC } from './sqs-limits.ts';
import type { JobMessage, JobQueue, OutgoingMessage, Precision } from './types.ts';
/** SQS's ceiling for entries in one `SendMessageBatch` call. */
export const MAX_BATCH_ENTRIES = 10;
/** Longest a send may wait for concurrent sends to share its batch (only while another batch is in flight). */
export const MAX_COALESCE_WAIT_MS = 10;
/** Default batches in flight per queue: a burst of 100,000 messages (10,000 batches of ~20 ms) is out in about 12 s. */
export const DEFAULT_BATCHES_IN_FLIGHT = 16;

export interface SqsJobQueueOptions {
  readonly client: SQSClient;
  /** Queue name → queue URL (at least `default`). */
  readonly queueUrls: Readonly<Record<string, string>>;
  /** Queue name → dead-letter queue URL; needed by consumers only (`sendToDeadLetter`). */
  readonly deadLetterUrls?: Readonly<Record<string, string>>;
  /**
   * Calls made for one batch while SQS refuses some of its entries (a per-entry failure in a successful response, which
   * the SDK does not retry), counting the first. Whole-call failures are the SDK's to retry.
   * @default 4
   */
  readonly maxAttempts?: number;
  /**
   * First pause between attempts; doubled each time, with full jitter.
   * @default 100 ms
   */
  readonly retryBaseDelayMs?: number;
  /** Waits between retries; injected by tests. @default a `setTimeout` timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for the jitter. @default Math.random */
  readonly random?: () => number;
  /**
   * Longest a send waits for concurrent sends to the same queue to fill its batch, 1–10 ms. It waits only while
   * another batch to that queue is in flight: a lone send goes out at once.
   * @default 5 ms
   */
  readonly coalesceWaitMs?: number;
  /** Timers of the coalescing wait; injected by tests. @default the real timers */
  readonly timer?: CoalescerTimer;
  /**
   * `SendMessageBatch` requests in flight at once per queue, across every concurrent send to it; more batches wait
   * for a free slot.
   * @default 16
   */
  readonly maxBatchesInFlight?: number;
  /** How delays are rounded (`SUNDIAL_PRECISION`). @default 'millisecond' */
  readonly precision?: Precision;
}

/**
 * Sends job messages to SQS.
 *
 * @example
 * ```ts
 * const queue = new SqsJobQueue({ client: sqsClient(), queueUrls: { default: url }, deadLetterUrls: { default: dlqUrl } });
 * await queue.send('default', [{ message: { v: 1, id: 'j_1', dueAtMs, sentAtMs: nowMs }, delaySec: 30 }]);
 * ```
 */
export class SqsJobQueue implements JobQueue {
  readonly queueNames: readonly string[];
  readonly precision: Precision;
  private readonly client: SQSClient;
  private readonly queueUrls: Readonly<Record<string, string>>;
  private readonly deadLetterUrls: Readonly<Record<string, string>>;
  private readonly maxAttempts: number;
  private readonly retryBaseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly coalesceWaitMs: number;
  private readonly maxBatchesInFlight: number;
  private readonly timer: CoalescerTimer | undefined;
  private readonly coalescers = new Map<string, SendCoalescer<OutgoingMessage>>();

  constructor(options: SqsJobQueueOptions) {
    const coalesceWaitMs = options.coalesceWaitMs ?? 5;
    const maxBatchesInFlight = options.maxBatchesInFlight ?? DEFAULT_BATCHES_IN_FLIGHT;
    const problems: string[] = [];
    if (!Number.isInteger(coalesceWaitMs) || coalesceWaitMs < 1 || coalesceWaitMs > MAX_COALESCE_WAIT_MS) {
      problems.push(
        `coalesceWaitMs: received ${String(coalesceWaitMs)}; expected a whole number of milliseconds from 1 to ` +
          `${MAX_COALESCE_WAIT_MS} (longer waits add that much to every concurrent enqueue).`,
      );
    }
    if (!Number.isInteger(maxBatchesInFlight) || maxBatchesInFlight < 1) {
      problems.push(
        `maxBatchesInFlight: received ${String(maxBatchesInFlight)}; expected a whole number ≥ 1 ` +
          `(default ${DEFAULT_BATCHES_IN_FLIGHT}: enough for 100,000 messages in about 12 s).`,
      );
    }
    if (problems.length > 0) throw new ValidationError(problems);
    this.coalesceWaitMs = coalesceWaitMs;
    this.maxBatchesInFlight = maxBatchesInFlight;
    this.precision = options.precision ?? 'millisecond';
    this.timer = options.timer;
    this.client = options.client;
    this.queueUrls = options.queueUrls;
    this.deadLetterUrls = options.deadLetterUrls ?? {};
    this.queueNames = Object.keys(options.queueUrls).sort();
    this.maxAttempts = options.maxAttempts ?? 4;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 100;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  async send(queue: string, messages: readonly OutgoingMessage[]): Promise<void> {
    const url = this.urlOf(queue, this.queueUrls, 'SUNDIAL_QUEUES');
    validateDelays(messages);
    const outcome = await this.coalescerOf(url).submit(messages);
    if (outcome.failedIndexes.length > 0) {
      const failed = outcome.failedIndexes.map((index) => messages[index]!.message.id);
      throw new MessageSendError(
        `${failed.length} of ${messages.length} messages were not accepted by queue "${queue}" (${url}) after ` +
          `the SDK's retries and up to ${this.maxAttempts} sends of refused entries: ${describeCause(outcome.cause)}. ` +
          'The jobs are recorded; send them again ' +
          '(the consumer drops duplicates).',
        failed,
        { cause: outcome.cause },
      );
    }
  }

  /** One coalescer per queue URL: sends to one queue share batches, sends to different queues cannot. */
  private coalescerOf(url: string): SendCoalescer<OutgoingMessage> {
    let coalescer = this.coalescers.get(url);
    if (coalescer === undefined) {
      coalescer = new SendCoalescer({
        flush: (entries) => this.sendBatch(url, entries),
        maxEntries: MAX_BATCH_ENTRIES,
        maxWaitMs: this.coalesceWaitMs,
        maxInFlight: this.maxBatchesInFlight,
        ...(this.timer ? { timer: this.timer } : {}),
      });
      this.coalescers.set(url, coalescer);
    }
    return coalescer;
  }

  async sendToDeadLetter(queue: string, message: JobMessage): Promise<void> {
    const url = this.urlOf(queue, this.deadLetterUrls, 'SUNDIAL_DLQS');
    try {
      // Throttling and 5xx are retried by the SDK's own policy: one retry policy, not two stacked.
      await this.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(message) }));
    } catch (error) {
      throw new MessageSendError(
        `The dead-letter copy of job "${message.id}" was not accepted by ${url}: ${describeCause(error)}.`,
        [message.id],
        { cause: error },
      );
    }
  }

  /**
   * Sends up to 10 messages, re-sending only the entries SQS refused for a reason that may pass. A call that fails as a
   * whole has already been retried by the SDK's own policy (throttling, 5xx): it is not retried again here.
   */
  private async sendBatch(url: string, chunk: readonly OutgoingMessage[]): Promise<BatchOutcome> {
    // Entry ids only need to be unique within the call; the index maps a refused entry back to its sender.
    let pending = chunk.map((m, index): SendMessageBatchRequestEntry => ({
      Id: String(index),
      MessageBody: JSON.stringify(m.message),
      DelaySeconds: m.delaySec,
    }));
    const permanent: string[] = [];
    let cause: unknown;
    for (let attempt = 1; attempt <= this.maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 1) await this.pause(attempt - 1);
      try {
        const response = await this.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: pending }));
        const refused = new Map((response.Failed ?? []).map((f) => [f.Id, f]));
        const retry: SendMessageBatchRequestEntry[] = [];
        for (const entry of pending) {
          const failure = refused.get(entry.Id);
          if (!failure) continue;
          cause = new Error(`${failure.Code ?? 'unknown code'}: ${failure.Message ?? 'no message'}`);
          // SenderFault means the entry itself is wrong: sending it again cannot help.
          if (failure.SenderFault) permanent.push(entry.Id!);
          else retry.push(entry);
        }
        pending = retry;
      } catch (error) {
        cause = error;
        break;
      }
    }
    const failedIndexes = [...permanent, ...pending.map((e) => e.Id!)].map(Number);
    return failedIndexes.length > 0 ? { failedIndexes, cause } : { failedIndexes };
  }

  private pause(retry: number): Promise<void> {
    return this.sleep(Math.floor(this.random() * this.retryBaseDelayMs * 2 ** (retry - 1)));
  }

  private urlOf(queue: string, urls: Readonly<Record<string, string>>, variable: string): string {
    const url = urls[queue];
    if (url === undefined) {
      const known = Object.keys(urls).sort();
      throw new ConfigurationError(
        `Unknown queue "${queue}"; known queues: ${known.length > 0 ? known.join(', ') : '(none)'}. ` +
          `Use one of them, or add "${queue}" to the construct's queues (${variable} maps names to URLs).`,
      );
    }
    return url;
  }
}

/** Every delay must be a whole number of seconds in 0..900; all problems are reported at once, before any request. */
function validateDelays(messages: readonly OutgoingMessage[]): void {
  const problems: string[] = [];
  for (const { message, delaySec } of messages) {
    if (!Number.isInteger(delaySec) || delaySec < 0 || delaySec > SQS_MAX_DELAY_SEC) {
      problems.push(
        `delaySec of job "${message.id}": received ${String(delaySec)}; expected a whole number of seconds from 0 to ` +
          `${SQS_MAX_DELAY_SEC} (SQS's limit); jobs due later belong in a time bucket for the sweeper.`,
      );
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
}


function describeCause(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}
