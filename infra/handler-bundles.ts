/**
 * How sundial's Lambda handlers are bundled: one esbuild configuration for the sweeper (pre-bundled into `dist/` by
 * `npm run build`, since it holds no user code) and the consumer (bundled at synth, since it holds the user's tasks).
 * Both bundles carry the AWS SDK they were tested with instead of the Lambda runtime's copy, which is updated on no
 * fixed cadence (a client and lib-dynamodb from either side of SDK 3.928 fail with "serializerMiddleware is not found").
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ConfigurationError } from '../lib/core/errors.ts';
import { PACKAGE_ROOT, RUNS_FROM_SOURCE, packageModule } from './package-root.ts';
import { DASHBOARD_PAGE_DIR, PREBUILT_HANDLERS, prebuiltHandlerDir, type PrebuiltHandler } from './prebuilt-handlers.ts';

/** The package of the AWS SDK's default credential chain, which every client's runtime config imports. */
const SDK_DEFAULT_CREDENTIALS = '@aws-sdk/credential-provider-node';

/** The handler of every bundle: `index.mjs`, export `handler`. */
export const BUNDLE_HANDLER = 'index.handler';
export const BUNDLE_FILE = 'index.mjs';


/** What one bundle is made of: an entry file, or the source of one (esbuild `stdin`), and the Node target. */
export interface HandlerBundleInput {
  /** The entry module, or the contents of an entry whose imports are absolute paths. */
  readonly entry: { readonly file: string } | { readonly contents: string };
  /** esbuild target, e.g. `node24` (`nodeTargetOf(runtime)`). */
  readonly target: string;
  /**
   * Packages left out of the bundle, for the Lambda runtime to provide. Only the benchmark's comparison uses it.
   *
   * @default - none: the AWS SDK is bundled
   */
  readonly external?: readonly string[];
}

/**
 * Bundles a handler into `<outdir>/index.mjs` (+ source map): ESM, minified, tree-shaken, the AWS SDK included, its
 * default credential chain cut to what Lambda uses (`functions/lambda-credentials.ts`). Returns what esbuild put in
 * the bundle (its metafile: each input and its bytes in the output). Uses the esbuild installed next to sundial or
 * the app (`npm install --save-dev esbuild`, as `NodejsFunction` needs).
 *
 * @example
 * ```ts
 * const { outputs } = bundleHandler({ entry: { file: 'functions/sweeper.ts' }, target: 'node22' }, 'dist/assets/sweeper');
 * ```
 */
export function bundleHandler(input: HandlerBundleInput, outdir: string): Metafile {
  const entry = input.entry;
  const { metafile } = loadEsbuild().buildSync({
    ...('file' in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.contents, resolveDir: PACKAGE_ROOT, sourcefile: 'sundial-consumer-entry.mjs', loader: 'js' as const } }),
    outfile: join(outdir, BUNDLE_FILE),
    bundle: true,
    external: [...(input.external ?? [])],
    platform: 'node',
    format: 'esm',
    target: input.target,
    minify: true,
    sourcemap: true,
    // Packages that ship an ES module build (the SDK, Powertools) tree-shake better through it.
    mainFields: ['module', 'main'],
    // Every SDK client in the bundle (the user's tasks' clients too) gets Lambda's two credential sources instead of the
    // SDK's whole default chain (SSO, profiles, process, web identity, IMDS and their STS/SSO clients): see the module.
    alias: { [SDK_DEFAULT_CREDENTIALS]: packageModule('functions/lambda-credentials') },
    metafile: true,
    // Bundled CommonJS dependencies call require() for Node built-ins; ESM has no require unless we make one.
    banner: { js: "import { createRequire as __sundialCreateRequire } from 'node:module'; const require = __sundialCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return metafile;
}

/**
 * Bundles a handler that holds no user code into `outdir`: the bundle, and for the dashboard its built page beside it.
 *
 * @example
 * ```ts
 * bundlePrebuiltHandler('dashboard', 'node22', 'dist/assets/dashboard');
 * ```
 */
export function bundlePrebuiltHandler(name: PrebuiltHandler, target: string, outdir: string): void {
  const handler = PREBUILT_HANDLERS[name];
  bundleHandler({ entry: { file: packageModule(handler.entry) }, target }, outdir);
  if (handler.page) buildDashboardPage(join(outdir, DASHBOARD_PAGE_DIR));
}

/**
 * The code of a handler that holds no user code (the sweeper, the dashboard): the bundle `npm run build` made, or
 * (running from this repository's sources) a bundle made at synth.
 *
 * @example
 * ```ts
 * new lambda.Function(this, 'Sweeper', { code: prebuiltCode('sweeper', 'node22'), handler: BUNDLE_HANDLER, runtime });
 * ```
 */
export function prebuiltCode(name: PrebuiltHandler, target: string): lambda.Code {
  const prebuilt = join(PACKAGE_ROOT, prebuiltHandlerDir(name));
  if (!RUNS_FROM_SOURCE) {
    if (!existsSync(join(prebuilt, BUNDLE_FILE))) {
      throw new ConfigurationError(`sundial's pre-bundled ${name} is missing at ${prebuilt}: reinstall sundial-scheduler (or run \`npm run build\` in a clone).`);
    }
    return lambda.Code.fromAsset(prebuilt);
  }
  return bundledCode(dirname(packageModule(PREBUILT_HANDLERS[name].entry)), { name, target }, (outdir) => bundlePrebuiltHandler(name, target, outdir));
}

/**
 * The consumer's code, bundled at synth: the user's task modules plus sundial's consumer, wired by
 * `createConsumerHandler({ tasks })` from an entry that exists only as esbuild input (nothing is written next to the
 * user's sources or into the installed package).
 *
 * @example
 * ```ts
 * new lambda.Function(this, 'Consumer', { code: consumerCode(['src/tasks.ts'], 'node24'), handler: BUNDLE_HANDLER, runtime });
 * ```
 */
export function consumerCode(tasksEntries: readonly string[], target: string): lambda.Code {
  const input: HandlerBundleInput = { entry: { contents: consumerEntrySource(tasksEntries) }, target };
  return bundledCode(join(PACKAGE_ROOT, RUNS_FROM_SOURCE ? 'functions' : 'dist/functions'), input, (outdir) => bundleHandler(input, outdir));
}

/**
 * The consumer's entry: imports each task module and passes them all to `createConsumerHandler`.
 *
 * @example
 * ```ts
 * consumerEntrySource(['/app/src/tasks.ts']);
 * // import * as tasks0 from "/app/src/tasks.ts"; … export const handler = createConsumerHandler({ tasks: [tasks0] });
 * ```
 */
export function consumerEntrySource(tasksEntries: readonly string[]): string {
  const modules = tasksEntries.map((entry, i) => ({ name: `tasks${i}`, path: resolve(entry) }));
  return [
    ...modules.map((m) => `import * as ${m.name} from ${JSON.stringify(m.path)};`),
    `import { createConsumerHandler } from ${JSON.stringify(packageModule('functions/lambda'))};`,
    `export const handler = createConsumerHandler({ tasks: [${modules.map((m) => m.name).join(', ')}] });`,
    '',
  ].join('\n');
}

/**
 * An asset bundled locally at synth by `bundle`. The asset hash is the bundle's (so an unchanged bundle deploys
 * nothing), and a synth that skips bundling (`aws:cdk:bundling-stacks`) skips this too. `input` names what is bundled.
 */
function bundledCode(sourceDir: string, input: unknown, bundle: (outdir: string) => void): lambda.Code {
  return lambda.Code.fromAsset(sourceDir, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds or throws. CDK requires an image for the Docker fallback.
      image: DockerImage.fromRegistry('dummy'),
      // Never run either. CDK caches staged assets by source folder and bundling options, which do not show
      // `tryBundle`'s input: the input's hash here keeps two bundles from one folder apart. (The deployed hash is the
      // output's, so it does not depend on this machine's paths.)
      command: ['sundial-bundle', createHash('sha256').update(JSON.stringify(input)).digest('hex')],
      local: {
        tryBundle(outputDir: string): boolean {
          bundle(outputDir);
          return true;
        },
      },
    },
  });
}

/** Builds the dashboard's page with Vite (a devDependency: only this repository's sources and `npm run build` do). */
function buildDashboardPage(outDir: string): void {
  const appDir = join(PACKAGE_ROOT, 'dashboard', 'app');
  const viteCli = join(dirname(createRequire(join(PACKAGE_ROOT, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
  execFileSync(process.execPath, [viteCli, 'build', appDir, '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { stdio: 'inherit' });
}

type Esbuild = typeof import('esbuild');
/** What esbuild reports about a build: each input and output, and each input's bytes in each output. */
export type Metafile = import('esbuild').Metafile;

/** esbuild from sundial's folder up (in an app: the app's own), loaded only when something is bundled. */
function loadEsbuild(): Esbuild {
  try {
    return createRequire(join(PACKAGE_ROOT, 'package.json'))('esbuild') as Esbuild;
  } catch (cause) {
    throw new ConfigurationError(
      'esbuild is needed to bundle the consumer with your tasks at synth: `npm install --save-dev esbuild` in your CDK app.',
      { cause },
    );
  }
}
