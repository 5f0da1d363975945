/** Per-minute throughput and lateness from the jobs' own timestamps (pure bucketing). */
import { describe, expect, it } from 'vitest';
import { CHART_MINUTES, minutePoints } from '../../dashboard/server/throughput.ts';
import type { Job } from '../../lib/model.ts';

const FROM = Date.parse('2026-12-01T10:00:00Z');
const MIN = 60_000;

function job(overrides: Partial<Job>): Job {
  return { id: 'j', task: 't', queue: 'default', payload: {}, state: 'completed', dueAt: new Date(FROM), attempt: 1, maxAttempts: 3, createdAt: new Date(FROM), updatedAt: new Date(FROM), ...overrides };
}

describe('minutePoints', () => {
  it('counts each attempt in the minute it ended and its lateness in the minute it started', () => {
    const retried = job({
      attempts: [
        { attempt: 1, dueAtMs: FROM, startedAtMs: FROM + 200, endedAtMs: FROM + 300, outcome: 'retrying' },
        { attempt: 2, dueAtMs: FROM + MIN, startedAtMs: FROM + MIN + 1_000, endedAtMs: FROM + MIN + 2_000, outcome: 'completed' },
      ],
    });
    const legacy = job({ startedAt: new Date(FROM + 50), finishedAt: new Date(FROM + 70), state: 'failed' });
    const running = job({ state: 'running', dueAt: new Date(FROM + 2 * MIN), startedAt: new Date(FROM + 2 * MIN + 30), attempts: [] });
    const points = minutePoints([retried, legacy, running], FROM);
    expect(points).toHaveLength(CHART_MINUTES);
    expect(points[0]).toEqual({ minute: FROM, completed: 0, failed: 2, p50Ms: 50, p99Ms: 200 });
    expect(points[1]).toEqual({ minute: FROM + MIN, completed: 1, failed: 0, p50Ms: 1_000, p99Ms: 1_000 });
    expect(points[2]).toEqual({ minute: FROM + 2 * MIN, completed: 0, failed: 0, p50Ms: 30, p99Ms: 30 });
    expect(points[3]).toEqual({ minute: FROM + 3 * MIN, completed: 0, failed: 0 });
  });

  it('leaves out attempts outside the window', () => {
    const old = job({ attempts: [{ attempt: 1, dueAtMs: FROM - 5 * MIN, startedAtMs: FROM - 5 * MIN, endedAtMs: FROM - 4 * MIN, outcome: 'completed' }] });
    expect(minutePoints([old], FROM).every((p) => p.completed === 0 && p.p50Ms === undefined)).toBe(true);
  });
});
