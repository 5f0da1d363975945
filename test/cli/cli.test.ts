import { describe, expect, it } from 'vitest';
import { main } from '../../bin/cli.ts';

async function run(args: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith('SUNDIAL_')) delete process.env[key];
  Object.assign(process.env, env);
  try {
    const code = await main(args, (l) => out.push(l), (l) => err.push(l));
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    process.env = saved;
  }
}

describe('sundial CLI', () => {
  it('prints the next runs of a cron in its zone, across a DST change', async () => {
    const { code, out } = await run(['next-runs', '--cron', '30 2 * * *', '--timezone', 'America/New_York', '--from', '2027-03-13T12:00:00Z', '--count', '2']);
    expect(code).toBe(0);
    // 02:30 does not exist on 2027-03-14 in New York: it fires at 03:00 EDT (07:00Z), then 02:30 EDT (06:30Z).
    expect(JSON.parse(out)).toEqual(['2027-03-14T07:00:00.000Z', '2027-03-15T06:30:00.000Z']);
  });

  it('takes AWS schedule expressions pasted unchanged (cron with ? and #, rate)', async () => {
    const cron = await run(['next-runs', '--cron', 'cron(0 9 ? * 2#1 *)', '--timezone', 'Europe/Rome', '--from', '2027-01-01T00:00:00Z', '--count', '2']);
    expect(JSON.parse(cron.out)).toEqual(['2027-01-04T08:00:00.000Z', '2027-02-01T08:00:00.000Z']);
    const rate = await run(['next-runs', '--every', 'rate(5 minutes)', '--from', '2027-01-01T00:00:00Z', '--count', '2']);
    expect(JSON.parse(rate.out)).toEqual(['2027-01-01T00:05:00.000Z', '2027-01-01T00:10:00.000Z']);
    const bad = await run(['next-runs', '--cron', 'cron(0 9 * * MON-FRI *)']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/exactly one of the two must be \?/);
  });

  it('prints usage for --help and fails on an unknown command', async () => {
    expect((await run(['--help'])).out).toMatch(/Usage: sundial .*sundial-scheduler/);
    const unknown = await run(['explode']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('Unknown command "explode"');
  });

  it('reports bad input and missing configuration as typed errors with exit code 2', async () => {
    const bad = await run(['next-runs', '--cron', '*/5']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^ValidationError: .*5 fields/s);
    const unconfigured = await run(['get', 'j_1']);
    expect(unconfigured.code).toBe(2);
    expect(unconfigured.err).toMatch(/ConfigurationError: .*SUNDIAL_TABLE_NAME/s);
  });
});
