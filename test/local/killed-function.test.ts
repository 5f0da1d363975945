/**
 * The local Lambda runtime when its processes are killed from outside (the chaos run SIGKILLs consumers and
 * sweepers): an invocation that lands on a process killed a moment before fails like a crashed Lambda, and the host
 * process keeps running (before the fix, the IPC write to the dead child raised an unhandled EPIPE that crashed it).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { singleFileFunction } from './fixtures/single-file-function.ts';

const { fn, stop } = singleFileFunction(
  'killable',
  'export const handler = async (event) => new Promise((resolve) => setTimeout(() => resolve(event), event.ms ?? 0));',
  { timeoutSec: 30 },
);
afterAll(stop);

describe('local Lambda runtime: killed processes', () => {
  it('reports the pid of an environment while it runs an invocation, and fails that invocation when it is killed', async () => {
    await fn.invoke({ ms: 0 });
    expect(fn.busyPids).toEqual([]);
    const running = fn.invoke({ ms: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const [pid] = fn.busyPids;
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGKILL');
    expect(await running).toMatchObject({ ok: false, error: { errorType: 'Runtime.ExitError' } });
  });

  it.each([1, 2, 3, 4, 5])('an invocation sent to a process killed just before fails without crashing the host (%i)', async () => {
    expect(await fn.invoke({ ms: 0 })).toMatchObject({ ok: true });
    // Idle and still listed: the exit has not been processed when the next invocation picks it.
    process.kill(fn.pids[0]!, 'SIGKILL');
    const result = await fn.invoke({ ms: 0 });
    expect(result).toMatchObject({ ok: false, error: { errorType: 'Runtime.ExitError' } });
    // The next invocation gets a fresh environment.
    expect(await fn.invoke({ ms: 0 })).toMatchObject({ ok: true });
  });
});
