/**
 * Compiles a committed single-file Java program once and caches its classes, so a JVM that runs it starts as fast as
 * one running a jar. Java's own single-file source launch (`java Foo.java`) would recompile on every start, which costs
 * about 2 s of CPU (a cold javac) each time: too much for an emulator that every test file starts.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, delimiter, join } from 'node:path';
import { ConfigurationError, SundialError } from '../../../lib/core/errors.ts';
import { PACKAGE_ROOT } from '../../consumer-entry.ts';

/** Where compiled classes are cached: inside the package's ignored `.sundial/` folder, never in a shared /tmp. */
const CACHE_ROOT = join(PACKAGE_ROOT, '.sundial', 'java');

/** DynamoDB Local 3 itself needs Java 17, so its launcher targets 17 whatever JDK compiles it. */
const JAVA_RELEASE = '17';

const inFlight = new Map<string, Promise<string>>();

/**
 * Compiles `sourceFile` against `classpath` (once per distinct source, classpath and target release; cached under
 * `.sundial/java/<hash>`) and resolves to the folder holding its classes, for a `-cp <folder>:<classpath>` launch.
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
export async function compiledJavaClasses(sourceFile: string, classpath: readonly string[]): Promise<string> {
  const source = await readFile(sourceFile);
  const key = createHash('sha256')
    .update(source)
    .update('\0')
    .update(classpath.join(delimiter))
    .update('\0')
    .update(JAVA_RELEASE)
    .digest('hex')
    .slice(0, 16);
  let pending = inFlight.get(key);
  if (pending === undefined) {
    pending = compileOnce(sourceFile, classpath, join(CACHE_ROOT, `${basename(sourceFile, '.java')}-${key}`));
    inFlight.set(key, pending);
    // A failed compile is not cached: the next call retries (e.g. after a JDK was installed).
    pending.catch(() => inFlight.delete(key));
  }
  return await pending;
}

async function compileOnce(sourceFile: string, classpath: readonly string[], target: string): Promise<string> {
  if (existsSync(target)) return target;
  await mkdir(CACHE_ROOT, { recursive: true });
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
