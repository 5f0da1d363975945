/**
 * The local Lambda runtime keeps a cold start's init (loading the handler module) out of the invocation's timeout, as
 * Lambda does. Before, a slow module load on a busy machine timed out the first invocation of every fresh environment.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { singleFileFunction } from './fixtures/single-file-function.ts';

// Init takes 1.5 s; the function's timeout is 1 s; the invocation itself is instant.
const { fn, stop } = singleFileFunction(
  'slow-init',
  "await new Promise((resolve) => setTimeout(resolve, 1500));\nexport const handler = async () => 'ran';\n",
  { timeoutSec: 1 },
);
afterAll(stop);

describe('local Lambda runtime: init phase', () => {
  it('does not count the module load against the invocation timeout', async () => {
    expect(await fn.invoke({})).toMatchObject({ ok: true, value: 'ran' });
    expect(fn.timedOutPids.size).toBe(0);
  });
});
