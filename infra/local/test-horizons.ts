/**
 * Horizons in seconds for tests on the local stack. The construct keeps `lookahead` at least its sweeper's trigger
 * period (one minute: EventBridge Scheduler's shortest rate), so on AWS a swept job is at least a minute away. A local
 * stack that fires the sweeper every few seconds (`sweepEverySeconds`) can sweep a few seconds ahead instead, and a
 * test then sees the swept path within seconds rather than waiting more than a minute for it.
 */
import { ValidationError } from '../../lib/core/errors.ts';
import { MAX_LOOKAHEAD_SEC } from '../../lib/config.ts';
import { SQS_MAX_DELAY_SEC } from '../../lib/queue/sqs-limits.ts';
import type { DeployedStack } from './deploy.ts';

/** The two horizons the functions and writers read (`SUNDIAL_LOOKAHEAD_SECONDS`, `SUNDIAL_DIRECT_HORIZON_SECONDS`). */
export interface TestHorizons {
  /** How far ahead each sweep sends: at least `sweepEverySeconds`, or jobs due between two sweeps fire late. */
  readonly lookaheadSec: number;
  /** Jobs due sooner take the direct path; more than `lookaheadSec` (the difference is the cursor's skew tolerance). */
  readonly directHorizonSec: number;
}

/** Every problem with `horizons` for a stack that sweeps every `sweepEverySeconds`, all at once. */
export function testHorizonProblems(horizons: TestHorizons, sweepEverySeconds: number | undefined): string[] {
  const problems: string[] = [];
  const { lookaheadSec, directHorizonSec } = horizons;
  if (sweepEverySeconds === undefined) {
    problems.push('`horizons` needs `sweepEverySeconds`: horizons shorter than the construct\'s come with a sweeper fired that often');
  }
  if (!Number.isInteger(lookaheadSec) || lookaheadSec < (sweepEverySeconds ?? 1) || lookaheadSec > MAX_LOOKAHEAD_SEC) {
    problems.push(
      `\`horizons.lookaheadSec\`: received ${String(lookaheadSec)}; expected whole seconds from \`sweepEverySeconds\` ` +
        `(${String(sweepEverySeconds ?? 1)}) to ${MAX_LOOKAHEAD_SEC}, or jobs due between two sweeps fire late`,
    );
  }
  if (!Number.isInteger(directHorizonSec) || directHorizonSec <= lookaheadSec || directHorizonSec > SQS_MAX_DELAY_SEC) {
    problems.push(
      `\`horizons.directHorizonSec\`: received ${String(directHorizonSec)}; expected whole seconds above ` +
        `\`lookaheadSec\` (${String(lookaheadSec)}) and at most ${SQS_MAX_DELAY_SEC}, or a job written behind the sweeper's cursor is never sent`,
    );
  }
  return problems;
}

/**
 * `deployed` with the horizons of every function that reads them replaced by `horizons` (validated first: a
 * `ValidationError` lists every problem).
 *
 * @example
 * ```ts
 * const deployed = withTestHorizons(await deployTemplate(template, ctx), { lookaheadSec: 5, directHorizonSec: 12 }, 1);
 * ```
 */
export function withTestHorizons(deployed: DeployedStack, horizons: TestHorizons, sweepEverySeconds: number | undefined): DeployedStack {
  const problems = testHorizonProblems(horizons, sweepEverySeconds);
  if (problems.length > 0) throw new ValidationError(problems);
  const replace = (environment: Readonly<Record<string, string>>): Record<string, string> => ({
    ...environment,
    ...('SUNDIAL_LOOKAHEAD_SECONDS' in environment ? { SUNDIAL_LOOKAHEAD_SECONDS: String(horizons.lookaheadSec) } : {}),
    ...('SUNDIAL_DIRECT_HORIZON_SECONDS' in environment ? { SUNDIAL_DIRECT_HORIZON_SECONDS: String(horizons.directHorizonSec) } : {}),
  });
  return { ...deployed, functions: deployed.functions.map((fn) => ({ ...fn, environment: replace(fn.environment) })) };
}
