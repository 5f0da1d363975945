/**
 * `npm run build` (and `npm pack`, through `prepack`): the published package in `dist/`. tsc compiles lib, functions,
 * infra and bin to Node ESM with declarations and source maps (tsconfig.build.json); the local runtime's plain
 * JavaScript and Java files are copied next to their compiled neighbours; the sweeper, which holds no user code, is
 * pre-bundled for the oldest runtime AWS still lets you create functions on (so every runtime an app may pin runs it).
 * The consumer is bundled at the user's synth, with the user's tasks.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_FILE, bundlePrebuiltHandler } from '../infra/handler-bundles.ts';
import { PREBUILT_HANDLERS, prebuiltHandlerDir, type PrebuiltHandler } from '../infra/prebuilt-handlers.ts';
import { nodeTargetOf, PREBUILT_RUNTIME_NAME } from '../infra/lambda-runtimes.ts';
import { PACKAGE_ROOT } from '../infra/package-root.ts';

const root = PACKAGE_ROOT;
const dist = join(root, 'dist');
const startedAt = Date.now();

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});

// Files tsc does not emit: the local Lambda runtime's bootstrap and loader hooks (plain JS, run without a TS loader)
// and DynamoDB Local's loopback launcher (Java, compiled on first use).
for (const file of readdirSync(join(root, 'infra', 'local')).filter((f) => f.endsWith('.mjs'))) {
  cpSync(join(root, 'infra', 'local', file), join(dist, 'infra', 'local', file));
}
cpSync(join(root, 'infra', 'local', 'java'), join(dist, 'infra', 'local', 'java'), {
  recursive: true,
  filter: (source) => statSync(source).isDirectory() || source.endsWith('.java'),
});
chmodSync(join(dist, 'bin', 'sundial.js'), 0o755);

// Handlers without user code are bundled now, for PREBUILT_RUNTIME_NAME (the dashboard's with its built page, which
// `sundial dev` and `sundial dashboard` serve from the installed package too).
const sizes = (Object.keys(PREBUILT_HANDLERS) as PrebuiltHandler[]).map((name) => {
  const dir = join(root, prebuiltHandlerDir(name));
  bundlePrebuiltHandler(name, nodeTargetOf(PREBUILT_RUNTIME_NAME), dir);
  return `${name} ${(statSync(join(dir, BUNDLE_FILE)).size / 1024).toFixed(0)} KB`;
});
console.log(`built dist/ in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (bundles: ${sizes.join(', ')})`);
