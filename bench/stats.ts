/**
 * Summary statistics of the benchmark: nearest-rank percentiles over a sample.
 */

/** p50 / p90 / p99 / max of a sample, in its unit (ms for lateness). */
export interface Distribution {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly min: number;
  readonly mean: number;
}

/**
 * Nearest-rank percentiles (no interpolation: every figure is a value that was measured).
 *
 * @example
 * ```ts
 * distribution([5, 1, 3]).p50; // 3
 * ```
 */
export function distribution(sample: readonly number[]): Distribution {
  if (sample.length === 0) return { count: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, min: NaN, mean: NaN };
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return {
    count: sorted.length,
    p50: rank(50),
    p90: rank(90),
    p99: rank(99),
    max: sorted[sorted.length - 1]!,
    min: sorted[0]!,
    mean: Math.round((sorted.reduce((a, b) => a + b, 0) / sorted.length) * 10) / 10,
  };
}

/**
 * Runs `work` over `items` with at most `concurrency` in flight; resolves with the results in order.
 *
 * @example
 * ```ts
 * const jobs = await mapLimit(ids, 16, (id) => scheduler.get(id));
 * ```
 */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
