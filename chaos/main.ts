/**
 * `npm run chaos` (10,000 jobs) and `npm run chaos -- --quick` (~500 jobs, under 4 minutes). Options: `--jobs N`,
 * `--seed N`, `--lost-responses R` (the share of calls answered with a 500 after they were applied; the preset's
 * otherwise). Prints the summary, then exactly one line `lost=N duplicates=N stuck=N`; exits 1 when any is above 0.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chaosPreset } from './presets.ts';
import { formatSummary, formatVerdictLine, passed } from './report.ts';
import { runChaos } from './run.ts';

function flag(name: string): number | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? undefined : Number(process.argv[index + 1]);
}

const size = process.argv.includes('--quick') ? 'quick' : 'full';
const jobs = flag('jobs');
const seed = flag('seed');
const lostResponseRate = flag('lost-responses');
const functionLogFile = join(tmpdir(), `sundial-chaos-${process.pid}.log`);
const config = chaosPreset(size, {
  ...(jobs === undefined ? {} : { jobs }),
  ...(seed === undefined ? {} : { seed }),
  ...(lostResponseRate === undefined ? {} : { lostResponseRate }),
  log: (line) => console.log(`[chaos] ${line}`),
});
const result = await runChaos({ ...config, functionLogFile });
console.log(`chaos run (${size}, seed ${config.workload.seed}):`);
for (const line of formatSummary(result)) console.log(`  ${line}`);
console.log(`  function logs: ${functionLogFile}`);
console.log(formatVerdictLine(result.verdict));
process.exit(passed(result.verdict) ? 0 : 1);
