import { describe, expect, it } from 'vitest';
import { measureBundles, renderBundles } from '../../bench/bundles.ts';

describe('bench: Lambda bundles', () => {
  it('bundles both handlers with and without the SDK, and each one initialises in a fresh Node', () => {
    const rows = measureBundles({ samples: 1 });
    expect(rows.map((r) => `${r.bundle}/${r.sdk}`)).toEqual(['sweeper/runtime', 'sweeper/bundled', 'consumer/runtime', 'consumer/bundled']);
    for (const bundle of ['sweeper', 'consumer']) {
      const [runtime, bundled] = rows.filter((r) => r.bundle === bundle);
      // Carrying the SDK is what makes the shipped bundle bigger; the init times are reported, not judged.
      expect(bundled!.sizeKb).toBeGreaterThan(runtime!.sizeKb);
    }
    for (const row of rows) expect(Number.isFinite(row.initMs) && row.initMs > 0).toBe(true);
    expect(renderBundles(rows)).toContain('| consumer | bundled (shipped) |');
  }, 180_000);
});
