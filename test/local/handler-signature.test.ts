/**
 * The local Lambda runtime takes the handler signatures the function's runtime takes. Lambda's Node.js 24 runtime runs
 * async handlers only: a callback-style handler (a third parameter) fails its init with
 * `Runtime.CallbackHandlerDeprecated`, and the context has no callback-era members. Node.js 22 and earlier keep both,
 * so an app that pins `Runtime.NODEJS_22_X` runs its callback handlers locally as on AWS.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalFunction } from '../../infra/local/lambda-runtime.ts';

const dir = mkdtempSync(join(tmpdir(), 'sundial-handler-signature-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CALLBACK_HANDLER = 'export const handler = (event, context, callback) => callback(null, event.value);';
const CONTEXT_MEMBERS_HANDLER =
  "export const handler = async (event, context) => ['callbackWaitsForEmptyEventLoop', 'done', 'fail', 'succeed', 'getRemainingTimeInMillis'].filter((m) => m in context);";

function handlerFile(name: string, source: string): string {
  const file = join(mkdtempSync(join(dir, `${name}-`)), 'index.mjs');
  writeFileSync(file, source);
  return file;
}

async function invokeOnNode24(name: string, source: string, event: unknown) {
  const fn = new LocalFunction(
    {
      logicalId: name, functionName: name, arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
      handlerFile: handlerFile(name, source), handlerExport: 'handler', timeoutSec: 30, memoryMb: 128, environment: {},
      runtime: 'nodejs24.x',
    },
    { baseEnv: { AWS_REGION: 'us-east-1' }, maxConcurrency: 1, onLog: () => undefined },
  );
  try {
    return await fn.invoke(event);
  } finally {
    await fn.stop();
  }
}

describe('local Lambda runtime on nodejs24.x: async handlers only', () => {
  it('fails a callback-style handler with Runtime.CallbackHandlerDeprecated, as Lambda does', async () => {
    const result = await invokeOnNode24('callback', CALLBACK_HANDLER, { value: 1 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.errorType).toBe('Runtime.CallbackHandlerDeprecated');
      expect(result.error.errorMessage).toMatch(/removed support for callback-based function handlers starting with Node\.js 24/);
    }
  });

  it('gives an async handler a context without the callback-era members', async () => {
    expect(await invokeOnNode24('context', CONTEXT_MEMBERS_HANDLER, {})).toMatchObject({ ok: true, value: ['getRemainingTimeInMillis'] });
  });
});

describe('local Lambda bootstrap told nodejs22.x: callback handlers still run', () => {
  // No Node 22 is installed here (the `node` devDependency is Node 24), so the bootstrap runs on this Node and is told
  // the runtime, as the local runtime tells it: what is checked is the handler contract it applies per runtime.
  async function invokeBootstrap(source: string, event: unknown): Promise<{ ok: boolean; value?: unknown }> {
    const child = fork(fileURLToPath(new URL('../../infra/local/lambda-bootstrap.mjs', import.meta.url)), [], {
      execArgv: [],
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      env: {
        PATH: process.env.PATH ?? '',
        SUNDIAL_LOCAL_HANDLER_FILE: handlerFile('node22', source),
        SUNDIAL_LOCAL_HANDLER_EXPORT: 'handler',
        SUNDIAL_LOCAL_RUNTIME: 'nodejs22.x',
      },
    });
    try {
      const context = { awsRequestId: 'r1', functionName: 'f', deadlineMs: Date.now() + 30_000 };
      child.send({ type: 'invoke', id: 'r1', event, context });
      for (;;) {
        const [message] = (await once(child, 'message')) as [{ type: string; ok: boolean; value?: unknown }];
        if (message.type === 'result') return message;
      }
    } finally {
      child.kill();
    }
  }

  it('runs a callback-style handler and gives the context its callback-era members', async () => {
    expect(await invokeBootstrap(CALLBACK_HANDLER, { value: 7 })).toMatchObject({ ok: true, value: 7 });
    expect(await invokeBootstrap(CONTEXT_MEMBERS_HANDLER, {})).toMatchObject({
      ok: true,
      value: ['callbackWaitsForEmptyEventLoop', 'done', 'fail', 'succeed', 'getRemainingTimeInMillis'],
    });
  });
});
