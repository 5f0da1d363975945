/**
 * What a chaos run prints: exactly one verdict line `lost=N duplicates=N stuck=N`, and a summary of the faults
 * injected, the workload and the time taken.
 */
import type { ChaosResult } from './run.ts';
import type { Verdict } from './verdict.ts';

/**
 * The verdict line CI and people read.
 *
 * @example
 * ```ts
 * formatVerdictLine({ lost: [], duplicates: [], stuck: [] }); // 'lost=0 duplicates=0 stuck=0'
 * ```
 */
export function formatVerdictLine(verdict: Verdict): string {
  return `lost=${verdict.lost.length} duplicates=${verdict.duplicates.length} stuck=${verdict.stuck.length}`;
}

/** Whether the run kept both promises. */
export function passed(verdict: Verdict): boolean {
  return verdict.lost.length === 0 && verdict.duplicates.length === 0 && verdict.stuck.length === 0;
}

const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The summary lines (without the verdict line), with up to `examples` offending ids of each kind.
 *
 * @example
 * ```ts
 * for (const line of formatSummary(result)) console.log(line);
 * ```
 */
export function formatSummary(result: ChaosResult, examples = 5): string[] {
  const { submitted, faults, disruptions, timings, verdict } = result;
  const kinds = new Map<string, number>();
  for (const job of submitted.accepted.values()) kinds.set(job.kind, (kinds.get(job.kind) ?? 0) + 1);
  const injected = [...faults.injected].map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none';
  const lines = [
    `jobs: ${submitted.accepted.size} accepted (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}) + ${result.occurrences} occurrences of recurring schedules; ${submitted.rejected.length} never accepted`,
    `faults: ${faults.totalInjected} of ${faults.totalCalls} AWS calls (${((100 * faults.totalInjected) / Math.max(1, faults.totalCalls)).toFixed(1)} %): ${injected}`,
    `writer calls that failed and were retried: ${submitted.failedCalls}`,
    `kills: ${disruptions.killedConsumerPids.size} consumer processes, ${disruptions.killedSweeperPids.size} sweeper processes; extra concurrent sweeps: ${disruptions.extraSweeps}`,
    `SQS endpoint outages: ${disruptions.sqsOutages} (${sec(disruptions.sqsDownMs)} down, messages kept)`,
    `ended failed although expected to succeed: ${result.unexpectedFailures.length}; messages in dead-letter queues: ${result.deadLetters}`,
    `time: boot ${sec(timings.bootMs)}, chaos ${sec(timings.chaosMs)}, recovery ${sec(timings.recoveryMs)}, total ${sec(timings.totalMs)}`,
  ];
  if (verdict.lost.length > 0) lines.push(`lost, e.g.: ${verdict.lost.slice(0, examples).join(', ')}`);
  for (const d of verdict.duplicates.slice(0, examples)) lines.push(`duplicate: ${d.jobId}: ${d.reason}`);
  if (verdict.stuck.length > 0) lines.push(`stuck, e.g.: ${verdict.stuck.slice(0, examples).join(', ')}`);
  if (result.unexpectedFailures.length > 0) lines.push(`failed, e.g.: ${result.unexpectedFailures.slice(0, examples).join(', ')}`);
  return lines;
}
