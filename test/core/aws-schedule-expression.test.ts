import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import awsCronParser from 'aws-cron-parser';
import {
  awsCronProblems,
  awsExpressionKind,
  parseAwsCron,
  rateProblems,
  rateSeconds,
} from '../../lib/core/aws-schedule-expression.ts';
import { nextCronMs } from '../../lib/core/cron.ts';
import { ValidationError } from '../../lib/core/errors.ts';
import { nextRuns, parseRecurrence, recurrenceProblems } from '../../lib/core/recurrence.ts';

const runs = (expression: string, from: string, count = 3, timezone?: string) =>
  nextRuns({ cron: expression, ...(timezone ? { timezone } : {}) }, { from: new Date(from), count }).map((d) => d.toISOString());

describe('AWS cron: the documented examples', () => {
  // The examples of AWS's "Schedule expressions" / cron expressions reference (EventBridge and Lambda user guides),
  // from Monday 2026-11-23 00:00 UTC.
  it.each([
    ['cron(0 10 * * ? *)', 'Run at 10:00 am (UTC) every day', ['2026-11-23T10:00:00.000Z', '2026-11-24T10:00:00.000Z', '2026-11-25T10:00:00.000Z']],
    ['cron(15 12 * * ? *)', 'Run at 12:15 pm (UTC) every day', ['2026-11-23T12:15:00.000Z', '2026-11-24T12:15:00.000Z', '2026-11-25T12:15:00.000Z']],
    ['cron(15 10 * * ? *)', '10:15 AM (UTC) every day', ['2026-11-23T10:15:00.000Z', '2026-11-24T10:15:00.000Z', '2026-11-25T10:15:00.000Z']],
    ['cron(0 18 ? * MON-FRI *)', '6:00 PM Monday through Friday', ['2026-11-23T18:00:00.000Z', '2026-11-24T18:00:00.000Z', '2026-11-25T18:00:00.000Z']],
    ['cron(0 8 1 * ? *)', '8:00 AM on the first day of the month', ['2026-12-01T08:00:00.000Z', '2027-01-01T08:00:00.000Z', '2027-02-01T08:00:00.000Z']],
    ['cron(0/15 * * * ? *)', 'every 15 minutes', ['2026-11-23T00:15:00.000Z', '2026-11-23T00:30:00.000Z', '2026-11-23T00:45:00.000Z']],
    ['cron(0/10 * ? * MON-FRI *)', 'every 10 minutes on weekdays', ['2026-11-23T00:10:00.000Z', '2026-11-23T00:20:00.000Z', '2026-11-23T00:30:00.000Z']],
    ['cron(0/5 8-17 ? * MON-FRI *)', 'every 5 minutes between 8:00 AM and 5:55 PM weekdays', ['2026-11-23T08:00:00.000Z', '2026-11-23T08:05:00.000Z', '2026-11-23T08:10:00.000Z']],
    ['cron(0 9 ? * 2#1 *)', '9:00 AM on the first Monday of each month', ['2026-12-07T09:00:00.000Z', '2027-01-04T09:00:00.000Z', '2027-02-01T09:00:00.000Z']],
  ])('%s: %s', (expression, _meaning, expected) => {
    expect(runs(expression, '2026-11-23T00:00:00Z')).toEqual(expected);
  });

  it('cron(15 10 ? * 6L 2002-2005): the last Friday of each month during 2002-2005, and nothing after', () => {
    expect(runs('cron(15 10 ? * 6L 2002-2005)', '2002-01-01T00:00:00Z')).toEqual([
      '2002-01-25T10:15:00.000Z', '2002-02-22T10:15:00.000Z', '2002-03-29T10:15:00.000Z',
    ]);
    expect(runs('cron(15 10 ? * 6L 2002-2005)', '2005-12-01T00:00:00Z', 5)).toEqual(['2005-12-30T10:15:00.000Z']);
    // The year field bounds the schedule: its end is the first instant of 2006 in its zone.
    expect(parseRecurrence({ cron: 'cron(15 10 ? * 6L 2002-2005)', timezone: 'Europe/Rome' }).endAtMs).toBe(Date.parse('2005-12-31T23:00:00Z'));
    expect(parseRecurrence({ cron: 'cron(15 10 ? * 6L 2002-2005)', endAt: '2003-01-01T00:00:00Z' }).endAtMs).toBe(Date.parse('2003-01-01T00:00:00Z'));
    expect(nextCronMs(parseAwsCron('cron(15 10 ? * 6L 2002-2005)')!, 'UTC', Date.parse('2006-01-01T00:00:00Z'))).toBe(Number.POSITIVE_INFINITY);
  });

  it.each([
    ['rate(5 minutes)', 300], ['rate(1 minute)', 60], ['rate(1 hour)', 3600], ['rate(12 hours)', 43_200], ['rate(7 days)', 604_800], ['rate(1 day)', 86_400],
  ])('%s is every %i s, in `cron` or in `every`', (expression, seconds) => {
    expect(rateSeconds(expression)).toBe(seconds);
    expect(parseRecurrence({ cron: expression }).rule).toEqual({ everySec: seconds });
    expect(parseRecurrence({ every: expression }).rule).toEqual({ everySec: seconds });
  });
});

describe('AWS cron: day rules and time zones', () => {
  it.each([
    ['cron(0 0 L * ? *)', '2027-01-15T00:00:00Z', ['2027-01-31T00:00:00.000Z', '2027-02-28T00:00:00.000Z', '2027-03-31T00:00:00.000Z']],
    // 2027-05-01 is a Saturday (→ Monday 3rd, not April), 2027-08-01 a Sunday (→ Monday 2nd).
    ['cron(0 0 1W 5,8 ? *)', '2027-01-01T00:00:00Z', ['2027-05-03T00:00:00.000Z', '2027-08-02T00:00:00.000Z', '2028-05-01T00:00:00.000Z']],
    // 2027-01-31 is a Sunday (→ Friday 29th), 2027-02-15 a Monday, 2027-05-15 a Saturday (→ Friday 14th), 30W in February → 28th's weekday.
    ['cron(0 0 31W 1 ? 2027)', '2027-01-01T00:00:00Z', ['2027-01-29T00:00:00.000Z']],
    ['cron(0 0 15W 5 ? 2027)', '2027-01-01T00:00:00Z', ['2027-05-14T00:00:00.000Z']],
    ['cron(0 0 16W 5 ? 2027)', '2027-01-01T00:00:00Z', ['2027-05-17T00:00:00.000Z']],
    ['cron(0 0 30W 2 ? 2027)', '2027-01-01T00:00:00Z', ['2027-02-26T00:00:00.000Z']],
    ['cron(0 12 ? * L 2027)', '2027-01-01T00:00:00Z', ['2027-01-02T12:00:00.000Z', '2027-01-09T12:00:00.000Z', '2027-01-16T12:00:00.000Z']],
    ['cron(0 12 ? * SUN#5 *)', '2027-01-01T00:00:00Z', ['2027-01-31T12:00:00.000Z', '2027-05-30T12:00:00.000Z', '2027-08-29T12:00:00.000Z']],
    ['cron(0 12 ? * 1,7 *)', '2027-01-01T00:00:00Z', ['2027-01-02T12:00:00.000Z', '2027-01-03T12:00:00.000Z', '2027-01-09T12:00:00.000Z']],
    ['cron(0 12 1/10 * ? *)', '2027-01-01T00:00:00Z', ['2027-01-01T12:00:00.000Z', '2027-01-11T12:00:00.000Z', '2027-01-21T12:00:00.000Z']],
    ['cron(0 0 1 1 ? 2030,2035)', '2027-01-01T00:00:00Z', ['2030-01-01T00:00:00.000Z', '2035-01-01T00:00:00.000Z']],
    ['cron(0 0 29 FEB ? 2027-2032)', '2027-01-01T00:00:00Z', ['2028-02-29T00:00:00.000Z', '2032-02-29T00:00:00.000Z']],
  ])('%s from %s', (expression, from, expected) => {
    expect(runs(expression, from, 3)).toEqual(expected);
  });

  it('follows the schedule time zone and the DST policy of sundial cron', () => {
    // 02:30 does not exist in New York on 2026-03-08: a fixed local time fires when the gap ends.
    expect(runs('cron(30 2 * * ? *)', '2026-03-07T12:00:00Z', 2, 'America/New_York')).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']);
    // An hour field that steps through the day follows absolute time: both passes of the repeated hour.
    expect(runs('cron(30 * * * ? *)', '2026-11-01T04:00:00Z', 3, 'America/New_York')).toEqual([
      '2026-11-01T04:30:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-01T06:30:00.000Z',
    ]);
  });
});

describe('AWS expressions: validation reports every problem with what is allowed', () => {
  it.each([
    ['cron(0 9 * * MON *)', [/exactly one of the two must be \?/]],
    ['cron(0 9 ? * ? *)', [/exactly one of the two must be \?/]],
    ['cron(0 9 * *)', [/with 4 fields; expected cron\(minutes hours/]],
    ['cron(5)', [/with 1 field; expected/]],
    ['cron()', [/received "cron\(\)"; expected cron\(minutes/]],
    ['cron(61 25 ? * MON 1969)', [/minutes field "61"/, /hours field "25"/, /year field "1969"/]],
    ['cron(0? 9W 1 * ? *)', [/minutes field "0\?": "\?" not allowed here; allowed: 0-59 and the wildcards , - \* \//, /hours field "9W": "W" not allowed/]],
    ['cron(MON 9 ? * MON *)', [/minutes field "MON": "M", "O", "N" not allowed/]],
    ['cron(0 9 1 ? ? *)', [/month field "\?": "\?" not allowed here; allowed: 1-12 or JAN-DEC and the wildcards , - \* \//]],
    ['cron(0 9 L,3 * ? *)', [/stand alone in their field/]],
    ['cron(0 9 ? * 2#1,3 *)', [/stand alone in their field/]],
    ['cron(0 9 5L * ? *)', [/expected L \(last day of the month\) or nW/]],
    ['cron(0 9 40W * ? *)', [/the day before W "40" is not one value from 1 to 31/]],
    ['cron(0 9 ? * 9L *)', [/the day before L "9"/]],
    ['cron(0 9 ? * 9#7 *)', [/the day before # "9"/, /the week after # must be 1 to 5/]],
    ['cron(0 9 ? * 2#6 *)', [/the week after # must be 1 to 5/]],
    ['cron(0 9 ? * L5 *)', [/expected L \(Saturday\), nL/]],
    ['cron(0 0 30 2 ? *)', [/never matches: no month given has day 30/]],
  ])('%s', (expression, messages) => {
    const problems = awsCronProblems(expression);
    expect(problems).toHaveLength(messages.length);
    messages.forEach((m, i) => expect(problems[i]).toMatch(m));
    expect(parseAwsCron(expression)).toBeUndefined();
    expect(() => parseRecurrence({ cron: expression })).toThrow(ValidationError);
  });

  it('rejects a non-string', () => {
    expect(awsCronProblems(42)).toEqual([expect.stringMatching(/received 42; expected cron\(/)]);
    expect(rateProblems(undefined)).toEqual([expect.stringMatching(/expected rate\(value unit\)/)]);
    expect(awsExpressionKind(42)).toBeUndefined();
  });

  it.each([
    ['rate(1 minutes)', [/write rate\(1 minute\); AWS takes a singular unit for 1/]],
    ['rate(5 minute)', [/write rate\(5 minutes\)/]],
    ['rate(0 weeks)', [/value "0" is not a whole number/, /unit "weeks" is not minute\(s\)/]],
    ['rate(5)', [/expected rate\(value unit\)/]],
  ])('%s', (expression, messages) => {
    const problems = rateProblems(expression);
    expect(problems).toHaveLength(messages.length);
    messages.forEach((m, i) => expect(problems[i]).toMatch(m));
    expect(rateSeconds(expression)).toBeUndefined();
  });

  it.each([
    [{ cron: 'rate(400 days)' }, [/whole seconds from 1 s to 31622400 s/]],
    [{ every: 'rate(1 hours)' }, [/write rate\(1 hour\)/]],
    [{ cron: 'rate(5 minutes)', timezone: 'Europe/Rome' }, [/`timezone` applies only to `cron`/]],
    [{ every: 'cron(0 9 ? * MON *)' }, [/a cron expression; pass it as `cron`/]],
    [{ cron: 'at(2026-12-01T09:00:00)' }, [/a one-time AWS schedule: enqueue a job with \{ at/]],
    [{ every: 'at(2026-12-01T09:00:00)' }, [/a one-time AWS schedule/]],
  ])('in a recurring spec: %j', (spec, messages) => {
    const problems = recurrenceProblems(spec);
    expect(problems).toHaveLength(messages.length);
    messages.forEach((m, i) => expect(problems[i]).toMatch(m));
  });
});

describe('AWS cron: L, W and # agree with aws-cron-parser', () => {
  // An independent implementation of AWS cron (npm aws-cron-parser) as the oracle, in UTC (the only zone it knows).
  // W days stop at 28: for a day a month does not have, the two disagree on an edge AWS does not document. # stops at
  // the 4th week: the oracle gives up (its own recursion guard) on rare fifth weeks, which the examples above cover.
  // The oracle builds dates in the process's zone: the machines running this test are on UTC.
  const dayField = fc.oneof(
    fc.constant({ dom: 'L', dow: '?' }),
    fc.integer({ min: 1, max: 28 }).map((d) => ({ dom: `${d}W`, dow: '?' })),
    fc.integer({ min: 1, max: 7 }).map((d) => ({ dom: '?', dow: `${d}L` })),
    fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 4 })).map(([d, n]) => ({ dom: '?', dow: `${d}#${n}` })),
  );
  it('for random rules, months, times and starting instants', () => {
    fc.assert(
      fc.property(
        dayField,
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 23 }),
        fc.constantFrom('*', '1/2', '2-4', '12'),
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) }),
        ({ dom, dow }, minute, hour, month, fromMs) => {
          const inner = `${minute} ${hour} ${dom} ${month} ${dow} *`;
          const oracle = awsCronParser.parse(inner);
          const fields = parseAwsCron(`cron(${inner})`)!;
          let [ours, theirs] = [fromMs, fromMs];
          for (let i = 0; i < 4; i++) {
            ours = nextCronMs(fields, 'UTC', ours);
            theirs = awsCronParser.next(oracle, new Date(theirs))!.getTime();
            expect(new Date(ours).toISOString(), inner).toBe(new Date(theirs).toISOString());
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
