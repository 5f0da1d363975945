/**
 * The front end's built files. Nothing built is committed: from this repository's sources, the first server start (or
 * test) builds `dashboard/app` with Vite into a cache folder named by a hash of the app's sources, so a rebuild happens
 * only when they change; the installed package serves the page `npm run build` put next to the dashboard's bundle.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARD_PAGE_DIR, prebuiltHandlerDir } from '../../infra/prebuilt-handlers.ts';
import { PACKAGE_ROOT, RUNS_FROM_SOURCE } from '../../infra/package-root.ts';

const APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../app');
const CACHE_DIR = resolve(APP_DIR, '../../node_modules/.cache/sundial-dashboard');

/**
 * The folder holding the built app (`index.html`, `assets/`), building it first when its sources changed.
 *
 * @example
 * ```ts
 * const dir = await dashboardAssets(); // node_modules/.cache/sundial-dashboard/<hash>
 * ```
 */
export async function dashboardAssets(): Promise<string> {
  if (!RUNS_FROM_SOURCE) return join(PACKAGE_ROOT, prebuiltHandlerDir('dashboard'), DASHBOARD_PAGE_DIR);
  const outDir = join(CACHE_DIR, sourceHash());
  if (existsSync(join(outDir, 'index.html'))) return outDir;
  // Build beside the target and rename: two processes building at once never serve a half-written folder.
  const staging = `${outDir}.${process.pid}.${Date.now()}`;
  const { build } = await import('vite');
  await build({ root: APP_DIR, configFile: join(APP_DIR, 'vite.config.ts'), logLevel: 'warn', build: { outDir: staging, emptyOutDir: true } });
  mkdirSync(CACHE_DIR, { recursive: true });
  try {
    renameSync(staging, outDir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another process got there first
  }
  // Builds of older sources are never served again (a staging folder, with a '.', may be another process's).
  for (const entry of readdirSync(CACHE_DIR)) {
    if (!entry.includes('.') && join(CACHE_DIR, entry) !== outDir) rmSync(join(CACHE_DIR, entry), { recursive: true, force: true });
  }
  return outDir;
}

/**
 * Total bytes of the built JavaScript and CSS (what a browser downloads besides `index.html`).
 *
 * @example
 * ```ts
 * bundleBytes(await dashboardAssets()); // { js: 21000, css: 4000 }
 * ```
 */
export function bundleBytes(dir: string): { js: number; css: number } {
  const files = readdirSync(join(dir, 'assets'));
  const sum = (ext: string) => files.filter((f) => extname(f) === ext).reduce((n, f) => n + statSync(join(dir, 'assets', f)).size, 0);
  return { js: sum('.js'), css: sum('.css') };
}

function sourceHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'dist' || entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(relative(APP_DIR, path)).update(readFileSync(path));
    }
  };
  walk(APP_DIR);
  return hash.digest('hex').slice(0, 16);
}
