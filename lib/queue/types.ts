/**
 * The queue port: how job messages reach the workers. `SqsJobQueue` is the production adapter (SQS with
 * `DelaySeconds`); `MemoryJobQueue` records messages for logic tests of the sweeper and the API.
 */

/**
 * How precisely jobs fire. `'millisecond'` (the default): messages are delayed whole seconds rounded down, so they
 * arrive up to a second early and the consumer waits the rest in the function — on time to the millisecond, at the
 * price of that wait in billed Lambda time. `'second'`: delays are rounded up, so a message arrives at or after its
 * due time and the consumer never waits — up to a second late (half a second on average), with no billed wait.
 */
export type Precision = 'millisecond' | 'second';

/** The body of every message sundial puts on a worker queue (JSON, versioned). */
export interface JobMessage {
  readonly v: 1;
  readonly id: string;
  /** The due time this message is for; the claim matches it against the job's. */
  readonly dueAtMs: number;
  /**
   * When the sender handed the message to SQS, on the sender's clock. Kept for diagnostics; the consumer judges a
   * message's age by SQS's own `SentTimestamp` (see `MessageReceipt`), which no writer's clock skew can move.
   */
  readonly sentAtMs: number;
  /**
   * Set on a schedule's occurrence: no job record exists until the consumer's claim creates it from the schedule
   * (`lib/schedules/occurrence-claim.ts`). Absent on every other message (and on occurrences sent before this field).
   */
  readonly occurrence?: OccurrenceRef;
}

/** Which schedule an occurrence message belongs to, and the generation of that schedule that sent it. */
export interface OccurrenceRef {
  readonly scheduleId: string;
  /**
   * The schedule's generation when the occurrence was sent (`scheduleGeneration`): a replace or a resume starts a new
   * one, so the consumer can tell an occurrence of the old rule from one of the current rule.
   */
  readonly generation: string;
}

/** What SQS itself says about one delivery of a message (the record's `attributes`). */
export interface MessageReceipt {
  /** SQS's `SentTimestamp`: when SQS accepted the message, on SQS's clock. */
  readonly sqsSentAtMs?: number;
  /** SQS's `ApproximateReceiveCount`: 1 on the first delivery. */
  readonly receiveCount?: number;
}

/** One message to send, with the delay SQS should hold it for (0–900 s, whole seconds). */
export interface OutgoingMessage {
  readonly message: JobMessage;
  readonly delaySec: number;
}

/**
 * @example
 * ```ts
 * await queue.send('default', [{ message: { v: 1, id, dueAtMs, sentAtMs: nowMs }, delaySec: 30 }]);
 * ```
 */
export interface JobQueue {
  /** Names of the worker queues this queue adapter knows. */
  readonly queueNames: readonly string[];
  /**
   * How `sendJobMessages` rounds the delays of the messages sent through this queue, and whether the consumer waits for
   * the sub-second rest (`Precision`). Absent means `'millisecond'`.
   */
  readonly precision?: Precision;
  /**
   * Sends messages to the named worker queue; the adapter forms the batches of 10 (callers hand over all of a queue's
   * messages in one call) and retries throttled or failed entries. Rejects (with a `MessageSendError` naming the
   * failed ids) only when some could not be sent after retries; the rest were sent.
   */
  send(queue: string, messages: readonly OutgoingMessage[]): Promise<void>;
  /** Puts a copy of a job's message on the queue's dead-letter queue (a job that failed its last attempt). */
  sendToDeadLetter(queue: string, message: JobMessage): Promise<void>;
}
