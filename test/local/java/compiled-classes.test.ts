import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError, SundialError } from '../../../lib/core/errors.ts';
import { compiledJavaClasses } from '../../../infra/local/java/compiled-classes.ts';

describe('compiledJavaClasses', () => {
  let dir: string;
  let cacheRoot: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sundial-javac-'));
    cacheRoot = join(dir, 'cache');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function source(greeting: string): string {
    const file = join(dir, 'Hello.java');
    writeFileSync(file, `class Hello { public static void main(String[] a) { System.out.print("${greeting}"); } }\n`);
    return file;
  }

  it('compiles a source into classes that java runs, and reuses them while the source is unchanged', async () => {
    const file = source('hi');
    const [first, second, third] = await Promise.all([
      compiledJavaClasses(file, [], { cacheRoot }),
      compiledJavaClasses(file, [], { cacheRoot }),
      compiledJavaClasses(file, [], { cacheRoot }),
    ]);
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(execFileSync('java', ['-cp', first, 'Hello'], { encoding: 'utf8' })).toBe('hi');
    const compiled = statSync(join(first, 'Hello.class'));

    const again = await compiledJavaClasses(file, [], { cacheRoot });
    expect(again).toBe(first);
    // Same inode: the cached class was used, not compiled and renamed again.
    expect(statSync(join(again, 'Hello.class')).ino).toBe(compiled.ino);
    // No scratch folder left behind: the cache holds exactly the one version.
    expect(readdirSync(cacheRoot)).toEqual([first.slice(cacheRoot.length + 1)]);
  });

  it('compiles a changed source into a new folder', async () => {
    const before = await compiledJavaClasses(source('one'), [], { cacheRoot });
    const after = await compiledJavaClasses(source('two'), [], { cacheRoot });
    expect(after).not.toBe(before);
    expect(execFileSync('java', ['-cp', after, 'Hello'], { encoding: 'utf8' })).toBe('two');
    expect(execFileSync('java', ['-cp', before, 'Hello'], { encoding: 'utf8' })).toBe('one');
  });

  it('reports a compile error with javac\'s output and caches nothing', async () => {
    const file = join(dir, 'Broken.java');
    writeFileSync(file, 'class Broken { void f() { int x = "not a number"; } }\n');
    const failure = compiledJavaClasses(file, [], { cacheRoot });
    await expect(failure).rejects.toBeInstanceOf(SundialError);
    await expect(failure).rejects.toThrow(/Broken\.java.*incompatible types/s);
    expect(readdirSync(cacheRoot)).toEqual([]);
  });

  it('says a JDK is needed when javac is not on the PATH', async () => {
    const file = source('unused');
    const path = process.env['PATH'];
    process.env['PATH'] = join(dir, 'empty-bin');
    try {
      const failure = compiledJavaClasses(file, [], { cacheRoot });
      await expect(failure).rejects.toBeInstanceOf(ConfigurationError);
      await expect(failure).rejects.toThrow(/javac.*openjdk-17-jdk-headless/s);
    } finally {
      process.env['PATH'] = path;
    }
  });
});
