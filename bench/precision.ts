/**
 * Precision: how late each job's task body started after its due time (start − due, both on this machine's clock),
 * per path, and how late the sweeper's trigger fired after its schedule (the sweep's own `now` − the tick).
 */
import type { StartedAt } from './fixtures/tasks.ts';
import type { SweepFiring } from './bench-stack.ts';
import { distribution, type Distribution } from './stats.ts';
import type { Window } from './windows.ts';

/** Lateness of one path's jobs, in ms. */
export interface PathLateness {
  readonly path: string;
  readonly lateness: Distribution;
  /** Jobs that did not complete (never ran, or failed): counted here, left out of the distribution. */
  readonly notCompleted: number;
  /** Jobs whose body started before the due time (should be 0: SQS never delivers early and the consumer waits). */
  readonly early: number;
}

/**
 * Lateness (task start − due) of a window's completed jobs.
 *
 * @example
 * ```ts
 * const direct = lateness(directWindow);
 * direct.lateness.p99;
 * ```
 */
export function lateness(window: Window): PathLateness {
  const samples: number[] = [];
  let notCompleted = 0;
  for (const job of window.jobs) {
    const started = (job.result as StartedAt | undefined)?.startedAtMs;
    if (job.state !== 'completed' || typeof started !== 'number') {
      notCompleted++;
      continue;
    }
    samples.push(started - job.dueAt.getTime());
  }
  return {
    path: window.path,
    lateness: distribution(samples),
    notCompleted,
    early: samples.filter((ms) => ms < 0).length,
  };
}

/**
 * How long after each scheduled tick the sweep took its `now`: the trigger's jitter plus the send-phase wait.
 *
 * @example
 * ```ts
 * triggerJitter(bench.sweeps).p99;
 * ```
 */
export function triggerJitter(sweeps: readonly SweepFiring[]): Distribution {
  return distribution(sweeps.map((s) => s.sweepNowMs - s.scheduledAtMs));
}
