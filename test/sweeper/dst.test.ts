/**
 * Cron schedules swept minute by minute across DST days, end to end through the sweeper: occurrences are spawned from
 * the zone's local time, once per matching local day (fixed-time schedules), or following absolute time (hourly).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF } from '../../lib/core/backoff.ts';
import { nextOccurrenceMs, type RecurrenceRule } from '../../lib/core/recurrence.ts';
import type { ScheduleRecord } from '../../lib/store/types.ts';
import { MINUTE, World } from './harness.ts';

function cronSchedule(id: string, rule: RecurrenceRule, fromMs: number): ScheduleRecord {
  return {
    id,
    task: 'report',
    queue: 'default',
    payload: '{}',
    recurrence: rule,
    anchorMs: fromMs,
    runs: 0,
    // The first slot at or after `fromMs`.
    nextRunAtMs: nextOccurrenceMs(rule, fromMs - 1, fromMs),
    paused: false,
    misfire: 'once',
    overlap: 'allow',
    maxAttempts: 3,
    backoff: DEFAULT_BACKOFF,
    timeoutSec: 30,
    storeResult: false,
    version: 1,
    createdAtMs: fromMs,
    updatedAtMs: fromMs,
  };
}

/** Sweeps every minute from just before `fromIso` to `toIso` with one cron schedule; returns the fire times that ran. */
async function sweepAcross(rule: RecurrenceRule, fromIso: string, toIso: string): Promise<string[]> {
  const world = new World({ shards: 1 });
  const fromMs = Date.parse(fromIso);
  await world.store.putSchedule(cronSchedule('dst', rule, fromMs));
  world.clock.now = fromMs - 2 * MINUTE;
  while (world.clock.now < Date.parse(toIso)) {
    world.clock.advance(MINUTE);
    await world.sweep();
    await world.deliver();
  }
  world.expectNoneRanTwice();
  expect(world.maxLatenessMs()).toBe(0);
  return world.runs.map((r) => new Date(Number(r.id.split('#')[1])).toISOString()).sort();
}

describe('cron schedules across DST (America/New_York, 2026)', () => {
  it('02:30 daily on the spring-forward day fires once, at the first instant after the gap (03:00 EDT)', async () => {
    const fired = await sweepAcross({ cron: '30 2 * * *', timezone: 'America/New_York' }, '2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z');
    expect(fired).toEqual(['2026-03-07T07:30:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']);
  });

  it('01:30 daily on the fall-back day fires once, on the first pass of the repeated hour', async () => {
    const fired = await sweepAcross({ cron: '30 1 * * *', timezone: 'America/New_York' }, '2026-10-31T00:00:00Z', '2026-11-03T00:00:00Z');
    expect(fired).toEqual(['2026-10-31T05:30:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  });

  it.each([
    { day: 'spring-forward', fromIso: '2026-03-08T05:00:00Z', toIso: '2026-03-09T04:00:00Z', runs: 23 },
    { day: 'fall-back', fromIso: '2026-11-01T04:00:00Z', toIso: '2026-11-02T05:00:00Z', runs: 25 },
  ])('hourly on the $day day follows absolute time: $runs runs in the local day', async ({ fromIso, toIso, runs }) => {
    // The sweep window reaches 90 s past `toIso`: stop a minute and a half before the next local midnight.
    const fired = await sweepAcross({ cron: '0 * * * *', timezone: 'America/New_York' }, fromIso, new Date(Date.parse(toIso) - 2 * MINUTE).toISOString());
    expect(fired).toHaveLength(runs);
    for (let i = 1; i < fired.length; i++) expect(Date.parse(fired[i]!) - Date.parse(fired[i - 1]!)).toBe(60 * MINUTE);
  });

  it('Europe/Rome 02:30 daily across its spring change fires once a day', async () => {
    const fired = await sweepAcross({ cron: '30 2 * * *', timezone: 'Europe/Rome' }, '2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z');
    expect(fired).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
  });
});
