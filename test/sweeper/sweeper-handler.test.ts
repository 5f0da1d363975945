import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { SundialError } from '../../lib/core/errors.ts';
import { SweepFailedError } from '../../lib/sweeper/errors.ts';
import { SWEEPER_METRICS, createSweeperHandler } from '../../lib/sweeper/sweeper-handler.ts';
import type { SweepLogger } from '../../lib/sweeper/types.ts';
import { MemoryJobQueue } from '../../lib/queue/memory-queue.ts';
import { MINUTE, T0, World } from './harness.ts';

/** Records what the handler publishes, in place of the EMF output of Powertools Metrics. */
class RecordingMetrics {
  readonly stored: Array<{ name: string; value: number }> = [];
  readonly published: Array<Array<{ name: string; value: number }>> = [];
  addMetric(name: string, _unit: unknown, value: number): void {
    this.stored.push({ name, value });
  }
  hasStoredMetrics(): boolean {
    return this.stored.length > 0;
  }
  publishStoredMetrics(): void {
    this.published.push(this.stored.splice(0));
  }
}

const silentLogger: SweepLogger = { info() {}, warn() {}, error() {} };

function lambdaContext(requestId: string, remainingMs = 55_000): Context {
  return {
    awsRequestId: requestId,
    getRemainingTimeInMillis: () => remainingMs,
    functionName: 'sweeper',
  } as Partial<Context> as Context;
}

describe('sweeper handler', () => {
  it('sweeps with the request id as owner and publishes JobsSent', async () => {
    const world = new World();
    await world.enqueue('a', T0 + 20 * MINUTE + 5_000, { writerNowMs: T0 });
    await world.enqueue('b', T0 + 20 * MINUTE + 6_000, { writerNowMs: T0 });
    world.clock.now = T0 + 20 * MINUTE;
    const metrics = new RecordingMetrics();
    const handler = createSweeperHandler({ store: world.store, queue: world.queue, clock: world.clock, config: world.config, logger: silentLogger, metrics, sleep: world.sleep });
    // The event's shape does not matter: EventBridge Scheduler sends the schedule's input, rules send a scheduled event.
    const report = await handler({ 'detail-type': 'Scheduled Event' }, lambdaContext('req-1'));
    expect(report.sent).toBe(2);
    expect(metrics.published).toHaveLength(1);
    expect(metrics.published[0]).toContainEqual({ name: SWEEPER_METRICS.sent, value: 2 });
    // The lease was released: a second trigger may sweep at once (and finds nothing new).
    expect((await handler({}, lambdaContext('req-2'))).skipped).toBe(false);
  });

  it('a double-fired trigger while the first sweep runs is skipped, and publishes zero', async () => {
    const world = new World();
    const metrics = new RecordingMetrics();
    const handler = createSweeperHandler({ store: world.store, queue: world.queue, clock: world.clock, config: world.config, logger: silentLogger, metrics, sleep: world.sleep });
    expect(await world.store.acquireSweep('req-running', world.clock.now, world.clock.now + 50_000)).toBeDefined();
    const report = await handler({}, lambdaContext('req-double'));
    expect(report.skipped).toBe(true);
    expect(metrics.published[0]).toContainEqual({ name: SWEEPER_METRICS.sent, value: 0 });
  });

  it('fails the invocation after publishing when a step failed, naming it and saying the work stays due', async () => {
    const world = new World({ shards: 1 });
    await world.enqueue('a', T0 + 20 * MINUTE + 5_000, { writerNowMs: T0 });
    world.clock.now = T0 + 20 * MINUTE;
    world.memoryQueue.failNextSends(1);
    const metrics = new RecordingMetrics();
    const handler = createSweeperHandler({ store: world.store, queue: world.queue, clock: world.clock, config: world.config, logger: silentLogger, metrics, sleep: world.sleep });
    const error = await handler({}, lambdaContext('req-1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SundialError);
    expect(error).toBeInstanceOf(SweepFailedError);
    expect((error as SweepFailedError).failures).toEqual([expect.objectContaining({ scope: 'bucket', shard: 0 })]);
    expect((error as Error).message).toMatch(/bucket shard 0.*injected send failure.*still due/s);
    expect(metrics.published).toHaveLength(1);
    // The next invocation sends it.
    expect((await handler({}, lambdaContext('req-2'))).sent).toBe(1);
  });
});

describe('the sweep starts at its send phase', () => {
  it.each([
    ['millisecond', T0 + 40, 750],
    ['millisecond', T0 + 780, 780],
    ['second', T0 + 40, 40],
    ['second', T0 + 600, 1_000],
  ] as const)('precision %s, triggered at %d: sweeps at millisecond %d of the second', async (precision, triggeredAtMs, sweepsAtMs) => {
    const world = new World();
    world.clock.now = triggeredAtMs;
    const queue = new MemoryJobQueue(['default'], { precision });
    const handler = createSweeperHandler({ store: world.store, queue, clock: world.clock, config: world.config, logger: silentLogger, metrics: new RecordingMetrics(), sleep: world.sleep });
    const report = await handler({}, lambdaContext('req-1'));
    expect(report.nowMs - T0).toBe(sweepsAtMs);
  });

  it('a whole-second job sent at the phase is visible about 250 ms before it is due, not 950 ms', async () => {
    const world = new World();
    const dueAtMs = T0 + 20 * MINUTE + 30_000;
    await world.enqueue('on-the-second', dueAtMs, { writerNowMs: T0 });
    world.clock.now = T0 + 20 * MINUTE + 50; // a trigger on the minute, 50 ms into its second
    const handler = createSweeperHandler({ store: world.store, queue: world.queue, clock: world.clock, config: world.config, logger: silentLogger, metrics: new RecordingMetrics(), sleep: world.sleep });
    await handler({}, lambdaContext('req-1'));
    const [sent] = world.memoryQueue.take();
    expect(dueAtMs - (sent!.message.sentAtMs + sent!.delaySec * 1000)).toBe(250);
  });
});

describe('SweepFailedError', () => {
  it('keeps every failure, and names the first ten in its message', () => {
    const failures = Array.from({ length: 12 }, (_, shard) => ({ scope: 'bucket' as const, shard, message: `boom ${shard}` }));
    const error = new SweepFailedError(failures);
    expect(error.failures).toEqual(failures);
    expect(error.name).toBe('SweepFailedError');
    expect(error.message).toContain('12 failed step(s)');
    expect(error.message).toContain('bucket shard 9: boom 9');
    expect(error.message).not.toContain('boom 10');
    expect(error.message).toContain('and 2 more');
  });
});
