/**
 * `sundial dev --json`: the local stack with the given task modules, its environment as JSON once it is up, and a clean
 * stop on Ctrl-C (the human form runs as the first example of docs/cli.md, in docs.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { eventually } from '../integration/support.ts';
import { SHARED_WORKERS } from '../shared/stack-config.ts';
import { json, runCli } from './support.ts';

it('prints the environment as JSON once the stack is up, serves it until interrupted, then stops it', async () => {
  const stop = new AbortController();
  let printed: string | undefined;
  const dev = runCli(['dev', '--workers', SHARED_WORKERS[0]!, '--json'], { signal: stop.signal, onOut: (text) => (printed = text) });
  const { env } = await eventually(() => (printed === undefined ? undefined : (JSON.parse(printed) as { env: Record<string, string> })), 'the stack is up', 180_000);
  expect(env).toMatchObject({ AWS_ENDPOINT_URL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), SUNDIAL_TABLE_NAME: expect.any(String), SUNDIAL_QUEUES: expect.any(String) });

  const log = join(mkdtempSync(join(tmpdir(), 'sundial-cli-dev-')), 'runs.jsonl');
  const { id } = json(await runCli(['enqueue', 'record', JSON.stringify({ log }), '--json'], { env }));
  await eventually(async () => (json(await runCli(['get', id, '--json'], { env })).state === 'completed' ? true : undefined), 'the fixture task ran');

  stop.abort();
  const run = await dev;
  expect(run.code).toBe(0);
  // The functions' logs come through stderr, without the SDK's Node version warning (the functions run on this Node).
  expect(run.err).toMatch(new RegExp(`^\\[\\w+\\] .*"message":"Job completed".*"jobId":"${id}"`, 'm'));
  expect(run.err).not.toContain('NodeVersionSupportWarning');
  await expect(fetch(env.AWS_ENDPOINT_URL!)).rejects.toThrow();
  rmSync(dirname(log), { recursive: true, force: true });
}, 240_000);
