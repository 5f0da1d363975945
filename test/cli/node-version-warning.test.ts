import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** A Node older than 22 on this machine (the system one), where the AWS SDK prints its NodeVersionSupportWarning. */
function olderNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    try {
      const major = Number(execFileSync(candidate, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }));
      if (major < 22) return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}

const node = olderNode();

describe.skipIf(node === undefined)('CLI on a Node older than 22', () => {
  const env = {
    PATH: process.env.PATH ?? '',
    SUNDIAL_TABLE_NAME: 'cli-warning-test',
    SUNDIAL_QUEUES: JSON.stringify({ default: 'http://127.0.0.1:9/q' }),
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_MAX_ATTEMPTS: '1',
  };
  const runCli = (entry: string, extraEnv: Record<string, string> = {}) =>
    spawnSync(node!, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, entry), 'get', 'some-job'], {
      env: { ...env, ...extraEnv },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('builds SDK clients without printing the SDK\'s NodeVersionSupportWarning, and still reports the real error', () => {
    const result = runCli('bin/sundial.ts');
    expect(result.stderr).not.toContain('NodeVersionSupportWarning');
    // The command did reach the SDK: the unreachable endpoint is reported.
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/ECONNREFUSED|connect|127\.0\.0\.1:9/);
  });

  it('leaves the choice to the user: an explicit "false" shows the warning again', () => {
    expect(runCli('bin/sundial.ts', { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' }).stderr).toContain('NodeVersionSupportWarning');
  });
});
