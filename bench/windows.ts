/**
 * Metered windows on the bench stack: start a meter snapshot, create jobs one way (one path), wait until every one of
 * them has ended, and keep what was counted in between. The precision and cost suites both read these windows, so the
 * jobs whose lateness is measured are the very jobs whose requests are counted.
 */
import type { Job } from '../lib/model.ts';
import type { BenchStack } from './bench-stack.ts';
import { diff, type MeterSnapshot } from './meter.ts';
import { mapLimit, sleep } from './stats.ts';

/** The paths a job can take, as the cost suite names them. */
export type PathName = 'direct' | 'direct, 50 callers' | 'swept' | 'recurring' | 'recurring, 1 per advance' | 'recurring, every 5 s, 1-minute sweeps' | 'recurring, every minute, 1-minute sweeps' | 'recurring, cron every minute, 1-minute sweeps' | 'transactional' | 'retried' | 'eventbridge' | 'eventbridge-ingest';

/** What one window did. */
export interface Window {
  readonly path: PathName;
  /** Every job of the window as last read (ended ones carry their result). */
  readonly jobs: readonly Job[];
  /** Jobs that had not ended when the window gave up waiting. */
  readonly unfinished: number;
  readonly usage: MeterSnapshot;
  readonly durationMs: number;
  /** When `create` started and resolved: the window's own enqueue burst. */
  readonly createStartedAtMs: number;
  readonly createEndedAtMs: number;
}

/** A window whose jobs are created; `finish` waits for them and closes its meter. */
export interface OpenWindow {
  readonly path: PathName;
  /** The latest due time of its jobs (the sweeper's occurrences may be a little later). */
  readonly lastDueAtMs: number;
  finish(): Promise<Window>;
}

const ENDED = new Set(['completed', 'failed', 'cancelled']);
/** How long after the last due time a window waits for stragglers before it reports them unfinished. */
const GRACE_MS = 60_000;

/**
 * Opens one window: `create` makes the jobs (through the metered scheduler) and returns their ids and latest due time.
 * `finish` waits, without polling, until that due time, then reads the jobs until all have ended (or the grace is
 * over) and returns what was counted since the window opened. Jobs that the sweeper creates (occurrences) are found
 * with `listIds`, and the window waits for `expected` of them. Between `open` and `finish` other windows may run, as
 * long as the caller takes their counts out (`excluding`).
 *
 * @example
 * ```ts
 * const swept = await openWindow(bench, 'swept', { sweeper: true }, async () => ({ ids, lastDueAtMs }));
 * const direct = await runWindow(bench, 'direct', { sweeper: false }, createDirect);
 * const sweptWindow = excluding(await swept.finish(), [direct.usage]);
 * ```
 */
export async function openWindow(
  bench: BenchStack,
  path: PathName,
  options: { sweeper: boolean },
  create: () => Promise<{ ids: readonly string[]; lastDueAtMs: number; expected?: number }>,
  listIds?: () => Promise<readonly string[]>,
): Promise<OpenWindow> {
  if (options.sweeper) bench.stack.resumeTriggers();
  else bench.stack.pauseTriggers();
  const before = bench.meter.snapshot();
  const startedAt = Date.now();
  const created = await create();
  const createEndedAtMs = Date.now();
  const finish = async (): Promise<Window> => {
    let ids = [...created.ids];
    await sleep(Math.max(0, created.lastDueAtMs - Date.now() + 1_000));
    const done = new Map<string, Job>();
    const deadline = created.lastDueAtMs + GRACE_MS;
    for (;;) {
      if (listIds) ids = [...(await listIds())];
      const pending = ids.filter((id) => !done.has(id));
      const read = await mapLimit(pending, 8, (id) => bench.reader.get(id));
      for (const job of read) if (ENDED.has(job.state)) done.set(job.id, job);
      const complete = ids.length > 0 && ids.length >= (created.expected ?? 0) && done.size === ids.length;
      if (complete || Date.now() > deadline) {
        const usage = diff(bench.meter.snapshot(), before);
        const last = new Map(read.map((j) => [j.id, j]));
        const jobs = ids.map((id) => done.get(id) ?? last.get(id)!).filter((j) => j !== undefined);
        bench.stack.resumeTriggers();
        return {
          path,
          jobs,
          unfinished: Math.max(ids.length, created.expected ?? 0) - done.size,
          usage,
          durationMs: Date.now() - startedAt,
          createStartedAtMs: startedAt,
          createEndedAtMs,
        };
      }
      await sleep(1_000);
    }
  };
  return { path, lastDueAtMs: created.lastDueAtMs, finish };
}

/**
 * Runs one window from start to end (`openWindow`, then `finish`).
 *
 * @example
 * ```ts
 * const w = await runWindow(bench, 'direct', { sweeper: false }, async () => ({ ids, lastDueAtMs }));
 * ```
 */
export async function runWindow(
  bench: BenchStack,
  path: PathName,
  options: { sweeper: boolean },
  create: () => Promise<{ ids: readonly string[]; lastDueAtMs: number; expected?: number }>,
  listIds?: () => Promise<readonly string[]>,
): Promise<Window> {
  return await (await openWindow(bench, path, options, create, listIds)).finish();
}

/**
 * A window's counts less those of windows (or calibration sweeps) that ran inside it. Exact as long as none of the
 * outer window's own requests fell inside the inner ones, which the caller arranges (the bench starts them only once
 * the sweeper has sent every outer job, and ends them before the first is due).
 *
 * @example
 * ```ts
 * const swept = excluding(outer, [direct.usage, calibration.usage]);
 * ```
 */
export function excluding(window: Window, inner: readonly MeterSnapshot[]): Window {
  return { ...window, usage: inner.reduce((usage, used) => diff(usage, used), window.usage) };
}

/**
 * Counts what `sweeps` idle sweeps cost (nothing due), to take it out of the windows that need the sweeper.
 *
 * @example
 * ```ts
 * const idle = await idleSweeps(bench, 3);
 * ```
 */
export async function idleSweeps(bench: BenchStack, sweeps: number): Promise<{ usage: MeterSnapshot; sweeps: number; durationMs: number }> {
  bench.stack.resumeTriggers();
  const count = () => bench.meter.snapshot().invocations[bench.sweeperId] ?? 0;
  // Start right after a sweep has finished, so the window holds whole sweeps.
  const first = count();
  while (count() === first) await sleep(100);
  await sleep(1_000);
  const before = bench.meter.snapshot();
  const startedAt = Date.now();
  const start = count();
  while (count() < start + sweeps) await sleep(100);
  await sleep(1_000);
  const usage = diff(bench.meter.snapshot(), before);
  return { usage, sweeps: usage.invocations[bench.sweeperId] ?? sweeps, durationMs: Date.now() - startedAt };
}
