/**
 * The sweeper Lambda's handler factory: one sweep per trigger, its counts as metrics, its failures as an invocation
 * error (the construct's sweeper-errors alarm watches those).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { Clock } from '../core/clock.ts';
import type { JobQueue } from '../queue/types.ts';
import type { Sleep } from '../worker/deps.ts';
import type { JobStore } from '../store/types.ts';
import { SweepFailedError } from './errors.ts';
import { msUntilSendPhase } from './send-phase.ts';
import { sweep } from './sweep.ts';
import type { SweepConfig, SweepLogger, SweepReport } from './types.ts';

/** Metric names the sweeper publishes (namespace from `POWERTOOLS_METRICS_NAMESPACE`). */
export const SWEEPER_METRICS = {
  sent: 'JobsSent',
  spawned: 'OccurrencesSpawned',
  pagesRead: 'SweepPagesRead',
  continued: 'SweepsContinued',
  /** A sweep that found another holding the lease (it only logged before; an alarm watches this). */
  skipped: 'SweepsSkipped',
} as const;

/** The part of Powertools' `Metrics` the handler uses (a `Metrics` instance fits). */
export interface SweeperMetrics {
  addMetric(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): unknown;
  hasStoredMetrics(): boolean;
  publishStoredMetrics(): unknown;
}

export interface SweeperHandlerDeps {
  readonly store: JobStore;
  readonly queue: JobQueue;
  readonly clock: Clock;
  readonly config: SweepConfig;
  readonly logger: SweepLogger;
  readonly metrics: SweeperMetrics;
  /** Waits for the send phase (`send-phase.ts`) before the sweep; a timer in Lambda, the test clock in tests. */
  readonly sleep: Sleep;
}

/**
 * Builds the sweeper handler. The event is ignored (EventBridge Scheduler and scheduled rules send different shapes,
 * and a sweep needs nothing from them); the owner of the lease is the request id, so a retried invocation is a new
 * sweep. Resolves with the report; rejects after publishing metrics when some part of the sweep failed, so the
 * failure shows in the function's errors (the work that failed stays due and the next sweep retries it).
 *
 * @example
 * ```ts
 * export const handler = createSweeperHandler({ store, queue, clock: systemClock, config, logger, metrics, sleep: timerSleep });
 * ```
 */
export function createSweeperHandler(deps: SweeperHandlerDeps): (event: unknown, context: Context) => Promise<SweepReport> {
  return async (_event, context) => {
    let report: SweepReport;
    // Starting at the send phase puts whole-second due times where the consumer waits least (`send-phase.ts`).
    await deps.sleep(msUntilSendPhase(deps.clock.nowMs(), deps.queue.precision ?? 'millisecond'));
    try {
      report = await sweep({
        store: deps.store,
        queue: deps.queue,
        clock: deps.clock,
        config: deps.config,
        owner: context.awsRequestId,
        remainingTimeMs: () => context.getRemainingTimeInMillis(),
        logger: deps.logger,
      });
      deps.metrics.addMetric(SWEEPER_METRICS.sent, MetricUnit.Count, report.sent);
      deps.metrics.addMetric(SWEEPER_METRICS.spawned, MetricUnit.Count, report.spawned);
      deps.metrics.addMetric(SWEEPER_METRICS.pagesRead, MetricUnit.Count, report.pagesRead);
      if (report.continued) deps.metrics.addMetric(SWEEPER_METRICS.continued, MetricUnit.Count, 1);
      if (report.skipped) deps.metrics.addMetric(SWEEPER_METRICS.skipped, MetricUnit.Count, 1);
    } finally {
      if (deps.metrics.hasStoredMetrics()) deps.metrics.publishStoredMetrics();
    }
    if (report.failures.length > 0) throw new SweepFailedError(report.failures);
    return report;
  };
}
