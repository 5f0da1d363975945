/**
 * Which `node` runs a function locally: the Node major its template's `Runtime` names (`nodejs24.x` → Node 24), as
 * Lambda does. Looked up, in order: the Node running the local stack, the npm `node` package (a devDependency of
 * sundial: `node_modules/.bin/node`), then each `node` on the PATH.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { ConfigurationError } from '../../lib/core/errors.ts';
import { PACKAGE_ROOT } from '../package-root.ts';

const found = new Map<string, string>();

/**
 * The path of a Node executable whose major version the runtime names; throws a `ConfigurationError` that says how
 * to get one when there is none. Results are cached per runtime.
 *
 * @example
 * ```ts
 * fork(bootstrap, [], { execPath: nodeExecutableFor('nodejs24.x', 'Consumer') });
 * ```
 */
export function nodeExecutableFor(runtime: string, functionLogicalId: string): string {
  const major = /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
  if (major === undefined) {
    throw new ConfigurationError(
      `Function ${functionLogicalId}: runtime "${runtime}" is not a Node.js runtime; the local stack runs Node.js functions only.`,
    );
  }
  const cached = found.get(major);
  if (cached) return cached;
  const candidates = [...new Set([process.execPath, ...npmNodePackage(), ...pathNodes()].map((file) => realpathSync(file)))];
  const match = candidates.find((file) => majorOf(file) === major);
  if (match === undefined) {
    throw new ConfigurationError(
      `Function ${functionLogicalId} runs on ${runtime}, but no Node ${major} was found (this process runs ${process.version}; ` +
        `also looked at ${candidates.slice(1).join(', ') || 'no other node'}). Install it with \`npm install --save-dev node@${major}\` ` +
        `or put Node ${major} first on the PATH.`,
    );
  }
  found.set(major, match);
  return match;
}

/** The binary of the npm `node` package, resolved from sundial's folder and from the current directory. */
function npmNodePackage(): string[] {
  const files: string[] = [];
  for (const from of [join(PACKAGE_ROOT, 'package.json'), join(process.cwd(), 'package.json')]) {
    try {
      const file = join(dirname(createRequire(from).resolve('node/package.json')), 'bin', 'node');
      if (existsSync(file) && !files.includes(file)) files.push(file);
    } catch {
      // not installed there
    }
  }
  return files;
}

function pathNodes(): string[] {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'node'))
    .filter((file) => existsSync(file));
}

/** Each executable's major, asked once per process (the npm package's from its package.json, without a spawn). */
const majors = new Map<string, string | undefined>();

function majorOf(file: string): string | undefined {
  if (!majors.has(file)) majors.set(file, probeMajor(file));
  return majors.get(file);
}

function probeMajor(file: string): string | undefined {
  if (file === realpathSync(process.execPath)) return process.versions.node.split('.')[0];
  const npmManifest = join(dirname(file), '..', 'package.json');
  if (existsSync(npmManifest)) {
    const manifest = JSON.parse(readFileSync(npmManifest, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === 'node' && manifest.version) return manifest.version.split('.')[0];
  }
  try {
    return execFileSync(file, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 10_000 }).trim().split('.')[0];
  } catch {
    return undefined;
  }
}
