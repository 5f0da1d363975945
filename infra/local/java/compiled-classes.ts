/**
 * Compiles a committed single-file Java program once and caches its classes, so a JVM that runs it starts as fast as
 * one running a jar. Java's own single-file source launch (`java Foo.java`) would recompile on every start, which costs
 * about 2 s of CPU (a cold javac) each time: too much for an emulator that every test file starts.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, delimiter, dirname, join } from 'node:path';
import { ConfigurationError, SundialError } from '../../../lib/core/errors.ts';
import { PACKAGE_ROOT } from '../../package-root.ts';

/**
 * Where compiled classes are cached by default: inside the package's git-ignored `.sundial/` folder, never in a shared
 * /tmp where another user could plant classes that we would then run.
 */
const DEFAULT_CACHE_ROOT = join(PACKAGE_ROOT, '.sundial', 'java');

/** Options of {@link compiledJavaClasses}. */
export interface CompiledJavaClassesOptions {
  /** Folder holding one sub-folder of classes per compiled version. @default - `<package>/.sundial/java` */
  readonly cacheRoot?: string;
}

/** DynamoDB Local 3 itself needs Java 17, so its launcher targets 17 whatever JDK compiles it. */
const JAVA_RELEASE = '17';

/** Compiles under way in this process, by target folder, so concurrent callers share one javac. */
const inFlight = new Map<string, Promise<string>>();

/**
 * Compiles `sourceFile` against `classpath` (once per distinct source, classpath and target release; cached under
 * `<cacheRoot>/<name>-<hash>`) and resolves to the folder holding its classes, for a `-cp <folder>:<classpath>` launch.
 * Concurrent callers, in this process or in parallel test workers, share or race harmlessly: each compiles into a
 * private folder and renames it into place atomically, and the loser of the rename uses the winner's classes.
 *
 * Needs `javac` (a JDK 17+, e.g. `openjdk-17-jdk-headless`) on the PATH the first time a source changes.
 *
 * @example
 * ```ts
 * const classes = await compiledJavaClasses('/repo/infra/local/java/Launcher.java', ['/opt/app.jar']);
 * spawn('java', ['-cp', [classes, '/opt/app.jar'].join(path.delimiter), 'Launcher']);
 * ```
 */
export async function compiledJavaClasses(
  sourceFile: string,
  classpath: readonly string[],
  options: CompiledJavaClassesOptions = {},
): Promise<string> {
  const cacheRoot = options.cacheRoot ?? DEFAULT_CACHE_ROOT;
  const source = await readFile(sourceFile);
  const key = createHash('sha256')
    .update(source)
    .update('\0')
    .update(classpath.join(delimiter))
    .update('\0')
    .update(JAVA_RELEASE)
    .digest('hex')
    .slice(0, 16);
  const target = join(cacheRoot, `${basename(sourceFile, '.java')}-${key}`);
  let pending = inFlight.get(target);
  if (pending === undefined) {
    // Forgotten once settled: later calls look at the folder again, so a failure is retried (e.g. once a JDK is
    // installed) and a deleted cache is rebuilt.
    pending = compileOnce(sourceFile, classpath, target).finally(() => inFlight.delete(target));
    inFlight.set(target, pending);
  }
  return await pending;
}

async function compileOnce(sourceFile: string, classpath: readonly string[], target: string): Promise<string> {
  if (existsSync(target)) return target;
  await mkdir(dirname(target), { recursive: true });
  const scratch = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await javac(['--release', JAVA_RELEASE, '-cp', classpath.join(delimiter), '-d', scratch, sourceFile]);
    try {
      await rename(scratch, target);
    } catch (error) {
      // Another worker renamed its identical classes into place first: use those.
      if (!existsSync(target)) throw error;
    }
    return target;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function javac(args: readonly string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    execFile('javac', args, { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error === null) {
        resolve();
      } else if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(
          new ConfigurationError(
            'Could not run "javac": the local DynamoDB launcher is a Java source file compiled on first use, which ' +
              'needs a JDK 17+ (not only a JRE) on the PATH. Install one, e.g. `apt-get install openjdk-17-jdk-headless`.',
            { cause: error },
          ),
        );
      } else {
        reject(new SundialError(`javac ${args.join(' ')} failed (code ${error.code}):\n${stdout}${stderr}`, { cause: error }));
      }
    });
  });
}
