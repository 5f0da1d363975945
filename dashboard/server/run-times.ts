/**
 * Occurrence times as the dashboard shows them: each instant in UTC and in a zone, with the zone's offset and a mark
 * where the offset changed since the previous run (a DST transition falls between them).
 */
import { nextRuns, type RecurringSpec } from '../../lib/core/recurrence.ts';
import { offsetMs } from '../../lib/core/timezone.ts';

/** One occurrence as the page shows it. */
export interface RunTime {
  readonly utc: string;
  /** Wall time in `zone`, `YYYY-MM-DD HH:mm:ss`. */
  readonly local: string;
  /** The zone's offset at that instant, e.g. `UTC−04:00`. */
  readonly offset: string;
  /** Set when the offset differs from the previous run's: `UTC−05:00 → UTC−04:00`. */
  readonly dstChange?: string;
}

/**
 * The next `count` runs of `spec` after `fromMs`, described in `spec.timezone` (UTC for intervals).
 * Throws `ValidationError` (with every problem) for a bad spec, as `nextRuns` does.
 *
 * @example
 * ```ts
 * describeRuns({ cron: '30 1 * * *', timezone: 'Europe/Rome' }, Date.parse('2026-03-28T00:00:00Z'), 3);
 * // the second run carries dstChange: 'UTC+01:00 → UTC+02:00'
 * ```
 */
export function describeRuns(spec: RecurringSpec, fromMs: number, count: number): RunTime[] {
  const zone = ('timezone' in spec && spec.timezone) || 'UTC';
  return describeInstants(nextRuns(spec, { from: fromMs, count }).map((d) => d.getTime()), zone, offsetMs(zone, fromMs));
}

/**
 * Describes instants in `zone`, marking offset changes (relative to `previousOffsetMs` for the first one).
 *
 * @example
 * ```ts
 * describeInstants([Date.parse('2026-07-01T12:00:00Z')], 'America/New_York')[0].local; // '2026-07-01 08:00:00'
 * ```
 */
export function describeInstants(instants: readonly number[], zone: string, previousOffsetMs?: number): RunTime[] {
  let previous = previousOffsetMs;
  return instants.map((ms) => {
    const offset = offsetMs(zone, ms);
    const change = previous !== undefined && previous !== offset ? `${formatOffset(previous)} → ${formatOffset(offset)}` : undefined;
    previous = offset;
    return {
      utc: new Date(ms).toISOString(),
      local: new Date(ms + offset).toISOString().slice(0, 19).replace('T', ' '),
      offset: formatOffset(offset),
      ...(change ? { dstChange: change } : {}),
    };
  });
}

function formatOffset(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const sign = ms < 0 ? '−' : '+';
  return `UTC${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
