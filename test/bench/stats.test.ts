import { describe, expect, it } from 'vitest';
import { distribution, mapLimit } from '../../bench/stats.ts';

describe('distribution (nearest rank)', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => 100 - i);

  it('takes the value at rank ceil(p × n) of the sorted sample', () => {
    expect(distribution(oneToHundred)).toEqual({ count: 100, p50: 50, p90: 90, p99: 99, max: 100, min: 1, mean: 50.5 });
  });

  it.each([
    // sample, p50, p90, p99
    [[7], 7, 7, 7],
    [[3, 1, 2], 2, 3, 3],
    [[10, 20], 10, 20, 20],
    // 1,000 samples: p99 is the 990th value, so the 10 worst do not move it.
    [[...Array.from({ length: 990 }, () => 5), ...Array.from({ length: 10 }, () => 900)], 5, 5, 5],
    [[...Array.from({ length: 989 }, () => 5), ...Array.from({ length: 11 }, () => 900)], 5, 5, 900],
  ])('%#: p50 %d, p90 %d, p99 %d', (sample, p50, p90, p99) => {
    expect(distribution(sample)).toMatchObject({ p50, p90, p99 });
  });

  it('reports only measured values, never an interpolation', () => {
    const sample = [0, 10, 1000];
    const d = distribution(sample);
    for (const p of [d.p50, d.p90, d.p99, d.max, d.min]) expect(sample).toContain(p);
  });

  it('keeps negative samples (early jobs) and rounds the mean to 0.1', () => {
    expect(distribution([-3, 1, 1])).toMatchObject({ min: -3, mean: -0.3, p50: 1 });
  });

  it('does not reorder its input', () => {
    const sample = [3, 1, 2];
    distribution(sample);
    expect(sample).toEqual([3, 1, 2]);
  });

  it('an empty sample gives NaN figures and count 0', () => {
    const d = distribution([]);
    expect(d.count).toBe(0);
    expect([d.p50, d.p90, d.p99, d.max, d.min, d.mean].every(Number.isNaN)).toBe(true);
  });
});

describe('mapLimit', () => {
  it('keeps input order and never has more than the limit in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (n, i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      // Resolve in an order unrelated to the input order.
      for (let k = 0; k < n; k++) await Promise.resolve();
      inFlight--;
      return `${i}:${n}`;
    });
    expect(out).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3', '5:0']);
    expect(most).toBe(2);
  });

  it('handles no items and a limit above the item count', async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
    expect(await mapLimit([1, 2], 16, async (n) => n * 2)).toEqual([2, 4]);
  });

  it('rejects with the first failure', async () => {
    await expect(mapLimit([1, 2, 3], 2, async (n) => {
      if (n === 2) throw new Error('item 2 failed');
      return n;
    })).rejects.toThrow('item 2 failed');
  });
});
