import type { JobMessage, JobQueue, OutgoingMessage, Precision } from './types.ts';
import { ConfigurationError } from '../core/errors.ts';

/** A message as the memory queue recorded it. */
export interface RecordedMessage extends OutgoingMessage {
  readonly queue: string;
}

/**
 * A `JobQueue` that records what would have been sent, for logic tests of the sweeper, the worker runtime and the
 * API with a fake clock. It delivers nothing by itself: tests read `sent` / `take()` and feed the worker.
 *
 * @example
 * ```ts
 * const queue = new MemoryJobQueue(['default']);
 * await queue.send('default', [{ message: { v: 1, id: 'j1', dueAtMs: 0, sentAtMs: 0 }, delaySec: 0 }]);
 * queue.take(); // → [{ queue: 'default', message: {...}, delaySec: 0 }]
 * ```
 */
export class MemoryJobQueue implements JobQueue {
  readonly queueNames: readonly string[];
  /** Every message sent, in order. */
  readonly sent: RecordedMessage[] = [];
  /** Messages put on dead-letter queues. */
  readonly deadLetters: Array<{ queue: string; message: JobMessage }> = [];
  private failNext = 0;

  readonly precision: Precision;

  constructor(queueNames: readonly string[] = ['default'], options: { precision?: Precision } = {}) {
    this.queueNames = queueNames;
    this.precision = options.precision ?? 'millisecond';
  }

  async send(queue: string, messages: readonly OutgoingMessage[]): Promise<void> {
    this.assertKnown(queue);
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error(`MemoryJobQueue: injected send failure (${messages.length} messages to "${queue}")`);
    }
    for (const m of messages) this.sent.push({ queue, ...m });
  }

  async sendToDeadLetter(queue: string, message: JobMessage): Promise<void> {
    this.assertKnown(queue);
    this.deadLetters.push({ queue, message });
  }

  /** Makes the next `count` calls of `send` reject without sending anything (a crash or an outage). */
  failNextSends(count = 1): void {
    this.failNext = count;
  }

  /** Removes and returns everything sent so far. */
  take(): RecordedMessage[] {
    return this.sent.splice(0, this.sent.length);
  }

  private assertKnown(queue: string): void {
    if (!this.queueNames.includes(queue)) {
      throw new ConfigurationError(`Unknown queue "${queue}"; known queues: ${this.queueNames.join(', ')}.`);
    }
  }
}
