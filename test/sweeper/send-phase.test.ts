import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { msUntilSendPhase, SEND_PHASE } from '../../lib/sweeper/send-phase.ts';

const SECOND_START = Date.parse('2026-12-03T09:00:00.000Z');

describe('msUntilSendPhase', () => {
  it.each([
    ['millisecond', 0, 750],
    ['millisecond', 50, 700],
    ['millisecond', 750, 0],
    ['millisecond', 849, 0],
    ['millisecond', 850, 900],
    ['second', 0, 0],
    ['second', 99, 0],
    ['second', 100, 900],
    ['second', 999, 1],
  ] as const)('%s precision, %d ms into the second: waits %d ms', (precision, intoSecondMs, waitMs) => {
    expect(msUntilSendPhase(SECOND_START + intoSecondMs, precision)).toBe(waitMs);
  });

  it('always lands inside the phase, within a second, before 1970 as after', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 4e12 }), fc.constantFrom('millisecond' as const, 'second' as const), (nowMs, precision) => {
        const wait = msUntilSendPhase(nowMs, precision);
        const { startMs, widthMs } = SEND_PHASE[precision];
        const phase = (((nowMs + wait - startMs) % 1000) + 1000) % 1000;
        return wait >= 0 && wait < 1000 && phase < widthMs;
      }),
    );
  });
});
