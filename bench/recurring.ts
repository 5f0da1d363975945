/**
 * The recurring path's windows. An occurrence has no job record until a consumer claims it, so a window finds its
 * occurrences by listing the jobs of its schedules once they ran.
 *
 * - `recurring`: schedules created inside the window (their creation is part of the path's cost, and spawns the
 *   occurrences due within the lookahead: several occurrences share one schedule advance).
 * - `recurring, 1 per advance`: schedules created before the window, whose every occurrence is spawned by its own
 *   sweep (a slot a minute apart, overlap `skip`, so no spawn reaches past the sweeper's window): what an hourly
 *   schedule costs, whose occurrences never share an advance.
 */
import { DEFAULT_LOOKAHEAD_SEC } from '../lib/config.ts';
import { nextRuns } from '../lib/core/recurrence.ts';
import { benchOccurrence } from './fixtures/tasks.ts';
import type { BenchStack } from './bench-stack.ts';
import { runWindow, type PathName, type Window } from './windows.ts';

/** How many schedules, how often, how many runs each. */
export interface RecurringSizes {
  readonly schedules: number;
  readonly everySec: number;
  readonly runs: number;
}

/**
 * Schedules created inside the window, every `everySec` × `runs`.
 *
 * @example
 * ```ts
 * const window = await runRecurring(bench, { schedules: 5, everySec: 5, runs: 3 });
 * ```
 */
export async function runRecurring(bench: BenchStack, sizes: RecurringSizes): Promise<Window> {
  const tag = Date.now().toString(36);
  return await runWindow(
    bench,
    'recurring',
    { sweeper: true },
    async () => {
      await Promise.all(
        Array.from({ length: sizes.schedules }, (_, i) =>
          bench.scheduler.schedule(`bench-${tag}-${i}`, benchOccurrence.name, {}, { every: sizes.everySec, maxRuns: sizes.runs }),
        ),
      );
      return { ids: [], lastDueAtMs: Date.now() + (sizes.runs + 1) * sizes.everySec * 1000, expected: sizes.schedules * sizes.runs };
    },
    () => occurrenceIds(bench, `bench-${tag}-`),
  );
}

/**
 * Schedules every minute with overlap `skip`, created before the window (first run past the lookaheads, so creating
 * them spawns nothing), `runs` occurrences each, every one spawned by its own sweep and advance.
 *
 * @example
 * ```ts
 * const window = await runRecurringOnePerAdvance(bench, { schedules: 5, everySec: 60, runs: 3 }, 60);
 * ```
 */
export async function runRecurringOnePerAdvance(bench: BenchStack, sizes: RecurringSizes, lookaheadSec: number): Promise<Window> {
  // Overlap `skip`: a spawn covers the sweeper's window only, as an hourly schedule's does (with `allow`, a schedule
  // every minute sends four slots per spawn).
  return await runRecurringSpawnedBySweeps(bench, 'recurring, 1 per advance', sizes, { lookaheadSec, overlap: 'skip' });
}

/**
 * Schedules created before the window (first run past the lookaheads, so creating them spawns nothing), whose
 * occurrences the sweeps spawn: on the production stack (one sweep a minute), what a schedule of that frequency costs.
 *
 * @example
 * ```ts
 * const window = await runRecurringSpawnedBySweeps(bench, 'recurring, every 5 s, 1-minute sweeps', { schedules: 5, everySec: 5, runs: 36 }, { lookaheadSec: 60, overlap: 'allow' });
 * ```
 */
export async function runRecurringSpawnedBySweeps(
  bench: BenchStack,
  path: PathName,
  sizes: RecurringSizes,
  options: { lookaheadSec: number; overlap: 'allow' | 'skip'; cron?: string },
): Promise<Window> {
  const tag = `${Date.now().toString(36)}-swept`;
  // Past both lookaheads: the sweeper's, and the one `schedule()` spawns within (the bench's scheduler keeps the default).
  const startAt = new Date(Date.now() + (Math.max(options.lookaheadSec, DEFAULT_LOOKAHEAD_SEC) + 15) * 1000);
  // `every` slots keep the millisecond of `startAt` (a random phase in the second); cron slots fall on whole minutes.
  const recurrence = options.cron === undefined ? { every: sizes.everySec } : { cron: options.cron };
  const spec = { ...recurrence, maxRuns: sizes.runs, startAt };
  await Promise.all(
    Array.from({ length: sizes.schedules }, (_, i) =>
      bench.scheduler.schedule(`bench-${tag}-${i}`, benchOccurrence.name, {}, { ...spec, overlap: options.overlap }),
    ),
  );
  const lastDueAtMs = nextRuns(spec, { from: startAt.getTime() - 1, count: sizes.runs }).at(-1)!.getTime();
  return await runWindow(
    bench,
    path,
    { sweeper: true },
    async () => ({ ids: [], lastDueAtMs, expected: sizes.schedules * sizes.runs }),
    () => occurrenceIds(bench, `bench-${tag}-`),
  );
}

/** The ids of the occurrence jobs (created when they ran) of the schedules whose ids start with `prefix`. */
async function occurrenceIds(bench: BenchStack, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await bench.reader.list({ task: benchOccurrence.name, limit: 1000, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.filter((j) => j.id.startsWith(prefix)).map((j) => j.id));
    cursor = page.cursor;
  } while (cursor);
  return ids;
}
