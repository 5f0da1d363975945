import { describe, expect, it } from 'vitest';
import { placementOf } from '../../lib/core/placement.ts';

const NOW = Date.parse('2026-12-03T09:00:00Z');
const HORIZON = 900_000;

describe('placementOf: where a job waits until it is sent', () => {
  it.each([
    ['due now, direct writer', NOW, 'direct', 'none'],
    ['overdue (a misfire replayed)', NOW - 60_000, 'direct', 'none'],
    ['just inside the horizon', NOW + HORIZON - 1, 'direct', 'none'],
    ['at the horizon: SQS cannot hold it', NOW + HORIZON, 'direct', 'bucket'],
    ['an hour ahead', NOW + 3_600_000, 'direct', 'bucket'],
    ['near, written by a transaction', NOW + 30_000, 'transaction', 'lane'],
    ['far, written by a transaction', NOW + 3_600_000, 'transaction', 'bucket'],
  ] as const)('%s → %s', (_, dueAtMs, writer, expected) => {
    expect(placementOf(dueAtMs, NOW, HORIZON, writer)).toBe(expected);
  });

  it('treats a caller without a writer as direct', () => {
    expect(placementOf(NOW + 1_000, NOW, HORIZON)).toBe('none');
  });
});
