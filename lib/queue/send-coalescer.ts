/**
 * Forms the batches of one queue: the only place sundial splits messages into `SendMessageBatch` requests. SQS bills
 * per request, and a batch of 10 costs what one message does, so `enqueue` calls that run at the same time share
 * requests, and a large send (a sweeper page, `enqueueMany`) is cut into full batches with a bounded number in flight.
 *
 * The rule for partial batches is Nagle's: entries go out at once when nothing is in flight for the queue (a lone call
 * never waits), or as soon as a full batch is pending; while a batch is in flight, new entries gather until it
 * returns, a batch fills, or `maxWaitMs` has passed since the first of them arrived, whichever comes first. So a call
 * waits at most `maxWaitMs` for company, and only when another send to the same queue is under way.
 *
 * At most `maxInFlight` batches are in flight at once: a burst of 100,000 messages is 10,000 batches, which must fit
 * in the sweeper's minute (~20 ms each: 16 at a time take about 12 s) without opening thousands of connections.
 */

/** What a flushed batch reports: the positions (in the flushed entries) that were not accepted. */
export interface BatchOutcome {
  readonly failedIndexes: readonly number[];
  /** Why the first of them failed, when some did. */
  readonly cause?: unknown;
}

/** Timers, injected so tests step time instead of sleeping. */
export interface CoalescerTimer {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real timers. */
export const systemTimer: CoalescerTimer = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SendCoalescerOptions<T> {
  /** Sends one batch (at most `maxEntries`); must resolve with the failed positions rather than reject. */
  readonly flush: (entries: readonly T[]) => Promise<BatchOutcome>;
  /** Entries per request (SQS: 10). */
  readonly maxEntries: number;
  /** Longest an entry waits for others while a batch is in flight. */
  readonly maxWaitMs: number;
  /** Batches in flight at once; more wait for a free slot. */
  readonly maxInFlight: number;
  /** @default systemTimer */
  readonly timer?: CoalescerTimer;
}

interface Submission {
  remaining: number;
  readonly failedIndexes: number[];
  cause?: unknown;
  readonly resolve: (outcome: BatchOutcome) => void;
}

interface PendingEntry<T> {
  readonly entry: T;
  readonly owner: Submission;
  /** Position in the owner's submitted entries. */
  readonly index: number;
}

/**
 * The batches of one queue: one coalescer per queue URL, so different queues never share a request.
 */
export class SendCoalescer<T> {
  private readonly pending: Array<PendingEntry<T>> = [];
  private inFlight = 0;
  private timerHandle: unknown;
  /** The partial batch has waited `maxWaitMs`: it goes with the next free slot. */
  private partialDue = false;
  private readonly timer: CoalescerTimer;

  constructor(private readonly options: SendCoalescerOptions<T>) {
    this.timer = options.timer ?? systemTimer;
  }

  /** Batches being sent right now. */
  get batchesInFlight(): number {
    return this.inFlight;
  }

  /**
   * Queues `entries` for sending; resolves once every one of them was sent or refused, with the refused positions
   * (in `entries`) and a cause.
   */
  submit(entries: readonly T[]): Promise<BatchOutcome> {
    if (entries.length === 0) return Promise.resolve({ failedIndexes: [] });
    return new Promise<BatchOutcome>((resolve) => {
      const owner: Submission = { remaining: entries.length, failedIndexes: [], resolve };
      entries.forEach((entry, index) => this.pending.push({ entry, owner, index }));
      this.drain();
    });
  }

  /**
   * Sends what may go now, within `maxInFlight`: full batches always, a partial one when nothing is in flight or it has
   * waited `maxWaitMs`. Called again whenever a batch returns.
   */
  private drain(): void {
    const { maxEntries, maxInFlight } = this.options;
    while (this.pending.length >= maxEntries && this.inFlight < maxInFlight) this.send(this.pending.splice(0, maxEntries));
    if (this.pending.length === 0) {
      this.partialDue = false;
      return this.stopTimer();
    }
    if (this.pending.length >= maxEntries) return; // every slot is taken: full batches go as batches return
    if (this.inFlight < maxInFlight && (this.inFlight === 0 || this.partialDue)) {
      this.partialDue = false;
      this.stopTimer();
      this.send(this.pending.splice(0));
      return;
    }
    if (this.partialDue) return; // waiting for a free slot, not for company
    this.timerHandle ??= this.timer.setTimeout(() => {
      this.timerHandle = undefined;
      this.partialDue = true;
      this.drain();
    }, this.options.maxWaitMs);
  }

  private stopTimer(): void {
    if (this.timerHandle === undefined) return;
    this.timer.clearTimeout(this.timerHandle);
    this.timerHandle = undefined;
  }

  private send(batch: Array<PendingEntry<T>>): void {
    this.inFlight++;
    this.options
      .flush(batch.map((p) => p.entry))
      .catch((cause: unknown): BatchOutcome => ({ failedIndexes: batch.map((_, i) => i), cause }))
      .then((outcome) => {
        this.inFlight--;
        const failed = new Set(outcome.failedIndexes);
        batch.forEach((p, i) => {
          if (failed.has(i)) {
            p.owner.failedIndexes.push(p.index);
            p.owner.cause ??= outcome.cause;
          }
          if (--p.owner.remaining === 0) {
            const { failedIndexes, cause } = p.owner;
            p.owner.resolve(failedIndexes.length > 0 ? { failedIndexes: failedIndexes.sort((a, b) => a - b), cause } : { failedIndexes });
          }
        });
        this.drain();
      });
  }
}
