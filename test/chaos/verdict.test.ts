import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../chaos/ledger.ts';
import { findDuplicates, judge, missingSlots } from '../../chaos/verdict.ts';

const start = (jobId: string, attempt: number, pid = 100): LedgerEntry => ({ kind: 'start', jobId, attempt, pid, atMs: attempt, token: `t${attempt}` });
const finish = (jobId: string, attempt: number, ok: boolean, pid = 100): LedgerEntry => ({ kind: 'finish', jobId, attempt, pid, atMs: attempt, ok });

describe('judge', () => {
  it('counts accepted jobs without a start as lost, and live ones as stuck', () => {
    const verdict = judge({
      accepted: new Set(['a', 'b', 'c']),
      ledger: [start('a', 1), finish('a', 1, true), start('b', 1)],
      live: new Set(['b', 'not-accepted']),
      killedPids: new Set(),
      missingOccurrences: ['s#10'],
    });
    expect(verdict.lost).toEqual(['c', 's#10']);
    expect(verdict.stuck).toEqual(['b']);
    expect(verdict.duplicates).toEqual([]);
  });
});

describe('findDuplicates', () => {
  it('reports a second start of the same attempt', () => {
    const dup: LedgerEntry = { kind: 'duplicate', jobId: 'a', attempt: 1, pid: 7, atMs: 2, token: 'x' };
    expect(findDuplicates([start('a', 1), dup], new Set())).toEqual([{ jobId: 'a', attempt: 1, reason: 'attempt 1 started again (pid 7)' }]);
  });

  it('reports a start after a success whose process was not killed (a success re-run)', () => {
    const ledger = [start('a', 1), finish('a', 1, true, 100), start('a', 2, 101), finish('a', 2, true, 101), start('a', 3, 102)];
    expect(findDuplicates(ledger, new Set()).map((d) => d.attempt)).toEqual([2, 3]);
  });

  it('excuses a re-run when the process of the success was killed before its write', () => {
    const ledger = [start('a', 1), finish('a', 1, true, 100), start('a', 2, 101), finish('a', 2, true, 101)];
    expect(findDuplicates(ledger, new Set([100]))).toEqual([]);
  });

  it('does not count retries after failures', () => {
    const ledger = [start('a', 1), finish('a', 1, false), start('a', 2), finish('a', 2, true)];
    expect(findDuplicates(ledger, new Set())).toEqual([]);
  });
});

describe('missingSlots', () => {
  it.each([
    [['s#0', 's#10000', 's#20000'], []],
    [['s#0', 's#30000'], ['s#10000', 's#20000']],
    [['s#20000', 's#0'], ['s#10000']],
    [['other#0', 'other#50000'], []],
    // a replaced schedule: two anchors, each grid whole
    [['s#0', 's#10000', 's#7500', 's#17500', 's#27500'], []],
    [['s#0', 's#20000', 's#7500', 's#27500'], ['s#10000', 's#17500']],
  ])('%j → %j', (ids, expected) => {
    expect(missingSlots(new Map([['s', 10_000]]), ids)).toEqual(expected);
  });

  it('counts only the slots inside the window (earlier ones follow the misfire policy)', () => {
    expect(missingSlots(new Map([['s', 10_000]]), ['s#0', 's#50000'], { fromMs: 25_000, toMs: 100_000 })).toEqual(['s#30000', 's#40000']);
  });
});
