/**
 * Burst: N jobs due within the same minute on the bench stack, all of them swept (written beyond the direct horizon).
 * It reports their lateness, the sweeper's send rate while it sent them (jobs sent per second of sweep time) against
 * raw `SendMessageBatch` on the same emulator (the scale suite's baseline), and whether every job's task body started
 * exactly once (counted from the consumer's "Job started" lines, one per claim).
 */
import { benchBurst, type StartedAt } from './fixtures/tasks.ts';
import type { BenchStack } from './bench-stack.ts';
import { distribution, mapLimit, sleep, type Distribution } from './stats.ts';

export interface BurstResult {
  readonly jobs: number;
  /** Task start − due, over the jobs that completed. */
  readonly lateness: Distribution;
  readonly sweeper: { readonly sent: number; readonly sweeps: number; readonly sweepSeconds: number; readonly perSecond: number };
  /** Raw SendMessageBatch rate on the same emulator, and the sweeper's share of it. */
  readonly raw: { readonly perSecond: number };
  readonly ratio: number;
  /** Jobs whose task started once, more than once, or never (before the grace ran out). */
  readonly ranOnce: number;
  readonly ranMoreThanOnce: number;
  readonly neverRan: number;
  readonly durationMs: number;
}

/** How many `enqueueMany` calls run at once to write the burst, and the items per call. */
const WRITERS = 4;
const SLICE = 1_000;

/**
 * Writes `jobs` jobs due evenly over one minute that starts once they are all written and beyond the direct horizon,
 * waits until they have run (or `graceMs` after the minute), and reads the outcome.
 *
 * @example
 * ```ts
 * const burst = await runBurst(bench, { jobs: 2_000, rawPerSecond: scale.send.raw.perSecond, graceMs: 120_000 }, log);
 * ```
 */
export async function runBurst(
  bench: BenchStack,
  options: { jobs: number; rawPerSecond: number; graceMs: number },
  log: (line: string) => void,
): Promise<BurstResult> {
  const startedAt = Date.now();
  bench.stack.resumeTriggers();
  // Written at ~2,000 jobs/s here; the minute starts after the writes and after the direct horizon, so every job is
  // swept, and the sweeper sends it within its lookahead.
  const writeEstimateMs = (options.jobs / 1_500) * 1_000;
  const minuteStartsAtMs = startedAt + bench.directHorizonSec * 1_000 + writeEstimateMs + 10_000;
  const slices = Array.from({ length: Math.ceil(options.jobs / SLICE) }, (_, s) =>
    Array.from({ length: Math.min(SLICE, options.jobs - s * SLICE) }, (_, i) => {
      const index = s * SLICE + i;
      return { task: benchBurst.name, payload: {}, options: { at: new Date(minuteStartsAtMs + Math.floor((index * 60_000) / options.jobs)) } };
    }),
  );
  const written = (await mapLimit(slices, WRITERS, (slice) => bench.reader.enqueueMany(slice))).flat();
  const ids = written.flatMap((r) => (r.ok ? [r.job.id] : []));
  log(`burst: ${ids.length} of ${options.jobs} jobs written in ${Date.now() - startedAt} ms, due from ${new Date(minuteStartsAtMs).toISOString()} over one minute`);
  if (Date.now() > minuteStartsAtMs - bench.directHorizonSec * 1_000) log('burst: WARNING the writes outlasted the margin; the first jobs may have taken the direct path');

  const sweepsBefore = bench.sweeps.length;
  const deadline = minuteStartsAtMs + 60_000 + options.graceMs;
  const started = () => ids.filter((id) => bench.taskStarts.has(id)).length;
  await sleep(Math.max(0, minuteStartsAtMs + 60_000 - Date.now()));
  while (started() < ids.length && Date.now() < deadline) await sleep(1_000);

  const samples: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await bench.reader.list({ task: benchBurst.name, state: 'completed', limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const job of page.items) {
      const startedAtMs = (job.result as StartedAt | undefined)?.startedAtMs;
      if (typeof startedAtMs === 'number') samples.push(startedAtMs - job.dueAt.getTime());
    }
    cursor = page.cursor;
  } while (cursor);

  const sending = bench.sweeps.slice(sweepsBefore).filter((s) => s.sent > 0 && s.endedAtMs !== undefined);
  const sent = sending.reduce((n, s) => n + s.sent, 0);
  const sweepSeconds = sending.reduce((n, s) => n + (s.endedAtMs! - s.sweepNowMs), 0) / 1000;
  const perSecond = sweepSeconds > 0 ? Math.round(sent / sweepSeconds) : 0;
  const counts = ids.map((id) => bench.taskStarts.get(id) ?? 0);
  return {
    jobs: ids.length,
    lateness: distribution(samples),
    sweeper: { sent, sweeps: sending.length, sweepSeconds: Math.round(sweepSeconds * 10) / 10, perSecond },
    raw: { perSecond: options.rawPerSecond },
    ratio: options.rawPerSecond > 0 ? Math.round((perSecond / options.rawPerSecond) * 1000) / 1000 : 0,
    ranOnce: counts.filter((n) => n === 1).length,
    ranMoreThanOnce: counts.filter((n) => n > 1).length,
    neverRan: counts.filter((n) => n === 0).length,
    durationMs: Date.now() - startedAt,
  };
}
