/**
 * Where sundial's own files are, whether it runs from its TypeScript sources (this repository, under tsx) or from the
 * compiled `dist/` of the installed package: the construct and the local stack locate the handler modules from here.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder of the sundial package: the nearest folder above this module that holds a package.json. */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** True when sundial runs from its TypeScript sources, false from the compiled `dist/`. */
export const RUNS_FROM_SOURCE = import.meta.url.endsWith('.ts');

/**
 * The absolute path of one of sundial's modules, given its path from the package root without extension: the `.ts`
 * source when running from source, the compiled `dist/…/.js` otherwise.
 *
 * @example
 * ```ts
 * packageModule('functions/lambda'); // '/…/sundial-scheduler/dist/functions/lambda.js' once installed
 * ```
 */
export function packageModule(pathWithoutExtension: string): string {
  return RUNS_FROM_SOURCE
    ? join(PACKAGE_ROOT, `${pathWithoutExtension}.ts`)
    : join(PACKAGE_ROOT, 'dist', `${pathWithoutExtension}.js`);
}

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}
