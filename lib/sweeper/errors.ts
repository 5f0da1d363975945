/**
 * Errors of the sweeper. They extend the library's `SundialError` (lib/core/errors.ts).
 */
import { SundialError } from '../core/errors.ts';
import type { SweepFailure } from './types.ts';

/** Failures named one per line in the message; the rest are counted (all are in `failures`). */
const LISTED_FAILURES = 10;

/**
 * A sweep finished with failed steps. `failures` holds every one of them (not only the first), so a caller or a log
 * query sees each shard, schedule or checkpoint that failed. Their work is still due: the next sweep retries it.
 */
export class SweepFailedError extends SundialError {
  readonly failures: readonly SweepFailure[];
  constructor(failures: readonly SweepFailure[]) {
    const lines = failures.slice(0, LISTED_FAILURES).map(
      (f) => `- ${f.scope}${f.shard === undefined ? '' : ` shard ${f.shard}`}${f.id === undefined ? '' : ` "${f.id}"`}: ${f.message}`,
    );
    if (failures.length > LISTED_FAILURES) lines.push(`- and ${failures.length - LISTED_FAILURES} more (see \`failures\`)`);
    super(
      `The sweep finished with ${failures.length} failed step(s):\n${lines.join('\n')}\n` +
        'That work is still due and the next sweep retries it; see the logs for the details of each failure.',
    );
    this.name = 'SweepFailedError';
    this.failures = failures;
  }
}
