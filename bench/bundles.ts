/**
 * Size (minified, gzipped) and module-init time of sundial's two Lambda bundles, as shipped (AWS SDK bundled) and as
 * they were (SDK left to the runtime). Init time is measured in Node by spawning a fresh `node` per sample that imports
 * the bundle, with the environment the construct gives the function; the SDK-less bundle resolves the SDK from this
 * repository's node_modules, as the Lambda runtime resolves its own copy. `tsx bench/bundles.ts` prints the table alone.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { BUNDLE_FILE, bundleHandler, consumerEntrySource, type HandlerBundleInput } from '../infra/handler-bundles.ts';
import { DEFAULT_RUNTIME_NAME, nodeTargetOf } from '../infra/lambda-runtimes.ts';
import { PACKAGE_ROOT } from '../infra/package-root.ts';
import { distribution } from './stats.ts';

export interface BundleMeasurement {
  readonly bundle: 'sweeper' | 'consumer';
  readonly sdk: 'bundled' | 'runtime';
  readonly sizeKb: number;
  /** Gzipped size (Lambda stores the code zipped). */
  readonly gzipKb: number;
  /** Median over `samples` fresh processes of the time `import()` of the bundle took, ms. */
  readonly initMs: number;
  readonly samples: number;
}

/** What module init reads: the construct's environment, with placeholder names (nothing is called at init). */
const FUNCTION_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  SUNDIAL_TABLE_NAME: 'sundial-bench',
  SUNDIAL_QUEUES: JSON.stringify({ default: 'https://sqs.us-east-1.amazonaws.com/000000000000/sundial-bench' }),
  POWERTOOLS_SERVICE_NAME: 'sundial',
};

/**
 * Bundles both handlers twice (SDK bundled / SDK external) into a scratch folder under node_modules/.cache and
 * measures each.
 *
 * @example
 * ```ts
 * const rows = measureBundles({ samples: 5 }); // [{ bundle: 'sweeper', sdk: 'bundled', sizeKb: 327, gzipKb: 105, initMs: 60, … }, …]
 * ```
 */
export function measureBundles(options: { samples?: number } = {}): BundleMeasurement[] {
  const samples = options.samples ?? 5;
  const target = nodeTargetOf(DEFAULT_RUNTIME_NAME);
  // Inside the repository, so that an SDK-less bundle finds the SDK in node_modules as the runtime would provide it.
  const scratch = mkdtempSync(join(PACKAGE_ROOT, 'node_modules', '.cache-sundial-bench-'));
  try {
    const inputs: Record<BundleMeasurement['bundle'], HandlerBundleInput['entry']> = {
      sweeper: { file: join(PACKAGE_ROOT, 'functions', 'sweeper.ts') },
      consumer: { contents: consumerEntrySource([join(PACKAGE_ROOT, 'examples', 'tasks.ts')]) },
    };
    const rows: BundleMeasurement[] = [];
    for (const [bundle, entry] of Object.entries(inputs) as [BundleMeasurement['bundle'], HandlerBundleInput['entry']][]) {
      for (const sdk of ['runtime', 'bundled'] as const) {
        const outdir = join(scratch, `${bundle}-${sdk}`);
        bundleHandler({ entry, target, ...(sdk === 'runtime' ? { external: ['@aws-sdk/*', '@smithy/*'] } : {}) }, outdir);
        const file = join(outdir, BUNDLE_FILE);
        const times = Array.from({ length: samples }, () => initTimeMs(file));
        const code = readFileSync(file);
        rows.push({ bundle, sdk, sizeKb: Math.round(code.length / 1024), gzipKb: Math.round(gzipSync(code).length / 1024), initMs: Math.round(distribution(times).p50), samples });
      }
    }
    return rows;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** One fresh Node (the runtime's major: this project's `node` devDependency) importing the bundle. */
function initTimeMs(file: string): number {
  const node = join(PACKAGE_ROOT, 'node_modules', '.bin', 'node');
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  const out = execFileSync(node, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...FUNCTION_ENV },
    encoding: 'utf8',
  });
  return Number(out.trim().split('\n').at(-1));
}

/**
 * The bundles as a markdown table.
 *
 * @example
 * ```ts
 * console.log(renderBundles(measureBundles()));
 * ```
 */
export function renderBundles(rows: readonly BundleMeasurement[]): string {
  const lines = ['| bundle | AWS SDK | size (KB, minified) | gzipped (KB) | module init (ms, median) |', '|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.bundle} | ${r.sdk === 'bundled' ? 'bundled (shipped)' : 'runtime-provided (before)'} | ${r.sizeKb} | ${r.gzipKb} | ${r.initMs} |`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(renderBundles(measureBundles()));
}
