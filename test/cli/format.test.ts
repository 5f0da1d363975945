/**
 * The text the CLI shows people: instants in a zone with their offset, durations, relative times and lateness.
 */
import { describe, expect, it } from 'vitest';
import { displayZone, humanDuration, isoInZone, latenessMs, relative, wallTime } from '../../cli/format/time.ts';

const at = (iso: string) => Date.parse(iso);

describe('times for people', () => {
  it.each([
    ['2027-03-14T07:00:00Z', 'America/New_York', '2027-03-14T03:00:00-04:00', '2027-03-14 03:00:00 -04:00'],
    ['2027-01-10T07:00:00Z', 'America/New_York', '2027-01-10T02:00:00-05:00', '2027-01-10 02:00:00 -05:00'],
    ['2027-01-01T00:00:00Z', 'Asia/Kolkata', '2027-01-01T05:30:00+05:30', '2027-01-01 05:30:00 +05:30'],
    ['2027-01-01T00:00:00Z', 'UTC', '2027-01-01T00:00:00Z', '2027-01-01 00:00:00 UTC'],
    ['2027-01-01T00:00:00Z', 'Europe/London', '2027-01-01T00:00:00Z', '2027-01-01 00:00:00 +00:00'],
  ])('%s in %s is %s / %s', (iso, zone, isoText, wall) => {
    expect(isoInZone(at(iso), zone)).toBe(isoText);
    expect(wallTime(at(iso), zone)).toBe(wall);
  });

  it.each([
    [0, '0 ms'], [850, '850 ms'], [4_200, '4.2 s'], [60_000, '1m 0s'], [303_000, '5m 3s'], [7_500_000, '2h 5m'],
    [277_200_000, '3d 5h'], [-1_500, '1.5 s'],
  ])('%i ms reads %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it('says "in" for the future and "ago" for the past', () => {
    expect(relative(1_000 + 90_000, 1_000)).toBe('in 1m 30s');
    expect(relative(1_000, 91_000)).toBe('1m 30s ago');
  });

  it.each([
    ['started: due to start', { state: 'completed', dueAt: new Date(1000), startedAt: new Date(1120) }, 5000, 120],
    ['waiting past due: due to now', { state: 'scheduled', dueAt: new Date(1000) }, 4000, 3000],
    ['not yet due', { state: 'scheduled', dueAt: new Date(9000) }, 4000, undefined],
    ['a retry waiting: not its old start', { state: 'retrying', dueAt: new Date(9000), startedAt: new Date(500) }, 4000, undefined],
    ['cancelled without starting', { state: 'cancelled', dueAt: new Date(1000) }, 4000, undefined],
  ] as const)('lateness, %s', (_name, job, nowMs, expected) => {
    expect(latenessMs(job, nowMs)).toBe(expected);
  });

  it('shows times in --tz, else TZ, else the system zone', () => {
    expect(displayZone('Asia/Tokyo', { TZ: 'Europe/Rome' })).toBe('Asia/Tokyo');
    expect(displayZone(undefined, { TZ: 'Europe/Rome' })).toBe('Europe/Rome');
    expect(displayZone(undefined, {})).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});
