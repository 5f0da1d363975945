/**
 * Pure planning of what one sweep spawns for one schedule: which slots fire, how many missed slots are dropped, and
 * where the schedule continues. The sweeper turns the plan into occurrence jobs and one conditional advance.
 */
import { nextOccurrenceMs } from './recurrence.ts';
import type { RecurrenceRule } from './recurrence.ts';

/**
 * What happens to slots missed during downtime (older than `nowMs − misfireGraceMs`):
 * `skip` drops them; `once` fires the earliest one, standing for all; `all` fires each (the most recent `maxCatchUp`).
 */
export type MisfirePolicy = 'skip' | 'once' | 'all';

export interface OccurrencePlanInput {
  rule: RecurrenceRule;
  anchorMs: number;
  /** The next slot to spawn (a slot of the rule). */
  nextRunAtMs: number;
  /** Occurrences spawned so far. */
  runs: number;
  maxRuns?: number;
  /** Slots at or after this are not part of the schedule. */
  endAtMs?: number;
  misfire: MisfirePolicy;
  nowMs: number;
  /** Slots up to and including this fire in this sweep (now + lookahead). */
  windowEndMs: number;
  /** slots older than nowMs - misfireGraceMs count as missed (downtime); newer ones just fire late */
  misfireGraceMs: number;
  /** `all` replays at most this many missed slots (the most recent ones) */
  maxCatchUp: number;
}

export interface OccurrencePlan {
  /** Slots to spawn a job for, ascending (missed ones first; their jobs are due now). */
  fireAtMs: number[];
  /** Missed slots dropped by the policy (for cron rules, counted up to {@link MAX_COUNTED_MISSES}). */
  skipped: number;
  /** The next slot after this plan; undefined when the schedule has ended (endAt or maxRuns reached). */
  nextRunAtMs?: number;
  /** Occurrences spawned including this plan's. */
  runs: number;
}

/** Cron slots are counted one by one; beyond this many missed slots the count stops (the plan stays exact). */
export const MAX_COUNTED_MISSES = 10_000;

/** Slots in [from, until) where `from` is a slot: arithmetic for intervals, counted (capped) for cron. */
function countSlots(rule: RecurrenceRule, anchorMs: number, from: number, until: number): number {
  if ('everySec' in rule) return Math.ceil((until - from) / (rule.everySec * 1000));
  let count = 0;
  for (let slot = from; slot < until && count < MAX_COUNTED_MISSES; slot = nextOccurrenceMs(rule, slot, anchorMs)) count++;
  return count;
}

/** The last `n` slots in [from, until), ascending, without walking from `from` (which may be years back). */
function lastSlots(rule: RecurrenceRule, anchorMs: number, from: number, until: number, n: number): number[] {
  if (n === 0) return [];
  if ('everySec' in rule) {
    const stepMs = rule.everySec * 1000;
    const last = anchorMs + (Math.ceil((until - anchorMs) / stepMs) - 1) * stepMs;
    const slots: number[] = [];
    for (let slot = last; slot >= from && slots.length < n; slot -= stepMs) slots.unshift(slot);
    return slots;
  }
  // Widen a window back from `until` until it holds n slots or reaches `from`; never step backwards through a zone.
  for (let span = 60_000; ; span *= 4) {
    const start = Math.max(from, until - span);
    const slots: number[] = [];
    for (let slot = nextOccurrenceMs(rule, start - 1, anchorMs); slot < until; slot = nextOccurrenceMs(rule, slot, anchorMs)) slots.push(slot);
    if (slots.length >= n || start === from) return slots.slice(-n);
  }
}

/**
 * Plans one sweep of one schedule. Missed slots (older than `nowMs − misfireGraceMs`) follow `misfire`; then every slot
 * up to `windowEndMs` fires. Never walks over millions of missed slots: it jumps to the first on-time slot.
 * Respects `maxRuns` (counting `runs`) and `endAtMs`.
 */
export function planOccurrences(input: OccurrencePlanInput): OccurrencePlan {
  const { rule, anchorMs, maxRuns, endAtMs, misfire, nowMs, windowEndMs, misfireGraceMs, maxCatchUp } = input;
  const ended = (slot: number, runs: number) =>
    (endAtMs !== undefined && slot >= endAtMs) || (maxRuns !== undefined && runs >= maxRuns);
  const fireAtMs: number[] = [];
  let skipped = 0;
  let runs = input.runs;
  let slot = input.nextRunAtMs;
  const missedBefore = nowMs - misfireGraceMs;
  if (!ended(slot, runs) && slot < missedBefore) {
    const resume = nextOccurrenceMs(rule, missedBefore - 1, anchorMs);
    const missed = countSlots(rule, anchorMs, slot, Math.min(resume, endAtMs ?? resume));
    const room = maxRuns === undefined ? missed : Math.min(missed, maxRuns - runs);
    const replay =
      misfire === 'once' ? [slot] : misfire === 'all' ? lastSlots(rule, anchorMs, slot, Math.min(resume, endAtMs ?? resume), Math.min(maxCatchUp, room)) : [];
    fireAtMs.push(...replay);
    runs += replay.length;
    skipped = missed - replay.length;
    slot = resume;
  }
  while (!ended(slot, runs) && slot <= windowEndMs) {
    fireAtMs.push(slot);
    runs++;
    slot = nextOccurrenceMs(rule, slot, anchorMs);
  }
  const plan: OccurrencePlan = { fireAtMs, skipped, runs };
  if (!ended(slot, runs)) plan.nextRunAtMs = slot;
  return plan;
}
