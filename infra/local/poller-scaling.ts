/**
 * How many batches the local SQS event source runs at once, scaled the way Lambda scales an SQS event source mapping
 * in its standard (default) mode. AWS's documentation ("Configuring scaling behavior for SQS event source mappings",
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html): "When messages are available, Lambda starts
 * processing five batches at a time with five concurrent invocations of your function. If messages are still
 * available, Lambda increases the number of processes that are reading batches by up to 300 more instances per minute.
 * The maximum number of batches that an event source mapping can process simultaneously is 1,000. When traffic is
 * low, Lambda scales back the processing to five concurrent batches." `ScalingConfig.MaximumConcurrency` (2–1,000)
 * caps it per mapping. (Provisioned mode, with `ProvisionedPollerConfig`, scales about 3 times faster between a
 * minimum and a maximum number of pollers; the local stack models the standard mode only.)
 *
 * Pure logic with an injected clock; `SqsEventSource` reports what it sees and reads `limit`.
 */
import type { Clock } from '../../lib/core/clock.ts';

/** Batches an event source starts with, and scales back to (AWS: five). */
export const INITIAL_CONCURRENT_BATCHES = 5;
/** How fast AWS adds batches while messages are still available: up to 300 more per minute. */
export const ADDED_BATCHES_PER_MINUTE = 300;
/**
 * The local ceiling when the mapping sets no `MaximumConcurrency` (AWS's is 1,000). Each batch runs in its own Node
 * process here, on a developer's machine: 20 keeps a burst from starting hundreds of them.
 */
export const LOCAL_MAX_CONCURRENT_BATCHES = 20;

export interface PollerScalingOptions {
  /** The mapping's `MaximumConcurrency`, or the local ceiling. */
  readonly maxConcurrency: number;
  /** Off: a fixed `min(INITIAL_CONCURRENT_BATCHES, maxConcurrency)`, the local stack's behaviour before scaling. */
  readonly enabled: boolean;
  readonly clock: Clock;
}

/**
 * The concurrency limit of one event source.
 *
 * @example
 * ```ts
 * const scaling = new PollerScaling({ maxConcurrency: 20, enabled: true, clock: systemClock });
 * scaling.messagesWaiting(); // every slot busy and the last receive found messages: add a batch when the rate allows
 * scaling.queueEmpty(); // a receive found nothing: scale back towards five
 * scaling.limit;
 * ```
 */
export class PollerScaling {
  private current: number;
  private readonly floor: number;
  private lastAddedAtMs: number | undefined;
  /** The most batches ever allowed at once (tests and the bench report it). */
  peak: number;

  constructor(private readonly options: PollerScalingOptions) {
    this.floor = Math.max(1, Math.min(INITIAL_CONCURRENT_BATCHES, options.maxConcurrency));
    this.current = this.floor;
    this.peak = this.current;
  }

  /** Batches allowed at once now. */
  get limit(): number {
    return this.current;
  }

  /** Milliseconds between two added batches at AWS's rate (200 ms for 300 a minute). */
  static get addIntervalMs(): number {
    return 60_000 / ADDED_BATCHES_PER_MINUTE;
  }

  /**
   * Messages are still available while every batch slot is taken: adds a batch if AWS's rate allows one now, up to
   * the maximum. Returns how long until the next batch may be added, or undefined when no more can be.
   */
  messagesWaiting(): number | undefined {
    if (!this.options.enabled || this.current >= this.options.maxConcurrency) return undefined;
    const nowMs = this.options.clock.nowMs();
    const interval = PollerScaling.addIntervalMs;
    // Additions are not banked: after a quiet spell the next one comes at once, the one after it an interval later.
    if (this.lastAddedAtMs === undefined || nowMs - this.lastAddedAtMs >= interval) {
      this.current++;
      this.peak = Math.max(this.peak, this.current);
      this.lastAddedAtMs = nowMs;
    }
    return this.current >= this.options.maxConcurrency ? undefined : this.lastAddedAtMs + interval - nowMs;
  }

  /** A receive found the queue empty: one batch fewer, down to the starting five. */
  queueEmpty(): void {
    if (this.current > this.floor) this.current--;
  }
}
