/**
 * The local Lambda runtime provides what Lambda's Node.js runtime provides (AWS SDK v3), for bundles that leave it out
 * (NodejsFunction's default; sundial's own carry theirs); and only that, so a bundle that would fail on AWS for a missing package fails here too.
 * Bundles live in temp folders outside the project, like the local stack's cloud assembly.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { FunctionDefinition } from '../../infra/local/deploy.ts';
import { LocalFunction } from '../../infra/local/lambda-runtime.ts';
import { startLocalStack } from '../../infra/local/local-stack.ts';
import { nodeExecutableFor } from '../../infra/local/node-for-runtime.ts';

const dir = mkdtempSync(join(tmpdir(), 'sundial-runtime-modules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const started: LocalFunction[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((fn) => fn.stop()));
});

/** A function on this process's Node major (which the local runtime then needs to find no other Node for). */
function definitionOf(name: string, handlerFile: string): FunctionDefinition {
  return {
    logicalId: name,
    functionName: name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    handlerFile,
    handlerExport: 'handler',
    timeoutSec: 30,
    memoryMb: 128,
    runtime: `nodejs${process.versions.node.split('.')[0]}.x`,
    environment: {},
  };
}

/** A one-file function in its own folder of `dir`, run by the local runtime. */
function localFunction(name: string, file: string, code: string): LocalFunction {
  const folder = mkdtempSync(join(dir, `${name}-`));
  const handlerFile = join(folder, file);
  writeFileSync(handlerFile, code);
  const fn = new LocalFunction(definitionOf(name, handlerFile), { baseEnv: { AWS_REGION: 'us-east-1' }, maxConcurrency: 1, onLog: () => undefined });
  started.push(fn);
  return fn;
}

describe('local Lambda runtime: runtime-provided modules', () => {
  it('resolves @aws-sdk/* and @smithy/* for an ES module bundle outside the project', async () => {
    const fn = localFunction(
      'EsmSdk',
      'index.mjs',
      `import { SQSClient } from '@aws-sdk/client-sqs';
       import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
       import { SignatureV4 } from '@smithy/signature-v4';
       export const handler = async () => [typeof SQSClient, typeof DynamoDBDocumentClient, typeof SignatureV4];`,
    );
    const result = await fn.invoke({});
    expect(result).toMatchObject({ ok: true, value: ['function', 'function', 'function'] });
  });

  it('resolves them for a CommonJS bundle through NODE_PATH, as Lambda does', async () => {
    const fn = localFunction(
      'CjsSdk',
      'index.js',
      `const { SQSClient } = require('@aws-sdk/client-sqs');
       exports.handler = async () => typeof SQSClient;`,
    );
    expect(await fn.invoke({})).toMatchObject({ ok: true, value: 'function' });
  });

  it('does not provide a package the Lambda runtime lacks, even one the project has installed', async () => {
    // cron-parser is in sundial's node_modules but not in Lambda's runtime: a bundle must carry it.
    const fn = localFunction(
      'EsmMissing',
      'index.mjs',
      `import { CronExpressionParser } from 'cron-parser';
       export const handler = async () => typeof CronExpressionParser;`,
    );
    const result = await fn.invoke({});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.errorMessage).toContain("Cannot find package 'cron-parser'");
  });
});

describe("local stack on sundial's own stack", () => {
  it('runs the bundled sweeper (its own SDK) from its temp assembly, and stop() removes the assembly', async () => {
    const stack = await startLocalStack({ onLog: () => undefined });
    let assemblyDir = '';
    try {
      assemblyDir = stack.assemblyDir;
      expect(assemblyDir.startsWith(tmpdir())).toBe(true);
      // A sweep reads the table and its cursors through the SDK the bundle carries.
      const result = await stack.invoke('Sweeper', {});
      expect(result).toMatchObject({ ok: true, value: { sent: 0 } });
    } finally {
      await stack.stop();
    }
    expect(existsSync(assemblyDir)).toBe(false);
  }, 180_000);
});

describe('local runtime: Node major and module format as on Lambda', () => {
  it('runs a function on the Node major its runtime names, and refuses a runtime it cannot run', async () => {
    const fn = localFunction('version', 'index.mjs', 'export const handler = async () => process.versions.node;');
    expect(await fn.invoke({})).toMatchObject({ ok: true, value: expect.stringMatching(new RegExp(`^${process.versions.node.split('.')[0]}\\.`)) });
    expect(() => nodeExecutableFor('nodejs8.x', 'Old')).toThrow(/Function Old runs on nodejs8\.x, but no Node 8 was found.*npm install --save-dev node@8/);
    expect(() => nodeExecutableFor('python3.13', 'Py')).toThrow(/not a Node.js runtime/);
  });

  it('loads a .js bundle as CommonJS when its asset folder has no package.json, whatever the project above says', async () => {
    const project = mkdtempSync(join(dir, 'module-project-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module' }));
    const asset = join(project, 'cdk.out', 'asset.cjs');
    mkdirSync(asset, { recursive: true });
    writeFileSync(join(asset, 'index.js'), 'module.exports.handler = async () => typeof require;');
    const fn = new LocalFunction(
      definitionOf('cjs', join(asset, 'index.js')),
      { baseEnv: { AWS_REGION: 'us-east-1' }, maxConcurrency: 1, onLog: () => undefined },
    );
    started.push(fn);
    expect(await fn.invoke({})).toMatchObject({ ok: true, value: 'function' });
  });
});
