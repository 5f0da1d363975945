/**
 * Instants and durations as people read them: a wall time in a named zone with its offset, "in 5m" / "3s ago", and
 * lateness. Pure functions of their arguments (the current time is passed in).
 */
import { offsetMs } from '../../lib/core/timezone.ts';
import type { Job } from '../../lib/model.ts';

/**
 * The zone people see times in: `--tz`, else `TZ`, else the system's.
 *
 * @example
 * ```ts
 * displayZone(undefined, { TZ: 'Europe/Rome' }); // 'Europe/Rome'
 * ```
 */
export function displayZone(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  return flag || env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * ISO 8601 with the zone's offset at that instant, to the second: `2027-03-14T03:00:00-04:00` (`Z` for UTC).
 *
 * @example
 * ```ts
 * isoInZone(Date.parse('2027-03-14T07:00:00Z'), 'America/New_York'); // '2027-03-14T03:00:00-04:00'
 * ```
 */
export function isoInZone(ms: number, zone: string): string {
  const offset = offsetMs(zone, ms);
  const wall = new Date(ms + offset).toISOString().slice(0, 19);
  return `${wall}${offsetText(offset)}`;
}

/**
 * A wall time for tables and cards: `2027-03-14 03:00:00 -04:00` (`UTC` for UTC).
 *
 * @example
 * ```ts
 * wallTime(Date.parse('2027-03-14T07:00:00Z'), 'UTC'); // '2027-03-14 07:00:00 UTC'
 * ```
 */
export function wallTime(ms: number, zone: string): string {
  const offset = offsetMs(zone, ms);
  const wall = new Date(ms + offset).toISOString().slice(0, 19).replace('T', ' ');
  return `${wall} ${offset === 0 && zone === 'UTC' ? 'UTC' : offsetText(offset).replace('Z', '+00:00')}`;
}

function offsetText(offset: number): string {
  if (offset === 0) return 'Z';
  const minutes = Math.abs(offset) / 60_000;
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${offset < 0 ? '-' : '+'}${hh}:${mm}`;
}

/**
 * A duration in the largest two units that matter: `850 ms`, `4.2 s`, `5m 3s`, `2h 5m`, `3d 4h`.
 *
 * @example
 * ```ts
 * humanDuration(303_000); // '5m 3s'
 * ```
 */
export function humanDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(abs)} ms`;
  if (abs < 60_000) return `${(abs / 1000).toFixed(1)} s`;
  const units: [string, number][] = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  const parts: string[] = [];
  let rest = abs;
  for (const [unit, size] of units) {
    if (parts.length === 0 && rest < size) continue;
    parts.push(`${Math.floor(rest / size)}${unit}`);
    rest %= size;
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/**
 * `in 5m 3s` or `5m 3s ago`, relative to `nowMs`.
 *
 * @example
 * ```ts
 * relative(nowMs + 60_000, nowMs); // 'in 1m 0s'
 * ```
 */
export function relative(ms: number, nowMs: number): string {
  return ms >= nowMs ? `in ${humanDuration(ms - nowMs)}` : `${humanDuration(nowMs - ms)} ago`;
}

/**
 * How late a job is: from its due time to its (latest) start, or, for a job still waiting past its due time, to now.
 * `undefined` for a job not yet due or one that ended without starting (cancelled).
 *
 * @example
 * ```ts
 * latenessMs(job, Date.now()); // 112
 * ```
 */
export function latenessMs(job: Pick<Job, 'state' | 'dueAt' | 'startedAt'>, nowMs: number): number | undefined {
  const dueMs = job.dueAt.getTime();
  if (job.startedAt && job.state !== 'retrying') return job.startedAt.getTime() - dueMs;
  if ((job.state === 'scheduled' || job.state === 'retrying') && dueMs < nowMs) return nowMs - dueMs;
  return undefined;
}
