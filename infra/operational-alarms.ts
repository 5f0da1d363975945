/**
 * The alarms an operator needs beyond the dead-letter queues and sweeper errors: work piling up in a queue, Lambda
 * throttling, the sweeper not running at all, jobs starting late, and sweeps that keep finding the lease taken.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** What the operational alarms watch. */
export interface OperationalAlarmTargets {
  readonly queues: Readonly<Record<string, sqs.IQueue>>;
  readonly sweeper: lambda.IFunction;
  readonly consumer: lambda.IFunction;
  /** p99 lateness of job starts (ms). */
  readonly lateness: cloudwatch.Metric;
  /** Sweeps that found another sweep holding the lease. */
  readonly sweepsSkipped: cloudwatch.Metric;
}

/**
 * A job message that stays visible this long was not picked up: a consumer outage, or throttling. Delayed messages
 * wait at most 900 s, so the threshold sits above that.
 */
export const OLDEST_MESSAGE_ALARM_SEC = 20 * 60;
/** p99 lateness above this for 5 minutes means jobs no longer fire on their second. */
export const LATENESS_ALARM_MS = 60_000;

/**
 * Creates the alarms under `scope`.
 *
 * @example
 * ```ts
 * const alarms = createOperationalAlarms(this, { queues, sweeper, consumer, lateness, sweepsSkipped });
 * ```
 */
export function createOperationalAlarms(scope: Construct, targets: OperationalAlarmTargets): cloudwatch.Alarm[] {
  const alarms: cloudwatch.Alarm[] = [];
  const over = (id: string, metric: cloudwatch.Metric, threshold: number, evaluationPeriods: number, alarmDescription: string) =>
    alarms.push(
      metric.createAlarm(scope, id, {
        alarmDescription,
        threshold,
        evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  for (const [name, queue] of Object.entries(targets.queues)) {
    over(
      `OldestMessageAlarm-${name}`,
      queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: Duration.minutes(1) }),
      OLDEST_MESSAGE_ALARM_SEC,
      5,
      `sundial: a message of queue "${name}" has waited over ${OLDEST_MESSAGE_ALARM_SEC / 60} minutes (consumer down or throttled)`,
    );
  }
  for (const [id, fn] of [['Sweeper', targets.sweeper], ['Consumer', targets.consumer]] as const) {
    over(`${id}ThrottlesAlarm`, fn.metricThrottles({ statistic: 'Sum', period: Duration.minutes(5) }), 0, 1, `sundial: the ${id.toLowerCase()} is being throttled`);
  }
  alarms.push(
    targets.sweeper.metricInvocations({ statistic: 'Sum', period: Duration.minutes(5) }).createAlarm(scope, 'SweeperNotRunningAlarm', {
      alarmDescription: 'sundial: the sweeper has not run for 5 minutes (trigger disabled or failing); jobs waiting in the table are not sent',
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      // No data at all is the failure this alarm exists for.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    }),
  );
  over('LatenessAlarm', targets.lateness, LATENESS_ALARM_MS, 5, `sundial: p99 lateness of job starts above ${LATENESS_ALARM_MS / 1000} s for 5 minutes`);
  over(
    'SweepLeaseBusyAlarm',
    targets.sweepsSkipped,
    2,
    3,
    'sundial: sweeps keep finding the lease taken (a sweep that never releases it, or overlapping triggers)',
  );
  return alarms;
}
