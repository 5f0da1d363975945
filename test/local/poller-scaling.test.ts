/**
 * The local event source's scaling rule, stepped with a fake clock: AWS's standard mode starts at five batches and adds
 * up to 300 a minute (one per 200 ms) while messages wait, up to the mapping's maximum; it scales back when idle.
 */
import { describe, expect, it } from 'vitest';
import { ADDED_BATCHES_PER_MINUTE, INITIAL_CONCURRENT_BATCHES, PollerScaling } from '../../infra/local/poller-scaling.ts';

function scalingAt(options: { maxConcurrency: number; enabled?: boolean }) {
  const time = { now: 1_000_000 };
  const scaling = new PollerScaling({ maxConcurrency: options.maxConcurrency, enabled: options.enabled ?? true, clock: { nowMs: () => time.now } });
  return { time, scaling };
}

describe('PollerScaling', () => {
  it("starts at AWS's five batches and adds one per 200 ms (300 a minute) while messages wait", () => {
    const { time, scaling } = scalingAt({ maxConcurrency: 20 });
    expect(scaling.limit).toBe(INITIAL_CONCURRENT_BATCHES);
    expect(PollerScaling.addIntervalMs).toBe(60_000 / ADDED_BATCHES_PER_MINUTE);
    expect(scaling.messagesWaiting()).toBe(200);
    expect(scaling.limit).toBe(6);
    // Asked again too soon: no batch added, and the wait until the next one is what is left of the interval.
    time.now += 150;
    expect(scaling.messagesWaiting()).toBe(50);
    expect(scaling.limit).toBe(6);
    time.now += 50;
    scaling.messagesWaiting();
    expect(scaling.limit).toBe(7);
  });

  it('adds at most 300 batches in a minute however often it is asked', () => {
    const { time, scaling } = scalingAt({ maxConcurrency: 1_000 });
    for (let ms = 0; ms < 60_000; ms += 10) {
      scaling.messagesWaiting();
      time.now += 10;
    }
    expect(scaling.limit - INITIAL_CONCURRENT_BATCHES).toBe(300);
  });

  it('does not bank additions over a quiet spell: one at once, the next an interval later', () => {
    const { time, scaling } = scalingAt({ maxConcurrency: 20 });
    scaling.messagesWaiting();
    time.now += 10_000;
    expect(scaling.messagesWaiting()).toBe(200);
    expect(scaling.limit).toBe(7);
  });

  it("stops at the mapping's maximum and says no more will come", () => {
    const { time, scaling } = scalingAt({ maxConcurrency: 7 });
    scaling.messagesWaiting();
    time.now += 200;
    expect(scaling.messagesWaiting()).toBeUndefined();
    time.now += 200;
    expect(scaling.messagesWaiting()).toBeUndefined();
    expect(scaling.limit).toBe(7);
    expect(scaling.peak).toBe(7);
  });

  it('scales back by one per empty receive, never below five', () => {
    const { time, scaling } = scalingAt({ maxConcurrency: 20 });
    for (let i = 0; i < 3; i++) {
      scaling.messagesWaiting();
      time.now += 200;
    }
    expect(scaling.limit).toBe(8);
    for (let i = 0; i < 5; i++) scaling.queueEmpty();
    expect(scaling.limit).toBe(5);
    expect(scaling.peak).toBe(8);
  });

  it.each([
    [3, 3],
    [2, 2],
  ])('a mapping maximum of %d below five is the limit from the start', (maxConcurrency, limit) => {
    const { scaling } = scalingAt({ maxConcurrency });
    expect(scaling.limit).toBe(limit);
    expect(scaling.messagesWaiting()).toBeUndefined();
  });

  it('with scaling off, stays at five whatever waits', () => {
    const { time, scaling } = scalingAt({ maxConcurrency: 20, enabled: false });
    for (let i = 0; i < 10; i++) {
      expect(scaling.messagesWaiting()).toBeUndefined();
      time.now += 1_000;
    }
    expect(scaling.limit).toBe(5);
  });
});
