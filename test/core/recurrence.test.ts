import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '../../lib/core/errors.ts';
import { firstOccurrenceMs, nextOccurrenceMs, nextRuns, parseRecurrence, recurrenceProblems } from '../../lib/core/recurrence.ts';
import { planOccurrences, MAX_COUNTED_MISSES } from '../../lib/core/misfire.ts';
import type { OccurrencePlanInput } from '../../lib/core/misfire.ts';

const T0 = Date.parse('2026-11-23T00:00:00Z');
const isoList = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('parseRecurrence', () => {
  it.each([
    [{ cron: ' 0 9 * * MON ', timezone: 'America/New_York' }, { rule: { cron: '0 9 * * MON', timezone: 'America/New_York' } }],
    [{ cron: '@daily' }, { rule: { cron: '@daily', timezone: 'UTC' } }],
    [{ every: '5m', maxRuns: 3 }, { rule: { everySec: 300 }, maxRuns: 3 }],
    [{ every: 60, startAt: '2026-11-23T00:00:00Z', endAt: new Date(T0 + 1) }, { rule: { everySec: 60 }, startAtMs: T0, endAtMs: T0 + 1 }],
  ])('%j', (spec, expected) => expect(parseRecurrence(spec)).toEqual(expected));

  it.each([
    [{}, [/exactly one of `cron` and `every` \(received neither\)/]],
    [{ cron: '* * * * *', every: 60 }, [/received both/]],
    [{ cron: '0 9 * *', timezone: 'Mars/Base' }, [/4 fields/, /Mars\/Base/]],
    [{ every: 60, timezone: 'UTC' }, [/applies only to `cron`/]],
    [{ every: '500ms' }, [/whole seconds/]],
    [{ every: 1.5 }, [/whole seconds/]],
    [{ every: 0 }, [/whole seconds/]],
    [{ every: 400 * 86_400 }, [/whole seconds/]],
    [{ every: -1 }, [/`every`: received -1; expected seconds ≥ 0/]],
    [{ every: 60, startAt: '2026-11-23T09:00', endAt: 'soon' }, [/startAt.*without a UTC offset/, /endAt/]],
    [{ every: 60, startAt: '2026-11-23T09:00:00Z', endAt: '2026-11-23T09:00:00Z' }, [/not after `startAt`/]],
    [{ every: 60, maxRuns: 0 }, [/maxRuns/]],
    // Found by the bad-input property suite: 2^53 passed the check, then DynamoDB's marshalling refused it.
    [{ every: 60, maxRuns: 2 ** 53 }, [/`maxRuns`: received 9007199254740992; expected a whole number from 1 to 9007199254740991/]],
    [null, [/expected an object/]],
  ])('%j reports every problem', (spec, messages) => {
    const problems = recurrenceProblems(spec);
    expect(problems).toHaveLength(messages.length);
    messages.forEach((m, i) => expect(problems[i]).toMatch(m));
    expect(() => parseRecurrence(spec as never)).toThrow(ValidationError);
  });
});

describe('occurrences', () => {
  it('every: slots never drift over 10,000 steps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 366 * 86_400 }), fc.integer({ min: 0, max: 2 ** 40 }), (everySec, anchor) => {
        let slot = anchor;
        for (let i = 1; i <= 10_000; i++) slot = nextOccurrenceMs({ everySec }, slot, anchor);
        expect(slot).toBe(anchor + 10_000 * everySec * 1000);
      }),
      { numRuns: 20 },
    );
  });

  it.each([
    [{ everySec: 60 }, T0 + 90_000, T0, T0 + 120_000],
    [{ everySec: 60 }, T0 + 60_000, T0, T0 + 120_000],
    [{ everySec: 60 }, T0 - 5, T0, T0],
    [{ cron: '0 9 * * *', timezone: 'Europe/Rome' }, T0, 0, Date.parse('2026-11-23T08:00:00Z')],
  ])('nextOccurrenceMs(%j, %d, %d) = %d', (rule, after, anchor, expected) => expect(nextOccurrenceMs(rule, after, anchor)).toBe(expected));

  it.each([
    [{ every: 60 }, T0 + 60_000],
    [{ every: 60, startAt: new Date(T0 - 5000) }, T0 - 5000],
    [{ every: 60, startAt: new Date(T0 + 437) }, T0 + 437],
    [{ every: 60, endAt: new Date(T0 + 60_000) }, undefined],
    [{ cron: '0 9 * * *', timezone: 'America/New_York' }, Date.parse('2026-11-23T14:00:00Z')],
    [{ cron: '0 9 * * *', startAt: '2026-11-23T09:00:00Z' }, Date.parse('2026-11-23T09:00:00Z')],
  ])('firstOccurrenceMs(%j)', (spec, expected) => expect(firstOccurrenceMs(parseRecurrence(spec), T0)).toBe(expected));

  it.each([
    [{ cron: '0 9 * * MON', timezone: 'America/New_York' }, T0, 2, ['2026-11-23T14:00:00.000Z', '2026-11-30T14:00:00.000Z']],
    [{ every: '1h30m' }, new Date(T0), 2, ['2026-11-23T01:30:00.000Z', '2026-11-23T03:00:00.000Z']],
    [{ every: 60, startAt: '2026-11-22T00:00:00Z', maxRuns: 3 }, T0, 5, []],
    [{ every: 3600, startAt: '2026-11-22T22:00:00Z', maxRuns: 4 }, T0, 5, ['2026-11-23T01:00:00.000Z']],
    [{ every: 60, startAt: '2026-11-24T00:00:00Z' }, T0, 1, ['2026-11-24T00:00:00.000Z']],
    [{ cron: '0 * * * *', startAt: '2026-11-22T22:00:00Z', maxRuns: 4 }, T0, 5, ['2026-11-23T01:00:00.000Z']],
    [{ cron: '0 * * * *', startAt: '2026-11-22T22:00:00Z', maxRuns: 2 }, T0, 5, []],
    [{ cron: '0 0 * * *', endAt: '2026-11-25T00:00:00Z' }, T0, 5, ['2026-11-24T00:00:00.000Z']],
  ])('nextRuns(%j, from %s, %d)', (spec, from, count, expected) => expect(isoList(nextRuns(spec, { from, count }))).toEqual(expected));

  it('every without startAt: slots fall on whole seconds, one interval after creation rounded up', () => {
    const createdAt = Date.parse('2026-11-23T12:00:07.400Z');
    expect(firstOccurrenceMs(parseRecurrence({ every: '5m' }), createdAt)).toBe(Date.parse('2026-11-23T12:05:08.000Z'));
    expect(isoList(nextRuns({ every: '5m' }, { from: createdAt, count: 2 }))).toEqual(['2026-11-23T12:05:08.000Z', '2026-11-23T12:10:08.000Z']);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 366 * 86_400 }), fc.integer({ min: 0, max: 2 ** 40 }), (everySec, nowMs) => {
        const first = firstOccurrenceMs(parseRecurrence({ every: everySec }), nowMs)!;
        expect(first % 1000).toBe(0);
        expect(first - nowMs - everySec * 1000).toBeGreaterThanOrEqual(0);
        expect(first - nowMs - everySec * 1000).toBeLessThan(1000);
        // A preview from the same instant shows the same slots.
        expect(nextRuns({ every: everySec }, { from: nowMs, count: 1 })[0]!.getTime()).toBe(first);
      }),
    );
  });

  it('nextRuns reports spec and option problems together', () => {
    const error = (() => {
      try {
        nextRuns({ every: 0 }, { from: new Date(Number.NaN), count: 0 });
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error!.problems).toHaveLength(3);
    expect(() => nextRuns({ every: 60 }, { from: 'now' as never, count: 1 })).toThrow(/`from`/);
    expect(() => nextRuns({ every: 60 }, undefined as never)).toThrow(ValidationError);
  });

  it('reuses parsed expressions and survives many distinct ones', () => {
    for (let i = 0; i < 1001; i++) nextOccurrenceMs({ cron: `${i % 60} ${Math.floor(i / 60) % 24} * * *`, timezone: 'UTC' }, T0 + i, 0);
    expect(nextOccurrenceMs({ cron: '0 0 * * *', timezone: 'UTC' }, T0, 0)).toBe(T0 + 86_400_000);
  });
});

describe('planOccurrences', () => {
  const base: OccurrencePlanInput = {
    rule: { everySec: 60 }, anchorMs: 0, nextRunAtMs: 0, runs: 0, misfire: 'skip',
    nowMs: 600_000, windowEndMs: 690_000, misfireGraceMs: 60_000, maxCatchUp: 3,
  };
  const cron = { cron: '* * * * *', timezone: 'Europe/Rome' };
  it.each([
    ['skip', {}, { fireAtMs: [540_000, 600_000, 660_000], skipped: 9, runs: 3, nextRunAtMs: 720_000 }],
    ['once', {}, { fireAtMs: [0, 540_000, 600_000, 660_000], skipped: 8, runs: 4, nextRunAtMs: 720_000 }],
    ['all', {}, { fireAtMs: [360_000, 420_000, 480_000, 540_000, 600_000, 660_000], skipped: 6, runs: 6, nextRunAtMs: 720_000 }],
    ['all, cron', { rule: cron }, { fireAtMs: [360_000, 420_000, 480_000, 540_000, 600_000, 660_000], skipped: 6, runs: 6, nextRunAtMs: 720_000 }],
    ['all, cron, catch up more than exists', { rule: cron, maxCatchUp: 50 }, { fireAtMs: [0, 60_000, 120_000, 180_000, 240_000, 300_000, 360_000, 420_000, 480_000, 540_000, 600_000, 660_000], skipped: 0, runs: 12 }],
    ['all, no catch-up', { misfire: 'all', maxCatchUp: 0 }, { fireAtMs: [540_000, 600_000, 660_000], skipped: 9, runs: 3 }],
    ['nothing due yet', { nextRunAtMs: 720_000 }, { fireAtMs: [], skipped: 0, runs: 0, nextRunAtMs: 720_000 }],
    ['late within grace fires', { nowMs: 30_000, windowEndMs: 60_000 }, { fireAtMs: [0, 60_000], skipped: 0, runs: 2, nextRunAtMs: 120_000 }],
    ['maxRuns ends it', { maxRuns: 2, runs: 0 }, { fireAtMs: [540_000, 600_000], skipped: 9, runs: 2, nextRunAtMs: undefined }],
    ['maxRuns bounds catch-up', { misfire: 'all', maxRuns: 2, runs: 0 }, { fireAtMs: [420_000, 480_000], skipped: 7, runs: 2, nextRunAtMs: undefined }],
    ['already at maxRuns', { maxRuns: 1, runs: 1 }, { fireAtMs: [], skipped: 0, runs: 1, nextRunAtMs: undefined }],
    ['endAt inside missed slots', { endAtMs: 300_000, misfire: 'once' }, { fireAtMs: [0], skipped: 4, runs: 1, nextRunAtMs: undefined }],
    ['endAt inside the window', { endAtMs: 600_000 }, { fireAtMs: [540_000], skipped: 9, runs: 1, nextRunAtMs: undefined }],
    ['years of downtime, skip, no walking', { nowMs: 1e12, windowEndMs: 1e12 + 90_000 }, { fireAtMs: [999_999_960_000, 1_000_000_020_000, 1_000_000_080_000], skipped: 16_666_666, runs: 3 }],
  ])('%s', (_name, over, expected) => {
    const misfire = _name.split(',')[0] as OccurrencePlanInput['misfire'];
    const input = { ...base, misfire: ['skip', 'once', 'all'].includes(misfire) ? misfire : base.misfire, ...over } as OccurrencePlanInput;
    const { nextRunAtMs, ...rest } = expected as { nextRunAtMs?: number };
    const plan = planOccurrences(input);
    expect(plan).toMatchObject(rest);
    if ('nextRunAtMs' in expected) expect(plan.nextRunAtMs).toBe(nextRunAtMs);
  });

  it('counts cron misses up to a cap and replays the most recent ones after long downtime', () => {
    const plan = planOccurrences({ ...base, rule: cron, misfire: 'all', nowMs: 30 * 86_400_000, windowEndMs: 30 * 86_400_000, maxCatchUp: 2 });
    expect(plan.skipped).toBe(MAX_COUNTED_MISSES - 2);
    expect(plan.fireAtMs).toEqual([30 * 86_400_000 - 180_000, 30 * 86_400_000 - 120_000, 30 * 86_400_000 - 60_000, 30 * 86_400_000]);
  });
});
