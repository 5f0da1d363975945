import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '../../lib/core/errors.ts';
import { durationProblems, parseDurationMs } from '../../lib/core/duration.ts';
import { MAX_AHEAD_MS, instantProblems, oneOffProblems, parseInstantMs, resolveDueAtMs } from '../../lib/core/when.ts';
import {
  DEFAULT_BACKOFF, DEFAULT_MAX_ATTEMPTS, backoffDelayMs, backoffProblems, maxAttemptsProblems, validateBackoff, validateMaxAttempts,
} from '../../lib/core/backoff.ts';
import { bucketOf, bucketStartMs, bucketsThrough, duePartitionKey, lanePartitionKey, nextBucket, shardOf } from '../../lib/core/buckets.ts';
import { couldBeJobId, newJobId, occurrenceJobId, parseOccurrenceJobId, uniqueJobId, uniqueKeyProblems } from '../../lib/core/ids.ts';
import { assertValid, describeValue, nameProblems } from '../../lib/core/validation.ts';

const NOW = Date.parse('2026-11-23T09:00:00Z');

/** Runs `fn` and returns what it threw, so a test can assert on a ValidationError's problems. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('durations', () => {
  it.each([
    [30, 30_000], [0, 0], [0.5, 500], ['90s', 90_000], ['5m', 300_000], ['2h', 7_200_000], ['1d', 86_400_000],
    ['1h30m', 5_400_000], ['500ms', 500], [' 1.5S ', 1500], [{ minutes: 5, seconds: 3 }, 303_000],
    [{ days: 1, hours: 1, milliseconds: 1 }, 90_000_001],
  ])('%j → %d ms', (input, ms) => expect(parseDurationMs(input, 'in')).toBe(ms));

  it.each([
    [-1, /`in`: received -1; expected seconds ≥ 0/], [Number.NaN, /NaN/], [Number.POSITIVE_INFINITY, /Infinity/],
    ['30', /without a unit/], ['5 minutes', /"5 minutes"/], [null, /\(null\)/], [true, /\(boolean\)/],
    [{}, /no unit given/], [[1], /\(object\)/], [new Date(0), /Date\(/],
  ])('%j is rejected', (input, message) => {
    expect(durationProblems(input, 'in')[0]).toMatch(message);
    expect(() => parseDurationMs(input, 'in')).toThrow(ValidationError);
  });

  it('reports every bad unit of an object', () => {
    expect(durationProblems({ weeks: 1, hours: -1, minutes: 'x' }, 'in')).toEqual([
      '`in.weeks`: unknown unit; expected one of days, hours, minutes, seconds, milliseconds',
      '`in.hours`: received -1; expected a number ≥ 0, such as { hours: 5 }',
      '`in.minutes`: received "x"; expected a number ≥ 0, such as { minutes: 5 }',
    ]);
  });

  it('invalid input never throws anything but a ValidationError', () => {
    fc.assert(fc.property(fc.anything(), (input) => {
      if (durationProblems(input, 'd').length > 0) expect(() => parseDurationMs(input, 'd')).toThrow(ValidationError);
      else expect(parseDurationMs(input, 'd')).toBeGreaterThanOrEqual(0);
    }));
  });
});

describe('one-off times', () => {
  it.each([
    ['2026-11-23T09:00:00+01:00', '2026-11-23T08:00:00.000Z'],
    ['2026-11-23T09:00:00.123-0530', '2026-11-23T14:30:00.123Z'],
    ['2026-11-23t09:00z', '2026-11-23T09:00:00.000Z'],
    ['2024-02-29T23:59:59,9999Z', '2024-02-29T23:59:59.999Z'],
  ])('%s', (input, expected) => expect(new Date(parseInstantMs(input, 'at')).toISOString()).toBe(expected));

  it.each([
    ['2026-11-23T09:00', /without a UTC offset.*add 'Z' for UTC or an offset such as '\+02:00'/],
    ['2026-11-23', /without a UTC offset/],
    ['2026-02-30T09:00Z', /out of range/],
    ['2026-11-23T24:00Z', /out of range/],
    ['2026-11-23T09:00+24:00', /out of range/],
    ['tomorrow', /expected a Date or an ISO-8601 string with an offset/],
    [new Date(Number.NaN), /Invalid Date/],
    [1_700_000_000_000, /\(number\)/],
    [null, /\(null\)/],
  ])('%j is rejected', (input, message) => {
    expect(instantProblems(input, 'at')[0]).toMatch(message);
    expect(() => parseInstantMs(input, 'at')).toThrow(ValidationError);
  });

  it.each([
    [{}, NOW], [undefined, NOW], [{ in: '5m' }, NOW + 300_000], [{ in: undefined, at: '2026-11-23T10:00:00Z' }, NOW + 3_600_000],
    [{ at: new Date(NOW - 1000) }, NOW], [{ in: MAX_AHEAD_MS / 1000 }, NOW + MAX_AHEAD_MS], [{ unique: 'k' }, NOW],
  ])('resolveDueAtMs(%j)', (spec, expected) => expect(resolveDueAtMs(spec as never, NOW)).toBe(expected));

  it('reports every problem at once', () => {
    const error = thrown(() => resolveDueAtMs({ in: -1, at: '2026-11-23T09:00' }, NOW)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.problems).toHaveLength(3);
    expect(error.problems[0]).toMatch(/either `in` or `at`, not both/);
  });

  it.each([
    [{ in: MAX_AHEAD_MS / 1000 + 1 }, /`in`: .*at most 10 years ahead.*check the units/],
    [{ at: '2040-01-01T00:00:00Z' }, /`at`: .*at most 10 years ahead/],
    ['soon', /expected an object/],
    [[30], /expected an object/],
  ])('%j is rejected', (spec, message) => {
    expect(oneOffProblems(spec, NOW)[0]).toMatch(message);
  });
});

describe('backoff', () => {
  it.each([
    [undefined, DEFAULT_BACKOFF],
    [{ type: 'exponential' }, { type: 'exponential', baseSeconds: 1, maxSeconds: 3600 }],
    [{ type: 'exponential', baseSeconds: 2, maxSeconds: 60 }, { type: 'exponential', baseSeconds: 2, maxSeconds: 60 }],
    [{ type: 'fixed', seconds: 0 }, { type: 'fixed', seconds: 0 }],
    [[1, 5, 30], [1, 5, 30]],
  ])('validateBackoff(%j)', (input, expected) => expect(validateBackoff(input)).toEqual(expected));

  it.each([
    [[], /array of 0 delays/], [Array.from({ length: 101 }, () => 1), /array of 101 delays/],
    [[1, -1, 'x'], /`backoff\[1\]`.*\n.*`backoff\[2\]`/],
    ['fast', /expected \{ type: 'exponential'/], [null, /received null/],
    [{ type: 'linear' }, /`backoff.type`: received "linear"/],
    [{ type: 'exponential', baseSeconds: 0, maxSeconds: 1e9, jitter: true }, /`backoff.jitter`: unknown option[\s\S]*baseSeconds[\s\S]*maxSeconds/],
    [{ type: 'exponential', baseSeconds: 10, maxSeconds: 5 }, /maxSeconds \(5\) is below baseSeconds \(10\)/],
    [{ type: 'exponential', maxSeconds: 0.5 }, /maxSeconds \(0.5\) is below baseSeconds \(1\)/],
    [{ type: 'fixed', seconds: -1 }, /`backoff.seconds`: received -1/],
  ])('%j is rejected', (input, message) => {
    expect(backoffProblems(input).join('\n')).toMatch(message);
    expect(() => validateBackoff(input, 'backoff')).toThrow(ValidationError);
  });

  it.each([
    [undefined, DEFAULT_MAX_ATTEMPTS], [1, 1], [100, 100],
  ])('validateMaxAttempts(%j)', (input, expected) => expect(validateMaxAttempts(input)).toBe(expected));
  it.each([[0], [101], [1.5], ['3']])('maxAttempts %j is rejected', (input) => {
    expect(maxAttemptsProblems(input)[0]).toMatch(/`maxAttempts`: received .*; expected an integer from 1 to 100/);
    expect(() => validateMaxAttempts(input)).toThrow(ValidationError);
  });

  it.each([
    [[1, 5, 30], 1, 1000], [[1, 5, 30], 3, 30_000], [[1, 5, 30], 9, 30_000],
    [{ type: 'fixed', seconds: 2.5 }, 4, 2500],
    [{ type: 'exponential', baseSeconds: 2 }, 3, 4000],
    [{ type: 'exponential' }, 2000, 1_800_000],
    [DEFAULT_BACKOFF, 1, 500],
  ] as const)('backoffDelayMs(%j, %d) with random 0.5 = %d', (spec, attempt, expected) => {
    expect(backoffDelayMs(spec, attempt, () => 0.5)).toBe(expected);
  });

  it('full jitter stays within [0, cap)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
      const ms = backoffDelayMs(DEFAULT_BACKOFF, attempt, () => r);
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(Math.min(3600, 2 ** (attempt - 1)) * 1000);
    }));
  });

  it.each([[0], [1.5], [Number.NaN]])('attempt %j is rejected', (attempt) => {
    expect(() => backoffDelayMs(DEFAULT_BACKOFF, attempt, Math.random)).toThrow(/`attempt`: received .*; expected an integer ≥ 1/);
  });
});

describe('buckets and shards', () => {
  it('FNV-1a 32-bit of the UTF-8 bytes, mod shards (stable values)', () => {
    // reference values of FNV-1a 32: '' = 0x811c9dc5, 'a' = 0xe40c292c, 'foobar' = 0xbf9cf968
    expect(shardOf('', 2 ** 32 - 1)).toBe(0x811c9dc5);
    expect(shardOf('a', 2 ** 32 - 1)).toBe(0xe40c292c);
    expect(shardOf('foobar', 2 ** 32 - 1)).toBe(0xbf9cf968);
    expect(shardOf('foobar', 8)).toBe(0xbf9cf968 % 8);
    expect(shardOf('é', 1000)).not.toBe(shardOf('e', 1000));
  });
  it.each([[0], [1.5], [Number.NaN]])('shards %j is rejected', (shards) => expect(() => shardOf('x', shards)).toThrow(/`shards`/));

  it('bucket keys', () => {
    expect(bucketOf(Date.parse('2026-11-23T14:05:59.999Z'))).toBe('2026-11-23T14:05Z');
    expect(bucketStartMs('2026-11-23T14:05Z')).toBe(Date.parse('2026-11-23T14:05:00Z'));
    expect(nextBucket('2026-12-31T23:59Z')).toBe('2027-01-01T00:00Z');
    expect(bucketsThrough('2026-11-23T14:05Z', Date.parse('2026-11-23T14:07:30Z'))).toEqual(['2026-11-23T14:05Z', '2026-11-23T14:06Z', '2026-11-23T14:07Z']);
    expect(bucketsThrough('2026-11-23T14:08Z', Date.parse('2026-11-23T14:07:30Z'))).toEqual([]);
    expect(duePartitionKey('2026-11-23T14:05Z', 3)).toBe('2026-11-23T14:05Z#3');
    expect(lanePartitionKey(3)).toBe('lane#3');
  });
  it.each([['2026-02-30T10:00Z'], ['2026-11-23T14:05'], ['x']])('bucket %j is rejected', (bucket) => {
    expect(() => bucketStartMs(bucket)).toThrow(/expected a UTC minute such as "2026-11-23T14:05Z"/);
  });
  it.each([[-1], [Number.NaN], [Date.UTC(10000, 0, 1)]])('bucket time %j is rejected', (ms) => expect(() => bucketOf(ms)).toThrow(ValidationError));
  it('buckets sort as time', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: Date.UTC(9999, 0, 1) }), fc.integer({ min: 0, max: Date.UTC(9999, 0, 1) }), (a, b) => {
      const [x, y] = [bucketOf(a), bucketOf(b)];
      if (Math.floor(a / 60_000) < Math.floor(b / 60_000)) expect(x < y).toBe(true);
      expect(bucketStartMs(x)).toBe(Math.floor(a / 60_000) * 60_000);
    }));
  });
});

describe('ids', () => {
  it('couldBeJobId holds for every id a job can get, and not for a schedule name', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), fc.string({ minLength: 1, maxLength: 40 }), (t, key) => {
        expect(couldBeJobId(newJobId(t, Math.random))).toBe(true);
        if (uniqueKeyProblems(key).length === 0) expect(couldBeJobId(uniqueJobId('send-invoice', key))).toBe(true);
        expect(couldBeJobId(occurrenceJobId('weekly-report', t))).toBe(true);
      }),
    );
    for (const name of ['weekly-report', 'nightly', 'A1', '01KAR8T3ZK5N7Q2W4E6R8T0Y2']) expect(couldBeJobId(name)).toBe(false);
  });

  it('newJobId is 26 Crockford characters ordered by time', () => {
    expect(newJobId(0, () => 0)).toBe('0'.repeat(26));
    expect(newJobId(2 ** 48 - 1, () => 0.999999)).toBe('7ZZZZZZZZZ' + 'Z'.repeat(16));
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 48 - 2 }), fc.integer({ min: 1, max: 1000 }), (t, d) => {
      const [a, b] = [newJobId(t, Math.random), newJobId(Math.min(t + d, 2 ** 48 - 1), Math.random)];
      expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(a.slice(0, 10) < b.slice(0, 10)).toBe(true);
    }));
  });
  it.each([[-1], [1.5], [2 ** 48]])('nowMs %j is rejected', (t) => expect(() => newJobId(t, Math.random)).toThrow(/`nowMs`/));

  it('unique and occurrence ids', () => {
    expect(uniqueJobId('send-invoice', 'invoice-42')).toBe('u:send-invoice/invoice-42');
    expect(occurrenceJobId('daily', 1795424400000)).toBe('daily#1795424400000');
  });
  it('parses an occurrence id back, and nothing else', () => {
    fc.assert(fc.property(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), fc.integer({ min: 0, max: 2 ** 48 }), (scheduleId, t) => {
      expect(parseOccurrenceJobId(occurrenceJobId(scheduleId, t))).toEqual({ scheduleId, fireAtMs: t });
    }));
    for (const id of ['u:send/invoice-42', '01KAR8T3ZK5N7Q2W4E6R8T0Y2A', '#1795424400000', 'daily#', 'daily#12a', 'daily#-5', `daily#${'9'.repeat(17)}`]) {
      expect(parseOccurrenceJobId(id)).toBeUndefined();
    }
  });
  it.each([
    ['', /empty string/], ['x'.repeat(513), /513 characters.*shorten or hash it/], ['é'.repeat(501), /501 characters/],
    ['a#b', /'#' is reserved/], [7, /\(number\)/],
  ])('unique key %j is rejected', (key, message) => {
    expect(uniqueKeyProblems(key)[0]).toMatch(message);
    expect(() => uniqueJobId('send-invoice', key as string)).toThrow(ValidationError);
  });
});

describe('names and problems', () => {
  it.each([['send-email'], ['a.b_c:d-1'], ['x'.repeat(128)]])('%s is a valid name', (name) => expect(nameProblems(name, 'task')).toEqual([]));
  it.each([
    ['', /empty string/], ['x'.repeat(129), /129 characters/], ['a b#c', /containing " ", "#"; .*replace those characters/],
    [undefined, /received undefined \(undefined\)/],
  ])('%j is not a valid name', (name, message) => expect(nameProblems(name, 'task')[0]).toMatch(message));

  it('assertValid throws one error with every problem', () => {
    expect(() => assertValid([])).not.toThrow();
    const error = thrown(() => assertValid(['a', 'b'])) as ValidationError;
    expect(error.name).toBe('ValidationError');
    expect(error.problems).toEqual(['a', 'b']);
    expect(error.message).toBe('2 problems:\n- a\n- b');
  });

  it.each([
    ['x'.repeat(100), `"${'x'.repeat(77)}..."`], [{ a: 1 }, '{"a":1}'], [{ big: 'y'.repeat(100) }, `{"big":"${'y'.repeat(69)}...`],
    [new Date(0), 'Date(1970-01-01T00:00:00.000Z)'], [1n, '1'],
  ])('describeValue(%s)', (value, expected) => expect(describeValue(value)).toBe(expected));
  it('describeValue survives values JSON cannot render', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(describeValue(cyclic)).toBe('[object Object]');
  });
});
