/**
 * The local Lambda runtime when its processes are killed from outside (the chaos run SIGKILLs consumers and
 * sweepers): an invocation that lands on a process killed a moment before fails like a crashed Lambda, and the host
 * process keeps running (before the fix, the IPC write to the dead child raised an unhandled EPIPE that crashed it).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FunctionDefinition } from '../../infra/local/deploy.ts';
import { LocalFunction } from '../../infra/local/lambda-runtime.ts';

const dir = mkdtempSync(join(tmpdir(), 'sundial-killed-function-'));
const handlerFile = join(dir, 'index.mjs');
writeFileSync(handlerFile, 'export const handler = async (event) => new Promise((resolve) => setTimeout(() => resolve(event), event.ms ?? 0));');
const definition: FunctionDefinition = {
  logicalId: 'Killable',
  functionName: 'killable',
  arn: 'arn:aws:lambda:us-east-1:000000000000:function:killable',
  handlerFile,
  handlerExport: 'handler',
  runtime: 'nodejs22.x',
  timeoutSec: 30,
  memoryMb: 128,
  environment: {},
};
const fn = new LocalFunction(definition, { baseEnv: { AWS_REGION: 'us-east-1' }, maxConcurrency: 1, onLog: () => undefined });
afterAll(async () => {
  await fn.stop();
  rmSync(dir, { recursive: true, force: true });
});

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
