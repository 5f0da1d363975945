/**
 * Real timers on the local stack (issue 5): jobs 2 s–22 s ahead, on the direct path (< 12 s here) and the swept path
 * (≥ 12 s), each run exactly once, on or after its due time. Lateness is printed, not asserted: the suite never
 * asserts timings; `npm run bench` measures precision properly.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DIRECT_HORIZON_SEC, eventually, percentile, useSharedStack, type TestStack } from './support.ts';

let t: TestStack;
beforeAll(() => {
  t = useSharedStack();
});
afterAll(async () => {
  await t?.stop();
});

it('fires every job once, on its second, on both paths', async () => {
  // The shared stack's global setup ran a warm-up job: the consumer's cold start is behind us.
  // 2 s up to 10 s past the direct horizon: both paths, and the swept path never waits longer than it must.
  const lastSec = DIRECT_HORIZON_SEC + 10;
  const horizonsSec = Array.from({ length: 40 }, (_, i) => 2 + Math.round((i * (lastSec - 2)) / 39));
  const jobs = await Promise.all(
    horizonsSec.map((inSec, i) => t.scheduler.enqueue('record', { log: t.log, tag: inSec < DIRECT_HORIZON_SEC ? 'direct' : 'swept' }, { in: inSec + (i % 10) / 10 })),
  );
  const ids = new Set(jobs.map((j) => j.id));
  await eventually(() => (t.runs().filter((r) => ids.has(r.id)).length >= jobs.length ? true : undefined), 'all jobs ran', 150_000);
  const runs = t.runs().filter((r) => ids.has(r.id));
  expect(new Set(runs.map((r) => r.id)).size).toBe(jobs.length); // each once
  expect(runs).toHaveLength(jobs.length);
  for (const run of runs) expect(run.startedAtMs).toBeGreaterThanOrEqual(run.dueAtMs); // never early
  for (const path of ['direct', 'swept']) {
    const lateness = runs.filter((r) => r.tag === path).map((r) => r.startedAtMs - r.dueAtMs);
    console.log(
      `[timing] ${path}: n=${lateness.length} lateness p50=${percentile(lateness, 50)} ms p99=${percentile(lateness, 99)} ms max=${Math.max(...lateness)} ms`,
    );
  }
}, 180_000);
