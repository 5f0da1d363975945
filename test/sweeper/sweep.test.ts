import { describe, expect, it } from 'vitest';
import { bucketOf, shardOf } from '../../lib/core/buckets.ts';
import { ValidationError } from '../../lib/core/errors.ts';
import { CHECKPOINT_EVERY_PAGES } from '../../lib/sweeper/cursor-book.ts';
import { CONTINUATION_RESERVE_MS } from '../../lib/sweeper/sweep.ts';
import { MINUTE, T0, World, ids, jobRecord } from './harness.ts';

/** Enqueues `count` far-future jobs (written 20+ minutes ahead), due at spread-out times between `fromMs` and `toMs`. */
async function enqueueSpread(world: World, prefix: string, count: number, fromMs: number, toMs: number): Promise<string[]> {
  const list = ids(prefix, count);
  for (const [i, id] of list.entries()) {
    await world.enqueue(id, fromMs + Math.floor(((toMs - fromMs) * i) / count) + (i % 1000), { writerNowMs: fromMs - 20 * MINUTE });
  }
  return list;
}

describe('sweep: buckets', () => {
  it('sends every bucket job once, on its second, as the cursor moves a minute at a time', async () => {
    const world = new World();
    await enqueueSpread(world, 'j', 200, T0 + 2 * MINUTE, T0 + 30 * MINUTE);
    const reports = await world.runMinutes(32);
    world.expectEachRanOnce();
    expect(world.duplicates).toBe(0);
    expect(world.maxLatenessMs()).toBe(0);
    expect(reports.every((r) => !r.skipped && !r.continued && r.failures.length === 0)).toBe(true);
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(200);
  });

  it('a message is delayed by the whole seconds until due, computed from the clock at send time', async () => {
    const world = new World();
    await world.enqueue('a', T0 + 20 * MINUTE + 42_750, { writerNowMs: T0 });
    world.clock.now = T0 + 20 * MINUTE;
    await world.sweep();
    const [sent] = world.memoryQueue.sent;
    expect(sent).toMatchObject({ queue: 'default', delaySec: 42, message: { v: 1, id: 'a', dueAtMs: T0 + 20 * MINUTE + 42_750 } });
  });

  it('reads no further than now + lookahead', async () => {
    const world = new World();
    await world.enqueue('in', T0 + 20 * MINUTE + 90_000, { writerNowMs: T0 });
    await world.enqueue('out', T0 + 20 * MINUTE + 90_001, { writerNowMs: T0 });
    world.clock.now = T0 + 20 * MINUTE;
    const report = await world.sweep();
    expect(world.memoryQueue.sent.map((m) => m.message.id)).toEqual(['in']);
    expect(report.untilMs).toBe(T0 + 20 * MINUTE + 90_000);
  });

  it('routes each job to its queue', async () => {
    const world = new World();
    await world.enqueue('a', T0 + 20 * MINUTE, { writerNowMs: T0, queue: 'reports' });
    await world.enqueue('b', T0 + 20 * MINUTE, { writerNowMs: T0 });
    world.clock.now = T0 + 20 * MINUTE;
    await world.sweep();
    expect(world.memoryQueue.sent.map((m) => [m.message.id, m.queue]).sort()).toEqual([
      ['a', 'reports'],
      ['b', 'default'],
    ]);
  });

  it('pages through a crowded bucket and checkpoints along the way', async () => {
    const world = new World({ shards: 1, config: { pageSize: 10 } });
    await enqueueSpread(world, 'j', 300, T0 + 20 * MINUTE, T0 + 20 * MINUTE + 50_000);
    world.clock.now = T0 + 20 * MINUTE;
    const saves: number[] = [];
    const save = world.store.saveSweep.bind(world.store);
    world.store.saveSweep = async (...args) => {
      saves.push(args[2] ? 1 : 0);
      return save(...args);
    };
    const report = await world.sweep();
    expect(report.sent).toBe(300);
    expect(report.pagesRead).toBeGreaterThanOrEqual(30);
    expect(saves.filter((s) => s === 0).length).toBeGreaterThanOrEqual(Math.floor(30 / CHECKPOINT_EVERY_PAGES));
    expect(saves.at(-1)).toBe(1);
    await world.deliver();
    world.expectEachRanOnce();
  });

  it('a shard without a cursor starts 15 minutes back, so a job due just before the first sweep is not missed', async () => {
    const world = new World();
    await world.enqueue('late', T0 - 14 * MINUTE, { writerNowMs: T0 - 40 * MINUTE });
    await world.enqueue('too-old', T0 - 16 * MINUTE, { writerNowMs: T0 - 40 * MINUTE });
    await world.sweep();
    expect(world.memoryQueue.sent.map((m) => m.message.id)).toEqual(['late']);
  });

  it('rejects a bad configuration, listing every problem', async () => {
    const world = new World();
    const error = await world
      .sweep({ config: { shards: 2, lookaheadSec: 900, misfireGraceSec: -1, maxCatchUp: 0, pageSize: 5000, retentionDays: 7 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const problems = (error as ValidationError).problems.join('\n');
    for (const field of ['lookaheadSec', 'misfireGraceSec', 'maxCatchUp', 'pageSize', 'store has 4']) expect(problems).toContain(field);
    expect(problems).toContain('received 900');
  });
});

describe('sweep: crashes', () => {
  it('crash between send and cursor save: the next sweep sends again and the claim drops the duplicates', async () => {
    // One shard and a warm cursor: fewer pages than a checkpoint, so the crash loses all of the sweep's progress.
    const world = new World({ shards: 1 });
    const list = await enqueueSpread(world, 'j', 40, T0 + 20 * MINUTE, T0 + 21 * MINUTE);
    await world.warmUp(T0 + 18 * MINUTE);
    world.clock.now = T0 + 20 * MINUTE;
    world.failNextFinalSave();
    await expect(world.sweep()).rejects.toThrow(/saveSweep/);
    const firstSent = world.memoryQueue.sent.length;
    expect(firstSent).toBeGreaterThan(10);
    await world.deliver();
    // The crashed sweep's lease blocks the next trigger until it expires (60 s).
    world.clock.advance(30_000);
    expect((await world.sweep()).skipped).toBe(true);
    await world.runMinutes(3);
    world.expectEachRanOnce(list);
    expect(world.duplicates).toBe(firstSent);
  });

  it('a refused send leaves the cursor before the page; the next sweep sends it', async () => {
    const world = new World({ shards: 1 });
    const list = await enqueueSpread(world, 'j', 20, T0 + 20 * MINUTE, T0 + 20 * MINUTE + 30_000);
    world.clock.now = T0 + 20 * MINUTE;
    world.memoryQueue.failNextSends(1);
    const report = await world.sweep();
    expect(report.failures).toEqual([expect.objectContaining({ scope: 'bucket', shard: 0 })]);
    await world.deliver();
    world.clock.advance(MINUTE);
    await world.sweep();
    await world.deliver();
    world.expectEachRanOnce(list);
  });

  it('crash between send and markSent of a lane job: sent again next sweep, run once', async () => {
    const world = new World();
    await world.enqueue('tx1', T0 + 30_000, { placement: 'lane' });
    await world.enqueue('tx2', T0 + 40_000, { placement: 'lane' });
    world.store.failNextCall('markSent');
    const first = await world.sweep();
    expect(first.failures.filter((f) => f.scope === 'lane')).toHaveLength(1);
    await world.deliver();
    await world.runMinutes(2);
    world.expectEachRanOnce(['tx1', 'tx2']);
    expect(world.duplicates).toBe(1);
  });

  it('a lane job is read only until it is sent', async () => {
    const world = new World();
    await world.enqueue('tx', T0 + 30_000, { placement: 'lane' });
    await world.enqueue('tx-later', T0 + 10 * MINUTE, { placement: 'lane' });
    expect((await world.sweep()).sent).toBe(1);
    expect((await world.runMinutes(3)).map((r) => r.sent)).toEqual([0, 0, 0]);
    await world.runMinutes(8);
    world.expectEachRanOnce(['tx', 'tx-later']);
  });
});

describe('sweep: concurrency and triggers', () => {
  it.each([2, 3])('%i sweeps started at once: one sweeps, the others skip', async (count) => {
    const world = new World();
    const list = await enqueueSpread(world, 'j', 50, T0 + 20 * MINUTE, T0 + 21 * MINUTE);
    world.clock.now = T0 + 20 * MINUTE;
    const reports = await Promise.all(Array.from({ length: count }, () => world.sweep()));
    expect(reports.filter((r) => r.skipped)).toHaveLength(count - 1);
    await world.deliver();
    await world.runMinutes(2);
    world.expectEachRanOnce(list);
    expect(world.duplicates).toBe(0);
  });

  it('a slow sweep outliving its lease: the next one takes over, the slow one stops without saving, nothing runs twice', async () => {
    const world = new World({ config: { pageSize: 5 } });
    const list = await enqueueSpread(world, 'j', 60, T0 + 20 * MINUTE, T0 + 21 * MINUTE);
    world.clock.now = T0 + 20 * MINUTE;
    world.queue.hold();
    const blocked = world.queue.reached();
    // Its lease ends 40 s after it started; it believes it has time left (a frozen process, a skewed clock).
    const slow = world.sweep({ remainingTimeMs: () => 40_000 });
    await blocked; // the slow sweep holds its lease and waits on its first send
    world.clock.advance(41_000);
    world.queue.release();
    const takeover = world.sweep({ remainingTimeMs: () => 60_000 });
    const [slowReport, takeoverReport] = await Promise.all([slow, takeover]);
    expect(takeoverReport.skipped).toBe(false);
    expect(slowReport.leaseLost).toBe(true);
    expect(slowReport.continued).toBe(true);
    await world.deliver();
    await world.runMinutes(2);
    world.expectEachRanOnce(list);
  });

  it.each([
    { name: 'two and three concurrent sweeps over the same buckets, repeatedly', concurrent: 3 },
    { name: 'a double-fired trigger every minute', concurrent: 2 },
  ])('$name: every job once', async ({ concurrent }) => {
    const world = new World();
    const list = await enqueueSpread(world, 'j', 150, T0 + 16 * MINUTE, T0 + 26 * MINUTE);
    world.clock.now = T0 + 15 * MINUTE;
    for (let minute = 0; minute < 13; minute++) {
      world.clock.advance(MINUTE);
      const reports = await Promise.all(Array.from({ length: concurrent }, () => world.sweep()));
      expect(reports.filter((r) => !r.skipped)).toHaveLength(1);
      // A second trigger after the first finished takes the released lease and finds nothing new to send.
      expect((await world.sweep()).sent).toBe(0);
      await world.deliver();
    }
    world.expectEachRanOnce(list);
    expect(world.duplicates).toBe(0);
  });

  it('a sweep 45 s late: nothing lost; jobs due in the gap are sent at once, late by at most the gap', async () => {
    const world = new World();
    const list = await enqueueSpread(world, 'j', 240, T0 + 16 * MINUTE, T0 + 24 * MINUTE);
    world.clock.now = T0 + 15 * MINUTE;
    await world.runMinutes(3);
    world.clock.advance(MINUTE + 45_000);
    const late = await world.sweep();
    expect(late.sent).toBeGreaterThan(0);
    await world.deliver();
    world.clock.advance(-45_000);
    await world.runMinutes(8);
    world.expectEachRanOnce(list);
    // The previous window ended 90 s after its sweep, the late sweep came 105 s after it.
    expect(world.maxLatenessMs()).toBeGreaterThan(0);
    expect(world.maxLatenessMs()).toBeLessThanOrEqual(15_000);
  });

  it('trigger jitter of several seconds is covered by the lookahead: nothing is late', async () => {
    const world = new World();
    const list = await enqueueSpread(world, 'j', 200, T0 + 16 * MINUTE, T0 + 24 * MINUTE);
    world.clock.now = T0 + 15 * MINUTE;
    for (let i = 0; i < 10; i++) await world.runMinutes(1, (i * 7_919) % 20_000);
    world.expectEachRanOnce(list);
    expect(world.maxLatenessMs()).toBe(0);
  });
});

describe('sweep: writes during and around a sweep', () => {
  it('a write landing in the current bucket during a sweep is read by the next sweep', async () => {
    const world = new World({ shards: 1 });
    // now + lookahead lands at :30 of a minute, so the window ends mid-bucket.
    world.clock.now = T0 + 20 * MINUTE;
    await world.enqueue('before', T0 + 21 * MINUTE + 10_000, { writerNowMs: T0 });
    let written = false;
    world.queue.beforeSend = async () => {
      if (written) return;
      written = true;
      // A writer whose clock is far behind (or a lagging index) puts a job into the bucket being swept, after the window.
      await world.enqueue('during', T0 + 21 * MINUTE + 45_000, { placement: 'bucket' });
    };
    const report = await world.sweep();
    expect(report.sent).toBe(1);
    expect(bucketOf(report.untilMs)).toBe(bucketOf(T0 + 21 * MINUTE + 45_000));
    await world.deliver();
    await world.runMinutes(3);
    world.expectEachRanOnce(['before', 'during']);
    expect(world.maxLatenessMs()).toBe(0);
  });

  it.each([
    { skew: 'behind', skewMs: -2 * MINUTE },
    { skew: 'ahead', skewMs: 2 * MINUTE },
  ])('writers whose clock is 2 minutes $skew: every job runs once, swept ones on their second', async ({ skewMs }) => {
    const world = new World();
    const swept: string[] = [];
    world.clock.now = T0;
    for (let minute = 0; minute < 40; minute++) {
      // Each minute writers enqueue jobs due 1 s to 25 min ahead of their own (skewed) clock.
      for (let k = 0; k < 6; k++) {
        const id = `m${minute}-k${k}`;
        const writerNowMs = world.clock.now + skewMs;
        const dueAtMs = writerNowMs + 1_000 + k * 5 * MINUTE + minute * 997;
        const job = await world.enqueue(id, dueAtMs, { writerNowMs });
        if (job.placement === 'bucket') swept.push(id);
      }
      world.clock.advance(MINUTE);
      await world.sweep();
      await world.deliver();
    }
    await world.runMinutes(30);
    world.expectEachRanOnce();
    expect(swept.length).toBeGreaterThan(40);
    const sweptRuns = world.runs.filter((r) => swept.includes(r.id));
    expect(Math.max(...sweptRuns.map((r) => r.latenessMs))).toBe(0);
  });
});

describe('sweep: continuation', () => {
  it('stops when time runs low, saves its cursors, and the next invocation resumes', async () => {
    const world = new World({ shards: 2, config: { pageSize: 10 } });
    const list = await enqueueSpread(world, 'j', 400, T0 + 20 * MINUTE, T0 + 20 * MINUTE + 50_000);
    await world.warmUp(T0 + 18 * MINUTE);
    world.clock.now = T0 + 20 * MINUTE;
    let pagesLeft = 6;
    const read = world.store.readBucket.bind(world.store);
    world.store.readBucket = async (...args) => {
      pagesLeft--;
      return read(...args);
    };
    const remainingTimeMs = (): number => (pagesLeft > 0 ? 50_000 : CONTINUATION_RESERVE_MS - 1);
    const first = await world.sweep({ remainingTimeMs });
    expect(first.continued).toBe(true);
    expect(first.sent).toBeGreaterThan(0);
    expect(first.sent).toBeLessThan(400);
    await world.deliver();
    const second = await world.sweep({ remainingTimeMs: () => 50_000 });
    expect(second.continued).toBe(false);
    expect(first.sent + second.sent).toBe(400);
    await world.deliver();
    world.expectEachRanOnce(list);
    expect(world.duplicates).toBe(0);
  });

  it('a burst of 20,000 jobs due in one minute goes out in one sweep, in pages, with no duplicates', async () => {
    const world = new World({ shards: 8, config: { pageSize: 500 } });
    const list = ids('b', 20_000);
    await world.store.createJobs(list.map((id, i) => jobRecord(id, T0 + 20 * MINUTE + ((i * 3) % 60_000), T0, 'bucket')));
    await world.warmUp(T0 + 18 * MINUTE);
    world.clock.now = T0 + 20 * MINUTE;
    const report = await world.sweep();
    expect(report.sent).toBe(20_000);
    // ~2,500 per shard: 5–6 pages of 500 in the burst's minute, plus buckets 19 and 21 and the lane.
    expect(report.pagesRead).toBeLessThanOrEqual(8 * 10);
    expect(report.bucketsRead).toBe(8 * 3);
    const perShard = new Map<number, number>();
    for (const m of world.memoryQueue.sent) perShard.set(shardOf(m.message.id, 8), (perShard.get(shardOf(m.message.id, 8)) ?? 0) + 1);
    expect(perShard.size).toBe(8);
    expect(new Set(world.memoryQueue.sent.map((m) => m.message.id)).size).toBe(20_000);
  });
});

