/**
 * Every job and schedule command against the local stack, for people (text, tables, cards) and for scripts (--json).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSharedStack, eventually, type TestStack } from '../integration/support.ts';
import { ANSI, json, runCli } from './support.ts';

let t: TestStack;
let env: Record<string, string>;
beforeAll(async () => {
  t = useSharedStack();
  env = { ...t.env };
});
afterAll(async () => {
  await t?.stop();
});

describe('enqueue, get, list, cancel', () => {
  it('enqueues a job and says when it is due; --json prints the job', async () => {
    const human = await runCli(['enqueue', 'record', '{"tag":"later"}', '--in', '2h', '--tz', 'Europe/Rome'], { env });
    expect(human.code).toBe(0);
    expect(human.out).toMatch(/^Enqueued job [0-9A-Z]{26} \(record\), due \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0[12]:00 \(in 1h 59m|in 2h 0m\)$/);
    const job = json(await runCli(['enqueue', 'record', '{"tag":"json"}', '--in', '2h', '--unique', 'cli-json', '--json'], { env }));
    expect(job).toMatchObject({ kind: 'job', id: 'u:record/cli-json', task: 'record', state: 'scheduled', attempt: 0, payload: { tag: 'json' } });
    expect(Date.parse(job.dueAt) - Date.now()).toBeGreaterThan(7_000_000);
  });

  it('lists jobs as a table fitted to the terminal, colored only on a TTY without NO_COLOR', async () => {
    // A task of this test's own (never run: due in 3 h): other files enqueue `record` jobs on the shared stack, so this
    // job could fall beyond a page of theirs, and their count adds a "More: sundial list --cursor …" line no table fits.
    await runCli(['enqueue', 'cli-table', '{}', '--in', '3h', '--unique', 'row'], { env });
    const plain = await runCli(['list', '--task', 'cli-table', '--tz', 'America/New_York'], { env, columns: 200 });
    expect(plain.code).toBe(0);
    const [head, ...rows] = plain.out.split('\n');
    expect(head).toMatch(/^ID\s+TASK\s+STATE\s+DUE \(America\/New_York\)\s+DUE \(UTC\)\s+ATTEMPT\s+LATENESS$/);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/u:cli-table\/row\s+cli-table\s+scheduled\s+\S+ \S+ -0[45]:00\s+\S+ \S+ UTC\s+0\/\d+\s+-/);
    expect(plain.out).not.toMatch(ANSI);

    const tty = await runCli(['list', '--task', 'cli-table'], { env, isTTY: true, columns: 60 });
    expect(tty.out).toMatch(ANSI);
    for (const line of tty.out.split('\n')) expect(line.replace(new RegExp(ANSI, 'g'), '').length).toBeLessThanOrEqual(60);
    expect(tty.out).toContain('…');
    const noColor = await runCli(['list', '--task', 'cli-table'], { env: { ...env, NO_COLOR: '1' }, isTTY: true });
    expect(noColor.out).not.toMatch(ANSI);

    const page = json(await runCli(['list', '--task', 'record', '--limit', '1', '--json'], { env }));
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ kind: 'job', task: 'record' });
    expect(typeof page.cursor).toBe('string');
    const next = json(await runCli(['list', '--task', 'record', '--limit', '1', '--cursor', page.cursor, '--json'], { env }));
    expect(next.items[0].id).not.toBe(page.items[0].id);
    expect((await runCli(['list', '--task', 'nobody-runs-this'], { env })).out).toBe('No jobs match.');
  });

  it('shows a job as a card with its lateness once it ran', async () => {
    const { id } = json(await runCli(['enqueue', 'record', JSON.stringify({ log: t.log, tag: 'card' }), '--json'], { env }));
    await eventually(async () => (json(await runCli(['get', id, '--json'], { env })).state === 'completed' ? true : undefined), 'the job completed');
    const card = await runCli(['get', id, '--tz', 'Asia/Tokyo'], { env });
    expect(card.code).toBe(0);
    expect(card.out.split('\n')[0]).toBe(`Job ${id}`);
    expect(card.out).toMatch(/\n {2}state\s+completed\n/);
    expect(card.out).toMatch(/\n {2}due\s+\S+ \S+ \+09:00 · \S+ \S+ UTC \(.* ago\)\n/);
    expect(card.out).toMatch(/\n {2}lateness\s+\d+(\.\d)? (ms|s)\n/);
    expect(card.out).toMatch(/\n {2}attempt\s+1 of \d+\n/);
    expect(card.out).toContain(`"tag":"card"`);
  });

  it('cancels a job; a second cancel is a failure (exit 1) reported in one line', async () => {
    const { id } = json(await runCli(['enqueue', 'record', '{}', '--in', '1h', '--json'], { env }));
    const human = await runCli(['cancel', id], { env });
    expect(human.out).toBe(`Cancelled job ${id} (record): it will not run`);
    const again = await runCli(['cancel', id], { env });
    expect(again.code).toBe(1);
    expect(again.err.split('\n')).toHaveLength(1);
    expect(again.err).toMatch(/^sundial: ConflictError: .*cancelled/);
    const { id: other } = json(await runCli(['enqueue', 'record', '{}', '--in', '1h', '--json'], { env }));
    expect(json(await runCli(['cancel', other, '--json'], { env }))).toMatchObject({ kind: 'job', id: other, state: 'cancelled' });
  });

  it('reports a missing job in one line, and the stack trace only with --debug', async () => {
    const missing = await runCli(['get', 'no-such-job'], { env });
    expect(missing.code).toBe(1);
    expect(missing.err).toBe('sundial: NotFoundError: No job with id "no-such-job" exists (it may have ended and expired after its retention).');
    const debug = await runCli(['get', 'no-such-job', '--debug'], { env });
    expect(debug.err.split('\n').length).toBeGreaterThan(2);
    expect(debug.err).toMatch(/\n\s+at /);
  });
});

describe('schedules', () => {
  it('schedules, shows, pauses, resumes and deletes a recurring schedule', async () => {
    const created = await runCli(['schedule', 'cli-report', 'record', '{}', '--cron', '0 9 * * MON', '--timezone', 'America/New_York'], { env });
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/^Scheduled cli-report → record, cron "0 9 \* \* MON" in America\/New_York; next run .* \(in .*\)$/);
    const card = await runCli(['get', 'cli-report'], { env });
    expect(card.out.split('\n')[0]).toBe('Schedule cli-report');
    expect(card.out).toMatch(/rule\s+cron 0 9 \* \* MON \(America\/New_York\)/);

    const runs = await runCli(['next-runs', 'cli-report', '--count', '2'], { env });
    const lines = runs.out.split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT1[34]:00:00Z {2}\d{4}-\d\d-\d\dT09:00:00-0[45]:00 {2}America\/New_York$/);

    expect((await runCli(['pause', 'cli-report'], { env })).out).toBe('Paused schedule cli-report: nothing of it runs until `sundial resume cli-report`');
    expect(json(await runCli(['get', 'cli-report', '--json'], { env }))).toMatchObject({ kind: 'schedule', paused: true });
    expect((await runCli(['resume', 'cli-report'], { env })).out).toMatch(/^Resumed schedule cli-report; next run /);
    expect(json(await runCli(['pause', 'cli-report', '--json'], { env }))).toMatchObject({ kind: 'schedule', id: 'cli-report', paused: true });
    expect(json(await runCli(['resume', 'cli-report', '--json'], { env }))).toMatchObject({ kind: 'schedule', paused: false, cron: '0 9 * * MON' });
    expect((await runCli(['cancel', 'cli-report'], { env })).out).toBe('Deleted schedule cli-report (its queued occurrences are cancelled)');

    const every = json(await runCli(['schedule', 'cli-every', 'record', '{}', '--every', '1h', '--json'], { env }));
    expect(every).toMatchObject({ kind: 'schedule', id: 'cli-every', every: 3600, paused: false });
    expect(json(await runCli(['cancel', 'cli-every', '--json'], { env }))).toMatchObject({ kind: 'schedule', id: 'cli-every' });
  });

  it('rejects a bad schedule as a usage error (exit 2) naming the field', async () => {
    const bad = await runCli(['schedule', 'cli-bad', 'record', '--cron', '*/5'], { env });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^sundial: ValidationError: .*5 fields/);
    expect(bad.err.split('\n')).toHaveLength(1);
  });
});

describe('retry and the sweeper', () => {
  it('retries a failed job', async () => {
    const { id } = json(await runCli(['enqueue', 'always-fail', JSON.stringify({ log: t.log }), '--max-attempts', '1', '--json'], { env }));
    await eventually(async () => (json(await runCli(['get', id, '--json'], { env })).state === 'failed' ? true : undefined), 'the job failed');
    const human = await runCli(['retry', id, '--max-attempts', '1'], { env });
    expect(human.out).toBe(`Retrying job ${id} (always-fail) now: attempt 2 of 2`);
    await eventually(async () => (json(await runCli(['get', id, '--json'], { env })).state === 'failed' ? true : undefined), 'the retry failed too');
    expect(json(await runCli(['retry', id, '--max-attempts', '1', '--json'], { env }))).toMatchObject({ kind: 'job', id, maxAttempts: 3 });
  });

});

describe('--stack: the deployment from the CloudFormation stack outputs', () => {
  /** The endpoint, region and credentials only: every SUNDIAL_* setting must come from the stack. */
  const awsOnly = () => Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('AWS_')));

  it('reads table, queues, shards and the sweep schedule from DescribeStacks (--stack or SUNDIAL_STACK)', async () => {
    const { id } = json(await runCli(['enqueue', 'record', '{}', '--in', '1h', '--stack', 'Sundial', '--json'], { env: awsOnly() }));
    expect(json(await runCli(['get', id, '--json'], { env }))).toMatchObject({ id, state: 'scheduled' });
    const listed = json(await runCli(['list', '--task', 'record', '--limit', '1000', '--json'], { env: { ...awsOnly(), SUNDIAL_STACK: 'Sundial' } }));
    expect(listed.items.map((j: { id: string }) => j.id)).toContain(id);
    // Running or paused: sweeper-trigger.integration.test.ts may be pausing the shared trigger right now; what counts
    // here is that the trigger was found from the stack's outputs.
    expect((await runCli(['sweeper', 'status', '--stack', 'Sundial'], { env: awsOnly() })).out).toMatch(/^The sweeper is (running|paused) \(trigger /);
  });

  it('reports an unknown stack in one line naming the region (exit 2)', async () => {
    const run = await runCli(['list', '--stack', 'NoSuchStack', '--region', 'us-east-1'], { env: awsOnly() });
    expect(run.code).toBe(2);
    expect(run.err).toBe(
      'sundial: ConfigurationError: Stack "NoSuchStack" does not exist in region us-east-1: check the name (aws cloudformation list-stacks) and --region. (run `sundial --help` for usage)',
    );
  });

  it('--profile wins over credentials in the environment, as in the aws CLI', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sundial-cli-profile-'));
    const saved = { file: process.env.AWS_SHARED_CREDENTIALS_FILE, config: process.env.AWS_CONFIG_FILE };
    writeFileSync(join(dir, 'credentials'), '[sundial-cli]\naws_access_key_id = profilekey\naws_secret_access_key = local\n');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    try {
      // DynamoDB Local rejects an access key id that is not alphanumeric: only the profile's key gets through.
      const badEnv = { ...env, AWS_ACCESS_KEY_ID: 'not-a-key!' };
      const withEnvKey = await runCli(['list', '--limit', '1', '--json'], { env: badEnv });
      expect(withEnvKey.code).toBe(1);
      expect(withEnvKey.err.split('\n')).toHaveLength(1);
      expect((await runCli(['list', '--limit', '1', '--json', '--profile', 'sundial-cli'], { env: badEnv })).code).toBe(0);
    } finally {
      for (const [key, value] of [['AWS_SHARED_CREDENTIALS_FILE', saved.file], ['AWS_CONFIG_FILE', saved.config]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers the aws CLI too, with every SUNDIAL_* output', async () => {
    const { stdout } = await promisify(execFile)('aws', ['cloudformation', 'describe-stacks', '--stack-name', 'Sundial', '--endpoint-url', env.AWS_ENDPOINT_URL!, '--region', 'us-east-1', '--output', 'json'], {
      env: { PATH: process.env.PATH!, HOME: process.env.HOME!, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' },
    });
    const [stack] = JSON.parse(stdout).Stacks;
    const outputs = Object.fromEntries(stack.Outputs.map((o: { OutputKey: string; OutputValue: string }) => [o.OutputKey, o.OutputValue]));
    expect(outputs).toMatchObject({ TableName: env.SUNDIAL_TABLE_NAME, QueueUrls: env.SUNDIAL_QUEUES, Shards: env.SUNDIAL_SHARDS, SweepScheduleName: env.SUNDIAL_SWEEP_SCHEDULE });
    expect(JSON.parse(outputs.DeadLetterQueueUrls).default).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  }, 30_000);
});

describe('watch', () => {
  /** Runs `watch` until a printed line matches `until`, then presses Ctrl-C (aborts its signal). */
  async function watchUntil(args: string[], until: RegExp) {
    const controller = new AbortController();
    const lines: string[] = [];
    const running = runCli(['watch', ...args], {
      env,
      signal: controller.signal,
      onOut: (line) => {
        lines.push(line);
        if (until.test(line)) controller.abort();
      },
    });
    return { run: await running, lines };
  }

  it('streams state changes with lateness until interrupted, saying how often it polls', async () => {
    const { id } = json(await runCli(['enqueue', 'record', JSON.stringify({ log: t.log }), '--in', '10s', '--json'], { env }));
    const { run, lines } = await watchUntil(['--task', 'record', '--interval', '300ms'], new RegExp(`${id} .*→ completed`));
    expect(run.code).toBe(0);
    expect(run.err).toMatch(/^Watching jobs due after .* \(task record\): polling every 300 ms; Ctrl-C stops\.$/);
    const mine = lines.filter((l) => l.includes(id));
    expect(mine[0]).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d  ${id}  record  new → scheduled  attempt 0/\\d+(  late .*)?$`));
    expect(mine.at(-1)).toMatch(new RegExp(`  ${id}  record  (scheduled|running) → completed  attempt 1/\\d+  late \\d+(\\.\\d)? (ms|s)$`));
  });

  it('prints one JSON object per change with --json', async () => {
    const { id } = json(await runCli(['enqueue', 'record', JSON.stringify({ log: t.log }), '--in', '10s', '--json'], { env }));
    const { run, lines } = await watchUntil(['--task', 'record', '--interval', '300ms', '--json'], new RegExp(`"id":"${id}".*"to":"completed"`));
    expect(run.code).toBe(0);
    const mine = lines.map((l) => JSON.parse(l)).filter((c) => c.id === id);
    expect(mine[0]).toMatchObject({ id, task: 'record', from: null, to: 'scheduled', attempt: 0 });
    expect(mine.at(-1)).toMatchObject({ id, to: 'completed', attempt: 1, latenessMs: expect.any(Number) });
  });
});
