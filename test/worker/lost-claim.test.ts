import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../../lib/store/types.ts';
import { decideLostClaim } from '../../lib/worker/lost-claim.ts';
import { parseJobMessage } from '../../lib/worker/message.ts';
import { ValidationError } from '../../lib/core/errors.ts';
import { T0, jobRecord, messageFor } from './harness.ts';

const GRACE = 120_000;
const job = (overrides: Partial<JobRecord>): JobRecord => jobRecord('t', { id: 'j', ...overrides });
const message = messageFor({ id: 'j', dueAtMs: T0 }, T0 - 10_000);

describe('decideLostClaim', () => {
  it.each([
    ['cancelled', job({ state: 'cancelled' }), 'acknowledge'],
    ['completed', job({ state: 'completed', attempt: 1 }), 'acknowledge'],
    ['failed', job({ state: 'failed', attempt: 3 }), 'acknowledge'],
    ['running under a live lease', job({ state: 'running', attempt: 1, leaseUntilMs: T0 + 1 }), 'acknowledge'],
    ['running for another due time', job({ state: 'running', attempt: 2, dueAtMs: T0 + 5_000, leaseUntilMs: T0 - 1 }), 'acknowledge'],
    ['retrying for another due time, in its bucket', job({ state: 'retrying', dueAtMs: T0 + 3_600_000, placement: 'bucket' }), 'acknowledge'],
    ['scheduled in its lane for another due time', job({ state: 'scheduled', dueAtMs: T0 + 1_000, placement: 'lane' }), 'acknowledge'],
    ['retrying for another due time, direct', job({ state: 'retrying', attempt: 1, dueAtMs: T0 + 30_000 }), 'resend'],
    ['scheduled for another due time, direct (operator retry)', job({ state: 'scheduled', attempt: 3, dueAtMs: T0 + 2_000 }), 'resend'],
    ['claimable for this due time (a race)', job({ state: 'scheduled' }), 'retry-later'],
    ['running with an expired lease for this due time (a race)', job({ state: 'running', attempt: 1, leaseUntilMs: T0 - 1 }), 'retry-later'],
  ])('%s → %s', (_name, current, action) => {
    expect(decideLostClaim(message, current, T0, GRACE).action).toBe(action);
  });

  it('waits for a missing job while the message is young, drops it after the grace', () => {
    expect(decideLostClaim(message, undefined, message.sentAtMs + GRACE, GRACE).action).toBe('wait-for-job');
    expect(decideLostClaim(message, undefined, message.sentAtMs + GRACE + 1, GRACE).action).toBe('drop');
  });
});

describe('parseJobMessage', () => {
  it('reads a version 1 message', () => {
    expect(parseJobMessage('{"v":1,"id":"j_1","dueAtMs":5,"sentAtMs":4}')).toEqual({ v: 1, id: 'j_1', dueAtMs: 5, sentAtMs: 4 });
  });

  it('reports every problem of a malformed message at once', () => {
    const error = (() => {
      try {
        parseJobMessage('{"v":2,"id":"","dueAtMs":"soon"}');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    const problems = (error as ValidationError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toContain('`v`: received 2; expected 1');
    expect(problems.join('\n')).toContain('`dueAtMs`: received "soon"; expected epoch milliseconds');
    expect(problems.join('\n')).toContain('`sentAtMs`: received undefined; expected epoch milliseconds');
  });

  it.each(['not json', '[1]', 'null'])('rejects %s', (body) => {
    expect(() => parseJobMessage(body)).toThrow(ValidationError);
  });
});
