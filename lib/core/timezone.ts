/**
 * IANA time zones through `Intl` (the ICU data shipped with Node): validation, UTC offsets, and the mapping from a
 * local wall-clock time to the instants that show it (none in a spring-forward gap, two in a repeated hour).
 *
 * A "wall time" here is the local date and time written as if it were UTC: `Date.UTC(y, m, d, h, min, s)`.
 */
import { describeValue } from './validation.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let found = formatters.get(timezone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, found);
  }
  return found;
}

/** Problems with an IANA time zone name; `[]` when this Node's ICU data knows it. */
export function timezoneProblems(timezone: unknown, field = 'timezone'): string[] {
  const problem = `\`${field}\`: received ${describeValue(timezone)}; expected an IANA time zone name such as "UTC", "Europe/Rome" or "America/New_York"`;
  if (typeof timezone !== 'string' || timezone.trim() === '') return [problem];
  try {
    formatter(timezone);
    return [];
  } catch {
    return [problem];
  }
}

function intlOffsetMs(timezone: string, second: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timezone).formatToParts(second)) parts[part.type] = Number(part.value);
  return Date.UTC(parts['year']!, parts['month']! - 1, parts['day']!, parts['hour']!, parts['minute']!, parts['second']!) - second;
}

const DAY_MS = 86_400_000;
/** Bound of the per-day cache (about 27 zone-years); clearing it only costs recomputation. */
export const MAX_CACHED_DAYS = 10_000;
/** Per zone and UTC day: the offset at its start and end and, when they differ, the second the change happens. */
const days = new Map<string, { readonly changeMs: number; readonly before: number; readonly after: number }>();

function dayOf(timezone: string, day: number) {
  const key = `${timezone}|${day}`;
  let entry = days.get(key);
  if (!entry) {
    const start = day * DAY_MS;
    const before = intlOffsetMs(timezone, start);
    const after = intlOffsetMs(timezone, start + DAY_MS);
    let lo = start;
    let hi = start + DAY_MS;
    // Bisect to the second of the change (zones change on whole seconds); `Intl` costs ~10 µs a call, a lookup ~0.
    while (before !== after && hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (intlOffsetMs(timezone, mid) === before) lo = mid;
      else hi = mid;
    }
    entry = { changeMs: before === after ? Number.POSITIVE_INFINITY : hi, before, after };
    if (days.size >= MAX_CACHED_DAYS) days.clear();
    days.set(key, entry);
  }
  return entry;
}

/**
 * UTC offset in ms of `timezone` at instant `ms` (positive east of Greenwich). The zone must be valid. Assumes at
 * most one offset change per UTC day (true of the tz database for the years we schedule) and caches per day.
 */
export function offsetMs(timezone: string, ms: number): number {
  const entry = dayOf(timezone, Math.floor(ms / DAY_MS));
  return ms >= entry.changeMs ? entry.after : entry.before;
}

/** The local wall time of instant `ms` in `timezone`, as ms in the "wall clock written as UTC" scale. */
export function wallTimeMs(timezone: string, ms: number): number {
  return ms + offsetMs(timezone, ms);
}

/**
 * The instants at which the clocks of `timezone` show wall time `wallMs`, ascending: one normally, two in a repeated
 * (fall-back) hour, none in a spring-forward gap. Assumes at most one offset change within a day of `wallMs`, which
 * holds for every zone in the tz database since 1900 except date-line moves.
 */
export function instantsAtWallTime(timezone: string, wallMs: number): number[] {
  const offsets = new Set([offsetMs(timezone, wallMs - 86_400_000), offsetMs(timezone, wallMs + 86_400_000)]);
  const instants: number[] = [];
  for (const offset of offsets) if (offsetMs(timezone, wallMs - offset) === offset) instants.push(wallMs - offset);
  return instants.sort((a, b) => a - b);
}

/**
 * For a wall time inside a spring-forward gap: the instant the gap ends (the first instant after it, when clocks jump).
 * Searched to the second, since zones change offset on whole seconds.
 */
export function gapEndMs(timezone: string, wallMs: number): number {
  // wall − (offset after the jump) is an instant less than a day before the jump, with no other change in between:
  // the jump is that UTC day's change, or the next day's when that day has none.
  const before = wallMs - offsetMs(timezone, wallMs + DAY_MS);
  const today = dayOf(timezone, Math.floor(before / DAY_MS));
  return Number.isFinite(today.changeMs) ? today.changeMs : dayOf(timezone, Math.floor(before / DAY_MS) + 1).changeMs;
}
