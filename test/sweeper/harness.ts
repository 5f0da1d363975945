/**
 * A small world for logic tests of the sweeper: the memory store and queue, a fake clock, writers that follow the
 * enqueue rule of docs/architecture.md (direct path within 15 minutes of *their* clock, else a bucket), and a consumer
 * that delivers the recorded messages and claims with the store's real condition (an occurrence's first claim creates
 * its job, as the consumer's does). "Ran" means "claimed": the claim is
 * the compare-and-set that makes a duplicate message harmless, so counting successful claims counts task starts.
 */
import { expect } from 'vitest';
import { DEFAULT_BACKOFF } from '../../lib/core/backoff.ts';
import type { Clock } from '../../lib/core/clock.ts';
import { DIRECT_HORIZON_MS, sendJobMessages } from '../../lib/queue/send-job-messages.ts';
import { MemoryJobQueue, type RecordedMessage } from '../../lib/queue/memory-queue.ts';
import type { JobMessage, JobQueue, OutgoingMessage } from '../../lib/queue/types.ts';
import { claimOccurrence, type FirstClaimResult } from '../../lib/schedules/occurrence-claim.ts';
import { MemoryJobStore } from '../../lib/store/memory-store.ts';
import type { JobRecord, Placement } from '../../lib/store/types.ts';
import { sweep } from '../../lib/sweeper/sweep.ts';
import { sweepConfigFrom } from '../../lib/sweeper/sweep-config.ts';
import type { SweepConfig, SweepDeps, SweepReport } from '../../lib/sweeper/types.ts';

export const T0 = Date.parse('2026-11-23T14:00:00.000Z');
export const MINUTE = 60_000;

export class FakeClock implements Clock {
  constructor(public now: number) {}
  nowMs(): number {
    return this.now;
  }
  advance(ms: number): void {
    this.now += ms;
  }
}

/** A queue in front of the memory queue that can hold sends until released, or run a hook before each send. */
export class GatedQueue implements JobQueue {
  readonly queueNames: readonly string[];
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;
  private waiters: (() => void)[] = [];
  beforeSend: (() => Promise<void>) | undefined;

  constructor(readonly inner: MemoryJobQueue) {
    this.queueNames = inner.queueNames;
  }

  /** Holds every send until `release()`. */
  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  /** Resolves once a send is waiting at the gate: the sweep has read its page and is blocked on SQS. */
  reached(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async send(queue: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.beforeSend) await this.beforeSend();
    if (this.gate) {
      for (const resolve of this.waiters.splice(0)) resolve();
      await this.gate;
    }
    return this.inner.send(queue, messages);
  }

  sendToDeadLetter(...args: Parameters<JobQueue['sendToDeadLetter']>): Promise<void> {
    return this.inner.sendToDeadLetter(...args);
  }
}

export interface Run {
  readonly id: string;
  readonly atMs: number;
  readonly latenessMs: number;
}

export class World {
  readonly clock = new FakeClock(T0);
  readonly memoryQueue = new MemoryJobQueue(['default', 'reports']);
  readonly queue = new GatedQueue(this.memoryQueue);
  readonly store: MemoryJobStore;
  readonly config: SweepConfig;
  /** Every job accepted by a writer, by id. */
  readonly accepted = new Map<string, JobRecord>();
  readonly runs: Run[] = [];
  /** A `Sleep` that moves the fake clock instead of waiting. */
  readonly sleep = async (ms: number): Promise<void> => {
    this.clock.now += ms;
  };
  /** Messages delivered whose claim failed (duplicates, stale). */
  duplicates = 0;
  private sweeps = 0;

  constructor(options: { shards?: number; config?: Partial<SweepConfig> } = {}) {
    const shards = options.shards ?? 4;
    this.store = new MemoryJobStore({ shards });
    this.config = sweepConfigFrom({ shards, lookaheadSec: 90 }, { pageSize: 50, ...options.config });
  }

  deps(overrides: Partial<SweepDeps> = {}): SweepDeps {
    return { store: this.store, queue: this.queue, clock: this.clock, config: this.config, owner: `sweep-${++this.sweeps}`, ...overrides };
  }

  sweep(overrides: Partial<SweepDeps> = {}): Promise<SweepReport> {
    return sweep(this.deps(overrides));
  }

  /** Sweeps once at `atMs` (nothing due yet), so every shard has a cursor near that time; the clock stays there. */
  async warmUp(atMs: number): Promise<void> {
    this.clock.now = atMs;
    const report = await this.sweep();
    expect(report.sent).toBe(0);
  }

  /** Makes the next final save of the cursors (the one releasing the lease) fail: a crash after the sends. */
  failNextFinalSave(): void {
    const save = this.store.saveSweep.bind(this.store);
    let armed = true;
    this.store.saveSweep = async (owner, state, release) => {
      if (release && armed) {
        armed = false;
        throw new Error('injected crash before the final saveSweep');
      }
      return save(owner, state, release);
    };
  }

  /**
   * Enqueues a job as the API does, by a writer whose clock reads `writerNowMs`: due within the SQS horizon → sent
   * then put without index entry; later → put in its bucket. `placement: 'lane'` writes a transaction's job (not sent).
   */
  async enqueue(id: string, dueAtMs: number, options: { writerNowMs?: number; placement?: Placement; queue?: string } = {}): Promise<JobRecord> {
    const writerNowMs = options.writerNowMs ?? this.clock.now;
    const placement = options.placement ?? (dueAtMs < writerNowMs + DIRECT_HORIZON_MS ? 'none' : 'bucket');
    const record = jobRecord(id, dueAtMs, writerNowMs, placement, options.queue ?? 'default');
    if (placement === 'none') await sendJobMessages(this.queue, [record], writerNowMs);
    const result = await this.store.createJob(record);
    expect(result.created).toBe(true);
    this.accepted.set(id, record);
    return record;
  }

  /**
   * Delivers every message sent so far, as SQS and the consumer would: visible after its delay, claimed at its due
   * time (the consumer waits the sub-second rest), completed at once.
   */
  async deliver(): Promise<RecordedMessage[]> {
    const messages = this.memoryQueue.take();
    for (const m of messages) {
      const visibleAtMs = m.message.sentAtMs + m.delaySec * 1000;
      const atMs = Math.max(visibleAtMs, m.message.dueAtMs);
      const claim = await this.claim(m.message, atMs, atMs + MINUTE);
      if (!claim.claimed) {
        this.duplicates++;
        continue;
      }
      this.runs.push({ id: m.message.id, atMs, latenessMs: atMs - claim.job.dueAtMs });
      const done = await this.store.finishAttempt(m.message.id, claim.job.attempt, {
        state: 'completed',
        nowMs: atMs,
        expiresAtEpochSec: Math.floor(atMs / 1000) + 7 * 86_400,
      });
      expect(done).toBe(true);
    }
    return messages;
  }

  /**
   * The consumer's claim of one message at `atMs`: a schedule's occurrence creates its job from the schedule
   * (`claimOccurrence`, the consumer's own first claim), any other message claims its job.
   */
  claim(message: JobMessage, atMs: number, leaseUntilMs: number): Promise<FirstClaimResult> {
    const lease = { nowMs: atMs, leaseUntilMs };
    return message.occurrence
      ? claimOccurrence(this.store, message, message.occurrence, lease)
      : this.store.claimJob(message.id, { dueAtMs: message.dueAtMs, ...lease });
  }

  /** Sweeps and delivers once a minute (plus `jitterMs`) for `minutes` minutes. */
  async runMinutes(minutes: number, jitterMs = 0): Promise<SweepReport[]> {
    const reports: SweepReport[] = [];
    for (let i = 0; i < minutes; i++) {
      this.clock.advance(MINUTE);
      this.clock.advance(jitterMs);
      reports.push(await this.sweep());
      this.clock.advance(-jitterMs);
      await this.deliver();
    }
    return reports;
  }

  /** Asserts that every accepted job (or the given ids) ran exactly once, and nothing else ran. */
  expectEachRanOnce(ids: Iterable<string> = this.accepted.keys()): void {
    const counts = new Map<string, number>();
    for (const run of this.runs) counts.set(run.id, (counts.get(run.id) ?? 0) + 1);
    const expected = [...ids].sort();
    const missing = expected.filter((id) => !counts.has(id));
    const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    expect({ missing, twice }).toEqual({ missing: [], twice: [] });
    expect([...counts.keys()].sort()).toEqual(expected);
  }

  /** Asserts that no job ran twice (for occurrence jobs, which no writer accepted up front). */
  expectNoneRanTwice(): void {
    const seen = new Set<string>();
    const twice = this.runs.filter((r) => (seen.has(r.id) ? true : (seen.add(r.id), false))).map((r) => r.id);
    expect(twice).toEqual([]);
  }

  maxLatenessMs(): number {
    return Math.max(0, ...this.runs.map((r) => r.latenessMs));
  }
}

/** A job record as the API writes it. */
export function jobRecord(id: string, dueAtMs: number, nowMs: number, placement: Placement, queue = 'default'): JobRecord {
  return {
    id,
    task: 'test-task',
    queue,
    payload: JSON.stringify({ id }),
    state: 'scheduled',
    dueAtMs,
    attempt: 0,
    maxAttempts: 3,
    backoff: DEFAULT_BACKOFF,
    timeoutSec: 30,
    storeResult: false,
    placement,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
    ...(placement === 'none' ? { sentAtMs: nowMs } : {}),
  };
}

/** `count` job ids with a prefix. */
export function ids(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);
}
