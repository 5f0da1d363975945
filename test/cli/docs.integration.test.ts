/**
 * docs/cli.md cannot rot: every `$ sundial …` example in it runs, in order, against the local stack that its own first
 * example (`sundial dev`) starts, and each must succeed and print what the page shows (its first word). Every command
 * of the registry must have an example.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/commands/index.ts';
import { eventually } from '../integration/support.ts';
import { runCli, type CliRun } from './support.ts';

interface Example {
  readonly args: string[];
  /** The first output line the page shows, if any. */
  readonly shows?: string;
}

const doc = readFileSync(fileURLToPath(new URL('../../docs/cli.md', import.meta.url)), 'utf8');
const blocks = [...doc.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(([, lang, body]) => ({ lang: lang!, lines: body!.split('\n').filter(Boolean) }));
const examples: Example[] = blocks
  .filter((b) => b.lang === 'sh')
  .flatMap((b) =>
    b.lines.flatMap((line, i) => {
      if (!line.startsWith('$ sundial ')) return [];
      const next = b.lines[i + 1];
      return [{ args: shellWords(line.slice('$ sundial '.length)), ...(next && !next.startsWith('$ ') ? { shows: next } : {}) }];
    }),
  );

/** Splits a command line as a POSIX shell would for these examples: spaces, single and double quotes. */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map(([, single, double, bare]) => single ?? double ?? bare!);
}

const dir = mkdtempSync(join(tmpdir(), 'sundial-cli-docs-'));
const stopDev = new AbortController();
let dev: Promise<CliRun> | undefined;
afterAll(async () => {
  stopDev.abort();
  await dev;
  rmSync(dir, { recursive: true, force: true });
});

it('has an example of every command', () => {
  // A command's name is one word, or two for a sub-command (`import eventbridge`).
  const shown = (name: string) => examples.some((e) => e.args.slice(0, name.split(' ').length).join(' ') === name);
  expect(COMMANDS.map((c) => c.name).filter((name) => !shown(name))).toEqual([]);
});

it('runs every example of docs/cli.md against the local stack it starts', async () => {
  expect(examples[0]!.args[0]).toBe('dev');
  // `sundial dev` runs until Ctrl-C: start it, and take the environment it prints for every other example.
  let up: (env: Record<string, string>) => void;
  const ready = new Promise<Record<string, string>>((resolve) => (up = resolve));
  let printedEnv = false;
  dev = runCli(examples[0]!.args, {
    signal: stopDev.signal,
    onOut: (text) => {
      if (printedEnv) return; // what follows is the dashboard's URL
      printedEnv = true;
      expect(text.split('\n')[0]).toBe(examples[0]!.shows);
      up(Object.fromEntries([...text.matchAll(/^export (\w+)='(.*)'$/gm)].map(([, k, v]) => [k!, v!])));
    },
  });
  const env = await Promise.race([ready, dev.then((r) => Promise.reject(new Error(`dev exited ${r.code}: ${r.err}`)))]);
  const ndjson = blocks.find((b) => b.lang === 'ndjson')!;
  writeFileSync(join(dir, 'jobs.ndjson'), `${ndjson.lines.join('\n')}\n`);

  for (const example of examples.slice(1)) {
    const args = example.args.map((a) => (a === 'jobs.ndjson' ? join(dir, a) : a));
    // Jobs run in the background: an example about a job's outcome (retry of a failed job) waits for it.
    const run = await eventually(async () => {
      const result = await runExample(args, env);
      return result.code === 0 ? result : undefined;
    }, `\`sundial ${example.args.join(' ')}\` to succeed`, 45_000);
    expect(run.out, `sundial ${example.args.join(' ')}`).not.toBe('');
    if (example.shows !== undefined) {
      // The page shows the terminal: stderr's lines (watch's banner) come first there.
      const printed = [run.err, run.out].filter(Boolean).join('\n');
      expect(printed.split(/\s/)[0], `first word of \`sundial ${example.args.join(' ')}\``).toBe(example.shows.split(/\s/)[0]);
    }
  }
}, 300_000);

/** Runs one example; `watch` and `dashboard` (until Ctrl-C) are stopped once they have printed something. */
async function runExample(args: string[], env: Record<string, string>): Promise<CliRun> {
  if (args[0] !== 'watch' && args[0] !== 'dashboard') return runCli(args, { env });
  const stop = new AbortController();
  return runCli(args, { env, signal: stop.signal, onOut: () => stop.abort() });
}
