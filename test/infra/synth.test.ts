import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesize, type SynthResult } from '../../infra/synth.ts';
import { FIXTURE_TASKS } from './helpers.ts';

/** Real bundling with the local esbuild, as the local stack and `cdk synth` do it: once for the whole file. */
describe('synthesize', () => {
  let dir: string;
  let result: SynthResult;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sundial-synth-'));
    result = synthesize({ outdir: dir, stackName: 'SundialSynthTest', tasksEntry: FIXTURE_TASKS, props: { shards: 4 } });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the cloud assembly and returns the parsed template', () => {
    expect(result.stackName).toBe('SundialSynthTest');
    expect(result.assemblyDir).toBe(dir);
    expect(JSON.parse(readFileSync(result.templateFile, 'utf8'))).toEqual(result.template);
    expect(result.template.Resources).toBeDefined();
  });

  it('gives each function what a local deploy needs: handler, environment, and a bundled ESM asset', () => {
    const functions = Object.values(result.template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(2);
    for (const fn of functions) {
      expect(fn.Properties.Handler).toBe('index.handler');
      expect(fn.Properties.Environment.Variables.SUNDIAL_SHARDS).toBe('4');
      const assetPath: string = fn.Metadata['aws:asset:path'];
      expect(assetPath).toMatch(/^asset\.[0-9a-f]{64}$/);
      const bundle = join(dir, assetPath, 'index.mjs');
      expect(existsSync(bundle)).toBe(true);
      expect(existsSync(`${bundle}.map`)).toBe(true);
      expect(statSync(bundle).size).toBeGreaterThan(1000);
    }
  });

  it('bundles the AWS SDK it is tested with into each function: no import is left for the runtime to provide', () => {
    const functions = Object.values(result.template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::Lambda::Function');
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      // The bundles are minified: the file size is the minified size (the SDK's clients included).
      const code = readFileSync(join(dir, fn.Metadata['aws:asset:path'], 'index.mjs'), 'utf8');
      expect(Buffer.byteLength(code)).toBeLessThanOrEqual(900 * 1024);
      const bare = [...code.matchAll(/(?:from\s*|import\s*\(?\s*|require\()["']([^"'./][^"']*)["']/g)]
        .map((m) => m[1]!)
        .filter((specifier) => !specifier.startsWith('node:'));
      // Nothing is left for Lambda's runtime copy of the SDK (updated on no fixed cadence). The SDK's optional SigV4a
      // signers stay as guarded requires: they load only for multi-region access points, which sundial never calls.
      const optional = ['@aws-sdk/signature-v4-crt', '@aws-sdk/signature-v4a'];
      expect(bare.filter((s) => (s.startsWith('@aws-sdk/') || s.startsWith('@smithy/')) && !optional.includes(s))).toEqual([]);
      // The SDK came along: its SigV4 signer is in the bundle.
      expect(code).toContain('AWS4-HMAC-SHA256');
    }
  });

  it('bundles the task modules into the consumer only', () => {
    const functions = Object.values(result.template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::Lambda::Function');
    const marker = 'infra-fixture-task';
    const bundles = functions.map((fn) => readFileSync(join(dir, fn.Metadata['aws:asset:path'], 'index.mjs'), 'utf8'));
    expect(bundles.filter((code) => code.includes(marker))).toHaveLength(1);
    const consumer = functions.find((fn) => fn.Properties.Environment.Variables.SUNDIAL_DLQS);
    expect(readFileSync(join(dir, consumer.Metadata['aws:asset:path'], 'index.mjs'), 'utf8')).toContain(marker);
  });
});
