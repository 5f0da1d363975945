import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CronExpressionParser } from 'cron-parser';
import { cronProblems, nextCronMs, nextWallMatch, parseCron } from '../../lib/core/cron.ts';
import { ValidationError } from '../../lib/core/errors.ts';
import { MAX_CACHED_DAYS, gapEndMs, instantsAtWallTime, offsetMs, timezoneProblems, wallTimeMs } from '../../lib/core/timezone.ts';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
function runs(cron: string, tz: string, from: string, count: number): string[] {
  const fields = parseCron(cron);
  const out: string[] = [];
  for (let t = Date.parse(from), i = 0; i < count; i++) out.push(iso((t = nextCronMs(fields, tz, t))));
  return out;
}

describe('DST policy', () => {
  it.each([
    // fixed local time in a spring-forward gap: fires when the gap ends, once
    ['30 2 * * *', 'America/New_York', '2026-03-07T12:00:00Z', ['2026-03-08T07:00:00Z', '2026-03-09T06:30:00Z']],
    ['0,30 2 * * *', 'America/New_York', '2026-03-08T00:00:00Z', ['2026-03-08T07:00:00Z', '2026-03-09T06:00:00Z']],
    // fixed local time in a repeated hour: first pass only
    ['30 1 * * *', 'America/New_York', '2026-10-31T12:00:00Z', ['2026-11-01T05:30:00Z', '2026-11-02T06:30:00Z']],
    ['*/30 1 * * *', 'America/New_York', '2026-11-01T04:00:00Z', ['2026-11-01T05:00:00Z', '2026-11-01T05:30:00Z', '2026-11-02T06:00:00Z']],
    // stepping through hours: absolute time, both passes, nothing in the gap
    ['*/30 * * * *', 'America/New_York', '2026-11-01T04:40:00Z', ['2026-11-01T05:00:00Z', '2026-11-01T05:30:00Z', '2026-11-01T06:00:00Z', '2026-11-01T06:30:00Z']],
    ['0 * * * *', 'America/New_York', '2026-03-08T05:30:00Z', ['2026-03-08T06:00:00Z', '2026-03-08T07:00:00Z', '2026-03-08T08:00:00Z']],
    ['0 */1 * * *', 'Europe/Rome', '2026-10-25T00:30:00Z', ['2026-10-25T01:00:00Z', '2026-10-25T02:00:00Z']],
    ['30 2 * * *', 'Europe/Rome', '2026-03-28T12:00:00Z', ['2026-03-29T01:00:00Z', '2026-03-30T00:30:00Z']],
    ['30 2 * * *', 'Europe/Rome', '2026-10-24T12:00:00Z', ['2026-10-25T00:30:00Z', '2026-10-26T01:30:00Z']],
    // Cairo: midnight itself is skipped in spring and repeated in autumn
    ['0 0 * * *', 'Africa/Cairo', '2026-04-22T12:00:00Z', ['2026-04-22T22:00:00Z', '2026-04-23T22:00:00Z', '2026-04-24T21:00:00Z']],
    ['30 23 * * *', 'Africa/Cairo', '2026-10-28T12:00:00Z', ['2026-10-28T20:30:00Z', '2026-10-29T20:30:00Z', '2026-10-30T21:30:00Z']],
    // Lord Howe: 30-minute shift
    ['45 1 * * *', 'Australia/Lord_Howe', '2026-04-03T12:00:00Z', ['2026-04-03T14:45:00Z', '2026-04-04T14:45:00Z', '2026-04-05T15:15:00Z']],
    ['15 2 * * *', 'Australia/Lord_Howe', '2026-10-02T12:00:00Z', ['2026-10-02T15:45:00Z', '2026-10-03T15:30:00Z', '2026-10-04T15:15:00Z']],
    ['*/15 * * * *', 'Australia/Lord_Howe', '2026-04-04T14:40:00Z', ['2026-04-04T14:45:00Z', '2026-04-04T15:00:00Z', '2026-04-04T15:15:00Z']],
    // Troll: 2-hour shift
    ['0 2 * * *', 'Antarctica/Troll', '2026-03-28T12:00:00Z', ['2026-03-29T01:00:00Z', '2026-03-30T00:00:00Z']],
    // the instant before this jump is on the previous UTC day (regression: the gap end was lost)
    ['0 1 * * *', 'Antarctica/Troll', '2026-03-28T12:00:00Z', ['2026-03-29T01:00:00Z', '2026-03-29T23:00:00Z']],
    ['0 * * * *', 'Antarctica/Troll', '2026-10-24T23:30:00Z', ['2026-10-25T00:00:00Z', '2026-10-25T01:00:00Z', '2026-10-25T02:00:00Z', '2026-10-25T03:00:00Z']],
    ['0 2 * * *', 'Antarctica/Troll', '2026-10-24T12:00:00Z', ['2026-10-25T00:00:00Z', '2026-10-26T02:00:00Z']],
    // Sao Paulo: no DST any more
    ['0 0 * * *', 'America/Sao_Paulo', '2026-10-31T12:00:00Z', ['2026-11-01T03:00:00Z', '2026-11-02T03:00:00Z']],
    // seconds field across a repeated hour
    ['*/20 * * * * *', 'America/New_York', '2026-11-01T05:59:20Z', ['2026-11-01T05:59:40Z', '2026-11-01T06:00:00Z', '2026-11-01T06:00:20Z']],
  ])('%s in %s after %s', (cron, tz, from, expected) => {
    expect(runs(cron, tz, from, expected.length)).toEqual(expected);
  });

  it.each(['America/New_York', 'Europe/Rome', 'Africa/Cairo', 'Australia/Lord_Howe', 'Antarctica/Troll'])(
    '%s has two transitions a year 2026–2030 in this ICU; America/Sao_Paulo none',
    (tz) => {
      const changes = (zone: string) => {
        let count = 0;
        for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2031, 0, 1); t += 3_600_000) if (offsetMs(zone, t) !== offsetMs(zone, t + 3_600_000)) count++;
        return count;
      };
      expect(changes(tz)).toBe(10);
      expect(changes('America/Sao_Paulo')).toBe(0);
    },
  );
});

const ZONES = ['America/New_York', 'Europe/Rome', 'Africa/Cairo', 'Australia/Lord_Howe', 'America/Sao_Paulo', 'Antarctica/Troll'];
const field = (max: number, min = 0) =>
  fc.oneof(
    fc.constant('*'),
    fc.integer({ min, max }).map(String),
    fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.integer({ min: 1, max: Math.min(max, 30) }).map((s) => `*/${s}`),
  );
const cronArb = fc.tuple(field(59), field(23), field(28, 1), field(12, 1), field(6)).map((f) => f.join(' '));
const instantArb = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2030, 11, 31) });

function wallMatches(fields: ReturnType<typeof parseCron>, wallMs: number): boolean {
  return nextWallMatch(fields, wallMs) === wallMs;
}

describe('properties (2026–2030, required zones)', () => {
  it('every result is after `from`, strictly increasing, and matches in its zone (or ends a gap a match fell into)', () => {
    fc.assert(
      fc.property(cronArb, fc.constantFrom(...ZONES), instantArb, (cron, tz, from) => {
        const fields = parseCron(cron);
        let prev = from;
        for (let i = 0; i < 5; i++) {
          const next = nextCronMs(fields, tz, prev);
          expect(next).toBeGreaterThan(prev);
          const wall = wallTimeMs(tz, next);
          if (!wallMatches(fields, wall)) {
            // fixed-time rule whose matching wall time did not exist: `next` is the end of that gap
            expect(fields.followsAbsoluteTime).toBe(false);
            expect(offsetMs(tz, next - 1000)).toBeLessThan(offsetMs(tz, next));
          }
          prev = next;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('no matching instant is skipped: stepping rules hit every matching instant of a day (minute scan)', () => {
    fc.assert(
      fc.property(fc.constantFrom('*/15 * * * *', '0 */2 * * *', '5,35 * * * *'), fc.constantFrom(...ZONES), instantArb, (cron, tz, from) => {
        const fields = parseCron(cron);
        const start = Math.ceil(from / 60_000) * 60_000;
        let expected = start;
        while (!wallMatches(fields, wallTimeMs(tz, expected)) || expected <= from) expected += 60_000;
        expect(nextCronMs(fields, tz, from)).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('a fixed local time fires exactly once on every local day, transitions included', () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 15, 30, 45, 59), fc.oneof(fc.constantFrom(0, 1, 2, 3, 23), fc.integer({ min: 0, max: 23 })), fc.constantFrom(...ZONES), fc.integer({ min: 2026, max: 2030 }), fc.boolean(), (minute, hour, tz, year, spring) => {
        const fields = parseCron(`${minute} ${hour} * * *`);
        // walk a window around this zone's transitions of that year (March/April or October/November)
        let prev = Date.UTC(year, spring ? 2 : 9, 1);
        const localDays: number[] = [];
        for (let i = 0; i < 62; i++) {
          prev = nextCronMs(fields, tz, prev);
          localDays.push(Math.floor(wallTimeMs(tz, prev) / 86_400_000));
        }
        localDays.forEach((day, i) => i > 0 && expect(day - localDays[i - 1]!).toBe(1));
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with cron-parser in UTC (no DST)', () => {
    fc.assert(
      fc.property(cronArb, instantArb, (cron, from) => {
        // Known difference: cron-parser treats a day field like `*/2` as restricted (OR with the other day field);
        // sundial follows Vixie cron (a field starting with `*` does not restrict, so both must match).
        const [, , dom, , dow] = cron.split(' ');
        fc.pre(!(dom!.startsWith('*/') && dow !== '*') && !(dow!.startsWith('*/') && dom !== '*'));
        const oracle = CronExpressionParser.parse(cron, { currentDate: new Date(from), tz: 'UTC' });
        expect(nextCronMs(parseCron(cron), 'UTC', from)).toBe(oracle.next().getTime());
      }),
      { numRuns: 300 },
    );
  });

  it('invalid input never throws anything but a ValidationError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9*\/,\-A-Z? ]{0,30}$/), fc.anything()), (input) => {
        const problems = cronProblems(input);
        if (problems.length > 0) expect(() => parseCron(input as string)).toThrow(ValidationError);
        else expect(parseCron(input as string).minutes.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('cron validation', () => {
  it.each([
    ['*/5', /1 field;/],
    ['0 9 * *', /4 fields/],
    ['* * * * * * *', /7 fields/],
    ['', /expected 5 fields/],
    [42, /expected 5 fields/],
    ['@often', /unknown macro/],
    ['61 * * * *', /minute field "61".*allowed: 0-59/],
    ['0 24 * * *', /hour field "24"/],
    ['0 0 0 * *', /day of month field "0"/],
    ['0 0 * 13 *', /month field "13".*JAN-DEC/],
    ['0 0 * * 8', /day of week field "8".*SUN-SAT/],
    ['0 0 * * MON#1', /L, W, # and H are not supported/],
    ['0 0 L * *', /not supported/],
    ['0 0 * * 5-1', /runs backwards/],
    ['0 0 * * 1-2-3', /range "1-2-3" is not valid/],
    ['0 0 * * X-3', /range "X-3" is not valid/],
    ['*/0 * * * *', /step "0"/],
    ['*/61 * * * *', /step "61"/],
    ['*/x * * * *', /step "x"/],
    ['0 0 30 2 *', /never matches/],
    ['0 0 31 4,6,9,11 *', /never matches/],
    ['x'.repeat(300), /expected 5 fields/],
  ])('%j is rejected quoting the input', (input, message) => {
    const problems = cronProblems(input);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(message);
    expect(() => parseCron(input as string)).toThrow(ValidationError);
  });

  it('reports every bad field at once', () => {
    expect(cronProblems('61 25 * * *')).toHaveLength(2);
  });

  it.each([
    ['0 9 * * MON-FRI', { minutes: [0], hours: [9], daysOfWeek: [1, 2, 3, 4, 5], followsAbsoluteTime: false }],
    ['0 0 * * 0,7', { daysOfWeek: [0] }],
    ['0 0 * * 5-7', { daysOfWeek: [0, 5, 6] }],
    ['5/20 * * * *', { minutes: [5, 25, 45], followsAbsoluteTime: true }],
    ['0 0-23 * * *', { followsAbsoluteTime: true }],
    ['0 9-17/4 * * *', { hours: [9, 13, 17], followsAbsoluteTime: true }],
    ['0 0 * * 1/2', { daysOfWeek: [1, 3, 5] }],
    ['0 0 ? jan,Dec sun', { months: [1, 12], daysOfWeek: [0], dayOfMonthRestricted: false }],
    ['@daily', { minutes: [0], hours: [0], seconds: [0] }],
    ['@HOURLY', { hours: Array.from({ length: 24 }, (_, h) => h) }],
    ['30 */10 * * * *', { seconds: [30], minutes: [0, 10, 20, 30, 40, 50] }],
    ['0 0 29 2 *', { daysOfMonth: [29], months: [2] }],
  ])('%s expands', (cron, expected) => {
    expect(parseCron(cron)).toMatchObject(expected);
  });

  it.each([
    // both day fields restricted: either matches (Vixie); one restricted: it alone decides
    ['0 0 1 * MON', '2026-11-01T00:00:00Z', ['2026-11-02T00:00:00Z', '2026-11-09T00:00:00Z']],
    ['0 0 13 * FRI', '2026-11-01T00:00:00Z', ['2026-11-06T00:00:00Z', '2026-11-13T00:00:00Z']],
    ['0 0 */2 * MON', '2026-11-01T00:00:00Z', ['2026-11-09T00:00:00Z', '2026-11-23T00:00:00Z']],
    ['0 0 29 2 *', '2026-01-01T00:00:00Z', ['2028-02-29T00:00:00Z']],
  ])('%s after %s', (cron, from, expected) => {
    expect(runs(cron, 'UTC', from, expected.length)).toEqual(expected);
  });
});

describe('timezone helpers', () => {
  it.each([['UTC'], ['Europe/Rome']])('%s is valid', (tz) => expect(timezoneProblems(tz)).toEqual([]));
  it.each([['Europe/Roma'], [''], [5], [undefined]])('%j is not a zone', (tz) => {
    expect(timezoneProblems(tz, 'tz')[0]).toMatch(/^`tz`: received .*; expected an IANA time zone name/);
  });
  it('maps wall times to 0, 1 or 2 instants and finds the gap end', () => {
    expect(instantsAtWallTime('America/New_York', Date.UTC(2026, 10, 1, 1, 30))).toEqual([Date.parse('2026-11-01T05:30:00Z'), Date.parse('2026-11-01T06:30:00Z')]);
    expect(instantsAtWallTime('America/New_York', Date.UTC(2026, 2, 8, 2, 30))).toEqual([]);
    expect(instantsAtWallTime('Europe/Rome', Date.UTC(2026, 0, 1, 9))).toEqual([Date.parse('2026-01-01T08:00:00Z')]);
    expect(gapEndMs('America/New_York', Date.UTC(2026, 2, 8, 2, 30))).toBe(Date.parse('2026-03-08T07:00:00Z'));
    // Auckland jumps at 02:00 local = 14:00Z the previous UTC day; a gap time late enough falls on the next UTC day
    expect(gapEndMs('Pacific/Auckland', Date.UTC(2026, 8, 27, 2, 30))).toBe(Date.parse('2026-09-26T14:00:00Z'));
    expect(gapEndMs('Antarctica/Troll', Date.UTC(2026, 2, 29, 2, 59))).toBe(Date.parse('2026-03-29T01:00:00Z'));
    // 01:00 at +02:00 is 23:00Z the day before the change: the change is found on the next UTC day
    expect(gapEndMs('Antarctica/Troll', Date.UTC(2026, 2, 29, 1, 0))).toBe(Date.parse('2026-03-29T01:00:00Z'));
  });
  it('the per-day offset cache stays bounded and correct', () => {
    const start = Date.UTC(1990, 0, 1);
    for (let day = 0; day <= MAX_CACHED_DAYS; day++) offsetMs('Europe/Rome', start + day * 86_400_000);
    expect(offsetMs('Europe/Rome', Date.parse('2026-07-01T00:00:00Z'))).toBe(7_200_000);
  });
});
