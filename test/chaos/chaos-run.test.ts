/**
 * The small chaos run of `npm test`: a few hundred jobs of every kind on the local stack, with faults injected at the
 * endpoint, consumers and sweepers SIGKILLed, three sweepers at once, writers' clocks skewed and an SQS outage. The
 * full and quick runs are `npm run chaos` and `npm run chaos -- --quick`.
 */
import { describe, expect, it } from 'vitest';
import { chaosPreset } from '../../chaos/presets.ts';
import { formatSummary, formatVerdictLine } from '../../chaos/report.ts';
import { runChaos } from '../../chaos/run.ts';

describe('chaos run (small)', () => {
  it('loses nothing, runs nothing twice and leaves nothing stuck', { timeout: 600_000 }, async () => {
    const result = await runChaos(chaosPreset('small'));
    const report = [...formatSummary(result), formatVerdictLine(result.verdict)].join('\n');
    // The disruptions did happen: a run that injected nothing would prove nothing.
    expect(result.faults.totalInjected, report).toBeGreaterThan(0);
    expect(result.disruptions.sqsOutages, report).toBe(1);
    expect(result.disruptions.extraSweeps, report).toBeGreaterThan(0);
    expect(result.disruptions.killedConsumerPids.size + result.disruptions.killedSweeperPids.size, report).toBeGreaterThan(0);
    expect(result.submitted.accepted.size, report).toBeGreaterThan(0);
    expect(formatVerdictLine(result.verdict), report).toBe('lost=0 duplicates=0 stuck=0');
  });
});
