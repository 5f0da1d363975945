/**
 * The verdict of a chaos run, from the ledger and the engine's final states: which jobs never ran (lost), which
 * attempts started twice (duplicates), which jobs are not terminal after the recovery window (stuck). Pure, so every
 * rule is tested on its own.
 */
import type { LedgerEntry } from './ledger.ts';

/** A second start the engine should not have made. */
export interface Duplicate {
  readonly jobId: string;
  readonly attempt: number;
  readonly reason: string;
}

export interface Verdict {
  /** Accepted jobs (and occurrence slots) that never started. */
  readonly lost: readonly string[];
  readonly duplicates: readonly Duplicate[];
  /** Accepted jobs not completed, failed or cancelled at the end. */
  readonly stuck: readonly string[];
}

export interface VerdictInput {
  /** Every job the engine accepted: the writers' resolved ids, and the occurrences the sweeper created. */
  readonly accepted: ReadonlySet<string>;
  readonly ledger: readonly LedgerEntry[];
  /** Accepted jobs still `scheduled`, `running` or `retrying` after the recovery window. */
  readonly live: ReadonlySet<string>;
  /**
   * Pids of the consumer processes killed (by the run, or by the runtime at a Lambda timeout): a success whose process
   * died before its completion write may run again.
   */
  readonly killedPids: ReadonlySet<number>;
  /** Occurrence slots a schedule skipped between two it ran (ids `<scheduleId>#<fireAtMs>`): each is lost. */
  readonly missingOccurrences?: readonly string[];
}

/**
 * Judges a run.
 *
 * @example
 * ```ts
 * const { lost, duplicates, stuck } = judge({ accepted, ledger, live, killedPids: new Set() });
 * ```
 */
export function judge(input: VerdictInput): Verdict {
  const started = new Set(input.ledger.filter((e) => e.kind === 'start').map((e) => e.jobId));
  const lost = [...input.accepted].filter((id) => !started.has(id)).concat(input.missingOccurrences ?? []);
  const stuck = [...input.accepted].filter((id) => input.live.has(id));
  return { lost, duplicates: findDuplicates(input.ledger, input.killedPids), stuck };
}

/**
 * Second starts: a `duplicate` entry (the same attempt started twice), or any start after an attempt that succeeded
 * — unless the process that ran the success was killed, which may happen between the task's return and the
 * engine's completion write (the one gap at-least-once delivery cannot close).
 *
 * @example
 * ```ts
 * findDuplicates(entries, new Set([4242]));
 * ```
 */
export function findDuplicates(ledger: readonly LedgerEntry[], killedPids: ReadonlySet<number>): Duplicate[] {
  const duplicates: Duplicate[] = ledger
    .filter((e) => e.kind === 'duplicate')
    .map((e) => ({ jobId: e.jobId, attempt: e.attempt, reason: `attempt ${e.attempt} started again (pid ${e.pid})` }));
  const byJob = new Map<string, LedgerEntry[]>();
  for (const entry of ledger) {
    if (entry.kind === 'duplicate') continue;
    const list = byJob.get(entry.jobId) ?? [];
    list.push(entry);
    byJob.set(entry.jobId, list);
  }
  for (const [jobId, entries] of byJob) {
    const success = entries
      .filter((e) => e.kind === 'finish' && e.ok === true && !killedPids.has(e.pid))
      .sort((a, b) => a.attempt - b.attempt)[0];
    if (success === undefined) continue;
    for (const later of entries.filter((e) => e.kind === 'start' && e.attempt > success.attempt)) {
      duplicates.push({
        jobId,
        attempt: later.attempt,
        reason: `attempt ${later.attempt} started after attempt ${success.attempt} succeeded (pid ${success.pid}, not killed)`,
      });
    }
  }
  return duplicates;
}

/**
 * The slots missing between the first and the last occurrence of each schedule: an interval schedule fires every
 * `everyMs` from its anchor, so a gap means an occurrence was skipped. A schedule replaced (re-created) gets a new
 * anchor: each anchor's grid (the fire times with the same remainder modulo `everyMs`) is checked on its own. Only
 * slots inside `window` count: before it (a writer whose clock is behind anchors its schedule in the past) the misfire
 * policy decides, by design, which missed slots still run.
 *
 * @example
 * ```ts
 * missingSlots(new Map([['s', 10_000]]), ['s#0', 's#20000']); // ['s#10000']
 * ```
 */
export function missingSlots(
  everyMsBySchedule: ReadonlyMap<string, number>,
  occurrenceIds: readonly string[],
  window: { readonly fromMs: number; readonly toMs: number } = { fromMs: -Infinity, toMs: Infinity },
): string[] {
  const grids = new Map<string, { scheduleId: string; everyMs: number; fireAts: Set<number> }>();
  for (const id of occurrenceIds) {
    const hash = id.lastIndexOf('#');
    if (hash < 0) continue;
    const scheduleId = id.slice(0, hash);
    const everyMs = everyMsBySchedule.get(scheduleId);
    if (everyMs === undefined) continue;
    const fireAtMs = Number(id.slice(hash + 1));
    const key = `${scheduleId}#${fireAtMs % everyMs}`;
    const grid = grids.get(key) ?? { scheduleId, everyMs, fireAts: new Set<number>() };
    grid.fireAts.add(fireAtMs);
    grids.set(key, grid);
  }
  const missing: string[] = [];
  for (const { scheduleId, everyMs, fireAts } of grids.values()) {
    const sorted = [...fireAts].sort((a, b) => a - b);
    for (let at = sorted[0]!; at < sorted[sorted.length - 1]!; at += everyMs) {
      if (!fireAts.has(at) && at >= window.fromMs && at <= window.toMs) missing.push(`${scheduleId}#${at}`);
    }
  }
  return missing;
}
