/**
 * The local Lambda runtime reports each invocation's duration and billed duration, as Lambda's REPORT line does: the
 * benchmark prices the scheduler's own Lambda time from them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalFunction, invocationTiming } from '../../infra/local/lambda-runtime.ts';

const dir = mkdtempSync(join(tmpdir(), 'sundial-invocation-timing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('invocationTiming', () => {
  it.each([
    [12.01, 13],
    [12, 12],
    [0.2, 1],
    [0, 0],
  ])('bills %d ms as %d ms (rounded up to the millisecond)', (durationMs, billedDurationMs) => {
    expect(invocationTiming(durationMs)).toEqual({ durationMs, billedDurationMs });
  });
});

describe('LocalFunction', () => {
  it('reports the handler’s duration, measured in its environment, and the billed duration of each invocation', async () => {
    const handlerFile = join(dir, 'index.mjs');
    // The handler holds the invocation for at least 50 ms, whatever the machine's load: a lower bound, not a timing.
    writeFileSync(handlerFile, 'export const handler = async (event) => { await new Promise((r) => setTimeout(r, event.ms)); return event.value; };');
    const fn = new LocalFunction(
      {
        logicalId: 'Timed', functionName: 'timed', arn: 'arn:aws:lambda:us-east-1:000000000000:function:timed',
        handlerFile, handlerExport: 'handler', timeoutSec: 30, memoryMb: 128, environment: {}, runtime: 'nodejs24.x',
      },
      { baseEnv: {}, maxConcurrency: 1, onLog: () => undefined },
    );
    try {
      const results = [await fn.invoke({ ms: 50, value: 1 }), await fn.invoke({ ms: 50, value: 2 })];
      for (const result of results) {
        expect(result.ok).toBe(true);
        expect(result.durationMs).toBeGreaterThanOrEqual(49);
        expect(result.billedDurationMs).toBe(Math.ceil(result.durationMs!));
        expect(result.maxMemoryUsedMb).toBeGreaterThan(0);
      }
    } finally {
      await fn.stop();
    }
  });
});
