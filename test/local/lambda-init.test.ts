/**
 * The local Lambda runtime keeps a cold start's init (loading the handler module) out of the invocation's timeout, as
 * Lambda does. Before, a slow module load on a busy machine timed out the first invocation of every fresh environment.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FunctionDefinition } from '../../infra/local/deploy.ts';
import { LocalFunction } from '../../infra/local/lambda-runtime.ts';

const dir = mkdtempSync(join(tmpdir(), 'sundial-lambda-init-'));
const handlerFile = join(dir, 'index.mjs');
// Init takes 1.5 s; the function's timeout is 1 s; the invocation itself is instant.
writeFileSync(handlerFile, "await new Promise((resolve) => setTimeout(resolve, 1500));\nexport const handler = async () => 'ran';\n");
const definition: FunctionDefinition = {
  logicalId: 'SlowInit',
  functionName: 'slow-init',
  arn: 'arn:aws:lambda:us-east-1:000000000000:function:slow-init',
  handlerFile,
  handlerExport: 'handler',
  runtime: 'nodejs22.x',
  timeoutSec: 1,
  memoryMb: 128,
  environment: {},
};
const fn = new LocalFunction(definition, { baseEnv: { AWS_REGION: 'us-east-1' }, maxConcurrency: 1, onLog: () => undefined });
afterAll(async () => {
  await fn.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('local Lambda runtime: init phase', () => {
  it('does not count the module load against the invocation timeout', async () => {
    expect(await fn.invoke({})).toMatchObject({ ok: true, value: 'ran' });
    expect(fn.timedOutPids.size).toBe(0);
  });
});
