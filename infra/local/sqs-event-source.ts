/**
 * The local equivalent of a Lambda SQS event source mapping: long-polls the queue, hands batches to the function in
 * AWS's `SQSEvent` shape, and deletes what succeeded. Failed records are left alone, so the queue's visibility timeout
 * makes them visible again and its redrive policy moves them to the DLQ at `maxReceiveCount`, as on AWS.
 */
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { DeployedQueue, EventSourceMappingDefinition } from './deploy.ts';
import type { InvokeResult, LocalFunction } from './lambda-runtime.ts';
import { INITIAL_CONCURRENT_BATCHES, LOCAL_MAX_CONCURRENT_BATCHES, PollerScaling } from './poller-scaling.ts';

/**
 * Most concurrent batches of a mapping without `ScalingConfig.MaximumConcurrency`: with scaling on, the event source
 * starts at five and adds batches at AWS's rate up to this local ceiling (`poller-scaling.ts`); with scaling off it
 * stays at five.
 */
export function defaultMaxConcurrency(scaling: boolean): number {
  return scaling ? LOCAL_MAX_CONCURRENT_BATCHES : INITIAL_CONCURRENT_BATCHES;
}

/**
 * Builds the `SQSRecord` Lambda delivers for a received message.
 *
 * @example
 * ```ts
 * const record = toSqsRecord(message, queue.arn, 'us-east-1');
 * ```
 */
export function toSqsRecord(message: Message, eventSourceARN: string, awsRegion: string): SQSRecord {
  const attributes = (message.Attributes ?? {}) as Record<string, string>;
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = toRecordAttribute(value);
  }
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? '',
      SenderId: attributes.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '',
      ...pick(attributes, ['SequenceNumber', 'MessageGroupId', 'MessageDeduplicationId', 'AWSTraceHeader']),
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion,
  };
}

function toRecordAttribute(value: MessageAttributeValue): SQSMessageAttributes[string] {
  return {
    dataType: value.DataType ?? 'String',
    ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
    ...(value.BinaryValue === undefined ? {} : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
    stringListValues: [],
    binaryListValues: [],
  };
}

function pick(source: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]!]));
}

/**
 * Which records of a batch to delete after an invocation: all on success, all but the reported failures with
 * `ReportBatchItemFailures`, none on an error or timeout — and none when a reported identifier is not in the batch
 * (AWS then treats the whole batch as failed).
 *
 * @example
 * ```ts
 * recordsToDelete(records, { ok: true, value: { batchItemFailures: [{ itemIdentifier: 'm2' }] }, requestId }, true);
 * ```
 */
export function recordsToDelete(records: readonly SQSRecord[], result: InvokeResult, reportsFailures: boolean): SQSRecord[] {
  if (!result.ok) return [];
  if (!reportsFailures) return [...records];
  const failures = (result.value as { batchItemFailures?: { itemIdentifier?: string }[] } | null)?.batchItemFailures;
  if (failures === undefined || failures === null) return [...records];
  const ids = new Set(records.map((r) => r.messageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    if (typeof failure?.itemIdentifier !== 'string' || !ids.has(failure.itemIdentifier)) return [];
    failed.add(failure.itemIdentifier);
  }
  return records.filter((r) => !failed.has(r.messageId));
}

/**
 * Polls one queue for one function until stopped.
 *
 * @example
 * ```ts
 * const poller = new SqsEventSource(mapping, queue, fn, { sqs, region: 'us-east-1' });
 * poller.start();
 * await poller.stop();
 * ```
 */
export class SqsEventSource {
  private readonly abort = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;
  /** How many batches may run at once now (scaled like Lambda's pollers unless scaling is off). */
  readonly scaling: PollerScaling;

  constructor(
    readonly mapping: EventSourceMappingDefinition,
    readonly queue: DeployedQueue,
    readonly fn: LocalFunction,
    private readonly options: {
      sqs: SQSClient;
      region: string;
      onError?: (error: unknown) => void;
      /** Scale like AWS's pollers (default); off keeps five batches (or the mapping's lower maximum). */
      scaling?: boolean;
    },
  ) {
    const scaling = options.scaling ?? true;
    this.scaling = new PollerScaling({
      maxConcurrency: Math.min(mapping.maxConcurrency ?? defaultMaxConcurrency(scaling), fn.maxConcurrency),
      enabled: scaling,
      clock: { nowMs: () => Date.now() },
    });
  }

  start(): void {
    this.loop ??= this.poll();
  }

  /** Stops polling and waits for the batches in flight to finish. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    await Promise.all(this.inFlight);
  }

  private async poll(): Promise<void> {
    const signal = this.abort.signal;
    // Whether the last receive found messages: then more are likely waiting, the signal AWS scales out on.
    let messagesSeen = false;
    while (!signal.aborted) {
      if (this.inFlight.size >= this.scaling.limit) {
        const nextAddInMs = messagesSeen ? this.scaling.messagesWaiting() : undefined;
        if (this.inFlight.size >= this.scaling.limit) {
          await Promise.race([...this.inFlight, ...(nextAddInMs === undefined ? [] : [delay(nextAddInMs)])]);
          continue;
        }
      }
      let batch: Message[];
      try {
        batch = await this.receiveBatch(signal);
      } catch (error) {
        if (signal.aborted) return;
        this.options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      messagesSeen = batch.length > 0;
      if (batch.length === 0) {
        this.scaling.queueEmpty();
        continue;
      }
      const task = this.deliver(batch).finally(() => this.inFlight.delete(task));
      this.inFlight.add(task);
    }
  }

  /** One batch: up to `batchSize` messages, gathered for up to the batching window. */
  private async receiveBatch(signal: AbortSignal): Promise<Message[]> {
    const { batchSize, maxBatchingWindowSec } = this.mapping;
    const windowEndsAt = Date.now() + maxBatchingWindowSec * 1000;
    const batch: Message[] = [];
    do {
      const { Messages } = await this.options.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queue.queueUrl,
          MaxNumberOfMessages: Math.min(10, batchSize - batch.length),
          // Short polls keep stop() prompt; AWS's pollers hold 20 s, which only changes the request count.
          WaitTimeSeconds: batch.length === 0 ? 1 : 0,
          AttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: signal },
      );
      batch.push(...(Messages ?? []));
      if ((Messages ?? []).length === 0 && batch.length > 0 && Date.now() >= windowEndsAt) break;
    } while (batch.length > 0 && batch.length < batchSize && Date.now() < windowEndsAt && !signal.aborted);
    return batch;
  }

  private async deliver(messages: Message[]): Promise<void> {
    const records = messages.map((m) => toSqsRecord(m, this.queue.arn, this.options.region));
    const event: SQSEvent = { Records: records };
    const result = await this.fn.invoke(event).catch(
      (error: unknown): InvokeResult => ({
        ok: false,
        timedOut: false,
        requestId: '',
        error: { errorType: 'Runtime.Stopped', errorMessage: String(error) },
      }),
    );
    const done = recordsToDelete(records, result, this.mapping.reportBatchItemFailures);
    if (done.length === 0) return;
    try {
      await this.options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queue.queueUrl,
          Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
        }),
      );
    } catch (error) {
      // Undeleted records come back after the visibility timeout, as when Lambda's delete fails.
      this.options.onError?.(error);
    }
  }
}

/** A timer that does not keep the process alive (the poll loop also wakes when a batch ends). */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
}
