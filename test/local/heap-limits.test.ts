/**
 * A local function gets the V8 heap limits Lambda's Node.js runtime gives it for its memory, so its reported memory and
 * its out-of-memory failures are Lambda's, not those of V8's default multi-gigabyte heap; and the memory it reports is
 * its own.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lambdaHeapFlags } from '../../infra/local/lambda-heap-flags.ts';
import { LocalFunction } from '../../infra/local/lambda-runtime.ts';

const dir = mkdtempSync(join(tmpdir(), 'sundial-heap-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEAP_LIMIT_HANDLER = "import v8 from 'node:v8'; export const handler = async () => v8.getHeapStatistics().heap_size_limit / 1048576;";
/** Keeps 300 MB of small strings reachable: more than a 128 MB function's heap holds. */
const HOARDING_HANDLER =
  "export const handler = async () => { const kept = []; for (let i = 0; i < 3_000_000; i++) kept.push('x'.repeat(64) + i); return kept.length; };";

async function invoke(name: string, source: string, memoryMb: number) {
  const handlerFile = join(mkdtempSync(join(dir, `${name}-`)), 'index.mjs');
  writeFileSync(handlerFile, source);
  const fn = new LocalFunction(
    {
      logicalId: name, functionName: name, arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
      handlerFile, handlerExport: 'handler', timeoutSec: 60, memoryMb, environment: {}, runtime: 'nodejs24.x',
    },
    { baseEnv: { AWS_REGION: 'us-east-1' }, maxConcurrency: 1, onLog: () => undefined },
  );
  try {
    return await fn.invoke({});
  } finally {
    await fn.stop();
  }
}

describe('local functions get Lambda heap limits', () => {
  it('computes them as Lambda\'s bootstrap does: a tenth of the memory young (half per semi-space), the rest old', () => {
    expect(lambdaHeapFlags(128)).toEqual(['--max-semi-space-size=6', '--max-old-space-size=116']);
    expect(lambdaHeapFlags(256)).toEqual(['--max-semi-space-size=12', '--max-old-space-size=231']);
    expect(lambdaHeapFlags(1769)).toEqual(['--max-semi-space-size=88', '--max-old-space-size=1593']);
  });

  it('a 128 MB function sees a heap limit sized to its memory, not V8\'s default', async () => {
    const result = await invoke('heap-limit', HEAP_LIMIT_HANDLER, 128);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.value).toBeGreaterThanOrEqual(116);
      expect(result.value).toBeLessThan(160);
    }
  });

  it('a 128 MB function that holds 300 MB fails its invocation, as it would on Lambda', async () => {
    expect((await invoke('hoarding', HOARDING_HANDLER, 128)).ok).toBe(false);
  });
});

describe('Max Memory Used', () => {
  it('is the environment\'s own peak, not the high-water mark of the process that forked it', async () => {
    // The local stack's process can be hundreds of MB under load; getrusage's maxRSS of a forked and exec'd child keeps
    // that mark, so every environment started then reported at least the parent's size.
    const ballast = Array.from({ length: 300 }, () => Buffer.alloc(1024 * 1024, 1));
    const result = await invoke('small', "export const handler = async () => 'ok';", 128);
    expect(ballast).toHaveLength(300);
    expect(result.maxMemoryUsedMb).toBeGreaterThan(20);
    expect(result.maxMemoryUsedMb).toBeLessThan(150);
  });
});
