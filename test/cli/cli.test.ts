/**
 * The CLI without a deployment: usage, exit codes, one-line errors, next-runs from flags, and the SDK's Node version
 * warning kept out of the output of the real `sundial` process.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { json, runCli } from './support.ts';

describe('sundial CLI', () => {
  it('prints the next runs of a cron in UTC and its zone, across a DST change', async () => {
    const args = ['next-runs', '--cron', '30 2 * * *', '--timezone', 'America/New_York', '--from', '2027-03-13T12:00:00Z', '--count', '2'];
    // 02:30 does not exist on 2027-03-14 in New York: it fires at 03:00 EDT (07:00Z), then 02:30 EDT (06:30Z).
    expect((await runCli(args)).out).toBe(
      '2027-03-14T07:00:00Z  2027-03-14T03:00:00-04:00  America/New_York\n2027-03-15T06:30:00Z  2027-03-15T02:30:00-04:00  America/New_York',
    );
    expect(json(await runCli([...args, '--json']))).toEqual({
      timezone: 'America/New_York',
      runs: [
        { utc: '2027-03-14T07:00:00.000Z', local: '2027-03-14T03:00:00-04:00' },
        { utc: '2027-03-15T06:30:00.000Z', local: '2027-03-15T02:30:00-04:00' },
      ],
    });
    const every = await runCli(['next-runs', '--every', '90m', '--from', '2027-01-01T00:00:00Z', '--count', '2', '--tz', 'Asia/Kolkata']);
    expect(every.out.split('\n')).toEqual(['2027-01-01T01:30:00Z  2027-01-01T07:00:00+05:30  Asia/Kolkata', '2027-01-01T03:00:00Z  2027-01-01T08:30:00+05:30  Asia/Kolkata']);
  });

  it('takes AWS schedule expressions pasted unchanged (cron with ? and #, rate)', async () => {
    const cron = json(await runCli(['next-runs', '--cron', 'cron(0 9 ? * 2#1 *)', '--timezone', 'Europe/Rome', '--from', '2027-01-01T00:00:00Z', '--count', '2', '--json']));
    expect(cron.runs.map((r: { utc: string }) => r.utc)).toEqual(['2027-01-04T08:00:00.000Z', '2027-02-01T08:00:00.000Z']);
    const rate = json(await runCli(['next-runs', '--every', 'rate(5 minutes)', '--from', '2027-01-01T00:00:00Z', '--count', '2', '--json']));
    expect(rate.runs.map((r: { utc: string }) => r.utc)).toEqual(['2027-01-01T00:05:00.000Z', '2027-01-01T00:10:00.000Z']);
    const bad = await runCli(['next-runs', '--cron', 'cron(0 9 * * MON-FRI *)']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/exactly one of the two must be \?/);
  });

  it('prints usage for --help (exit 0) and to stderr without a command (exit 2)', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: sundial <command>/);
    expect(help.out).toMatch(/\n {2}next-runs {2}/);
    // The deprecated alias `dispatch` runs, but is not advertised.
    expect(help.out).toMatch(/\n {2}sweeper {2}/);
    expect(help.out).not.toMatch(/\bdispatch\b/);
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.err).toMatch(/^Usage: sundial/);
    const commandHelp = await runCli(['enqueue', '--help']);
    expect(commandHelp.out).toMatch(/^Usage: sundial enqueue <task>/);
  });

  it.each([
    [['explode'], /^sundial: UsageError: unknown command "explode"; the commands are dev, enqueue/],
    [['list', '--bogus'], /^sundial: UsageError: Unknown option '--bogus'/],
    [['enqueue'], /^sundial: UsageError: missing <task>; usage: sundial enqueue <task>/],
    [['enqueue', 'ping', '{nope'], /^sundial: UsageError: <payload-json> is not valid JSON .*quote it/],
    [['list', '--limit', 'ten'], /^sundial: UsageError: --limit: received "ten"; expected a whole number/],
    [['next-runs', '--cron', '*/5'], /^sundial: ValidationError: .*5 fields/],
    [['next-runs'], /^sundial: UsageError: give a <schedule-id>, --cron EXPR or --every DURATION/],
  ])('%j is a usage error: exit 2, one line on stderr', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(message);
    expect(run.err.split('\n')).toHaveLength(1);
    expect(run.out).toBe('');
  });

  it('says how to point the CLI at a deployment when none is configured (exit 2)', async () => {
    const run = await runCli(['get', 'j_1']);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^sundial: ConfigurationError: sundial is not configured: SUNDIAL_TABLE_NAME is not set/);
    expect(run.err.split('\n')).toHaveLength(1);
  });

  it('prints no NodeVersionSupportWarning from the AWS SDK, while other warnings still print', async () => {
    const bin = fileURLToPath(new URL('../../bin/sundial.ts', import.meta.url));
    // A client is built (the region is set), then the call fails fast on a closed port: the warning would print here.
    const env = {
      PATH: process.env.PATH!, HOME: process.env.HOME!, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1', SUNDIAL_TABLE_NAME: 't', SUNDIAL_QUEUES: '{"default":"http://127.0.0.1:9/q"}',
      NODE_OPTIONS: '--trace-deprecation',
    };
    // The SDK warns on Node < 22 only: run the CLI on the machine's own Node (20 here), not the Node 24 of npm scripts.
    const node = machineNode();
    const run = await promisify(execFile)(node, ['--import', 'tsx', bin, 'get', 'j_1'], { env, cwd: fileURLToPath(new URL('../..', import.meta.url)) }).catch((e: { stdout: string; stderr: string; code: number }) => e);
    expect((run as { code?: number }).code).toBe(1);
    expect(run.stderr).not.toContain('NodeVersionSupportWarning');
    expect(run.stderr).toMatch(/^sundial: \w+: .*\(rerun with --debug for details\)\n$/);
    // The SDK's warning is the only one silenced: Node's own warnings still reach stderr.
    const warn = await promisify(execFile)(node, ['-e', `process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED='true'; process.emitWarning('kept')`], { env });
    expect(warn.stderr).toContain('kept');
  }, 30_000);
});

describe('sundial completion', () => {
  /** Completions bash offers for the words typed so far (the last one being completed). */
  async function complete(script: string, words: string[]): Promise<string[]> {
    const quoted = words.map((w) => `'${w}'`).join(' ');
    const { stdout } = await promisify(execFile)('bash', ['-c', `${script}\nCOMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _sundial; printf '%s\\n' "\${COMPREPLY[@]}"`]);
    return stdout.split('\n').filter(Boolean);
  }

  it('completes commands, options, option values and sub-commands in bash', async () => {
    const { out: script, code } = await runCli(['completion', 'bash']);
    expect(code).toBe(0);
    expect(await complete(script, ['sundial', 'li'])).toEqual(['list']);
    expect(await complete(script, ['sundial', '--stack', 'Prod', 'ca'])).toEqual(['cancel']);
    expect(await complete(script, ['sundial', 'list', '--st'])).toEqual(['--state', '--stack']);
    expect(await complete(script, ['sundial', 'list', '--state', 'f'])).toEqual(['failed']);
    expect(await complete(script, ['sundial', 'sweeper', ''])).toEqual(['pause', 'resume', 'status']);
    expect(await complete(script, ['sundial', 'dis'])).toEqual([]);
    expect(await complete(script, ['sundial', 'w'])).toEqual(['watch']);
    const file = fileURLToPath(new URL('./cli.test.ts', import.meta.url));
    expect(await complete(script, ['sundial', 'import', file.slice(0, -3)])).toEqual([file]);
  });

  it('prints a zsh script that loads the same function, and the script as JSON with --json', async () => {
    const zsh = await runCli(['completion', 'zsh']);
    expect(zsh.out.split('\n').slice(0, 2)).toEqual(['#compdef sundial', 'autoload -U +X bashcompinit && bashcompinit']);
    expect(zsh.out).toContain('complete -F _sundial sundial');
    const asJson = json(await runCli(['completion', 'bash', '--json']));
    expect(asJson).toEqual({ shell: 'bash', script: (await runCli(['completion', 'bash'])).out });
    expect((await runCli(['completion', 'fish'])).code).toBe(2);
  });
});

/** The first `node` on PATH outside node_modules (npm scripts put the devDependency's Node 22 first). */
function machineNode(): string {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir && !dir.includes('node_modules'));
  return dirs.map((dir) => join(dir, 'node')).find((file) => existsSync(file)) ?? process.execPath;
}
