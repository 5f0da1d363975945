/**
 * Bulk work against the local stack: `import` of an NDJSON file (10,000 lines, progress on a terminal, invalid lines
 * reported by number, safe re-runs with unique keys) and `cancel --task/--state` with its count and confirmation.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scheduler } from '../../lib/scheduler.ts';
import { useSharedStack, type TestStack } from '../integration/support.ts';
import { json, runCli } from './support.ts';

let t: TestStack;
let env: Record<string, string>;
let dir: string;
beforeAll(async () => {
  t = useSharedStack();
  env = { ...t.env };
  dir = mkdtempSync(join(tmpdir(), 'sundial-cli-bulk-'));
});
afterAll(async () => {
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function countJobs(scheduler: Scheduler, task: string, state?: 'scheduled' | 'cancelled'): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await scheduler.list({ task, limit: 1000, ...(state ? { state } : {}), ...(cursor ? { cursor } : {}) });
    count += page.items.length;
    cursor = page.cursor;
  } while (cursor);
  return count;
}

describe('import', () => {
  it('imports 10,000 lines with a progress bar on a terminal, reports the invalid lines by number, and sums up', async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => JSON.stringify({ task: 'bulk-import', payload: { n: i }, options: { in: '2h' } }));
    // Invalid lines among the valid ones, at known line numbers: not JSON, a bad option, not an object.
    lines.splice(100, 0, '{"task": "bulk-import", ');
    lines.splice(5000, 0, JSON.stringify({ task: 'bulk-import', payload: {}, options: { in: -5 } }));
    lines.splice(9000, 0, '[1, 2]');
    lines.splice(200, 0, '');
    const file = join(dir, 'jobs.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);

    const run = await runCli(['import', file, '--chunk-size', '1000'], { env, isTTY: true, columns: 120 });
    expect(run.errRaw).toMatch(/import \|[█░]+\| \d+% \| \d+\/10003 lines \| [\d,]+ lines\/s \| ETA \S+/);
    expect(run.errRaw).toContain('| 100% | 10003/10003 lines |');
    expect(run.code).toBe(1); // some lines were invalid
    const out = run.out.split('\n');
    expect(out[0]).toMatch(new RegExp(`^Imported ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: 10,003 lines in .*, [\\d,]+ lines/s$`));
    expect(out.slice(1, 5)).toEqual(['  enqueued          10,000', '  already present   0', '  invalid           3', '  failed            0']);
    expect(out[5]).toMatch(/^ {2}line 101 \(invalid\): not JSON/);
    expect(out[6]).toMatch(/^ {2}line 5002 \(invalid\): `in`: received -5/);
    expect(out[7]).toMatch(/^ {2}line 9002 \(invalid\): expected an object/);
    expect(await countJobs(t.scheduler, 'bulk-import')).toBe(10_000);
  }, 240_000);

  it('is safe to re-run with unique keys (--json), and draws no bar when stderr is not a terminal', async () => {
    const file = join(dir, 'unique.ndjson');
    writeFileSync(file, Array.from({ length: 60 }, (_, i) => JSON.stringify({ task: 'bulk-unique', payload: { i }, options: { in: '2h', unique: `bulk-${i}` } })).join('\n'));
    const first = await runCli(['import', file, '--json'], { env });
    expect(first.errRaw).toBe('');
    expect(json(first)).toMatchObject({ file, lines: 60, enqueued: 60, existing: 0, invalid: [], failed: [] });
    const again = json(await runCli(['import', file, '--json', '--chunk-size', '25'], { env }));
    expect(again).toMatchObject({ lines: 60, enqueued: 0, existing: 60, invalid: [], failed: [] });
    expect(await countJobs(t.scheduler, 'bulk-unique')).toBe(60);
  });

  it('names a missing file in one line (exit 1)', async () => {
    const run = await runCli(['import', join(dir, 'nope.ndjson')], { env });
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^sundial: Error: ENOENT: no such file or directory/);
    expect(run.err.split('\n')).toHaveLength(1);
  });
});

describe('cancel --task/--state', () => {
  it('counts, asks, and cancels only after a yes', async () => {
    for (let i = 0; i < 5; i++) await t.scheduler.enqueue('bulk-cancel', { i }, { in: '2h' });
    const noTerminal = await runCli(['cancel', '--task', 'bulk-cancel', '--state', 'scheduled'], { env });
    expect(noTerminal.code).toBe(2);
    expect(noTerminal.err).toMatch(/pass --yes to cancel without asking/);

    const declined = await runCli(['cancel', '--task', 'bulk-cancel', '--state', 'scheduled'], { env, isTTY: true, input: 'n\n' });
    expect(declined.errRaw).toBe('Cancel 5 jobs (task bulk-cancel, state scheduled)? [y/N] ');
    expect(declined.out).toBe('Nothing cancelled.');
    expect(await countJobs(t.scheduler, 'bulk-cancel', 'scheduled')).toBe(5);

    const accepted = await runCli(['cancel', '--task', 'bulk-cancel', '--state', 'scheduled'], { env, isTTY: true, input: 'y\n' });
    expect(accepted.out).toBe('Cancelled 5 of 5 jobs (task bulk-cancel, state scheduled)');
    expect(await countJobs(t.scheduler, 'bulk-cancel', 'cancelled')).toBe(5);
  });

  it('cancels without asking with --yes, and prints counts with --json', async () => {
    for (let i = 0; i < 3; i++) await t.scheduler.enqueue('bulk-yes', { i }, { in: '2h' });
    expect(json(await runCli(['cancel', '--task', 'bulk-yes', '--state', 'scheduled', '--yes', '--json'], { env }))).toEqual({ matched: 3, cancelled: 3, skipped: [] });
    expect(json(await runCli(['cancel', '--task', 'bulk-yes', '--state', 'scheduled', '--yes', '--json'], { env }))).toEqual({ matched: 0, cancelled: 0, skipped: [] });
    expect((await runCli(['cancel', 'some-id', '--task', 'bulk-yes'], { env })).code).toBe(2);
  });
});
