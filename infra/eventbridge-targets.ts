/**
 * EventBridge targets that enqueue sundial jobs: `sundial.ruleTarget(task)` for an EventBridge rule (a schedule or an
 * event pattern) and `sundial.scheduleTarget(task)` for an EventBridge Scheduler schedule.
 *
 * How an event becomes a job was chosen by measured cost per job (docs/performance.md, `eventbridge` row): the target
 * is the sundial queue itself, with an input transformer that writes an *event message*; the consumer creates the job
 * on first receipt (lib/worker/event-message.ts). An ingest function in between would add a Lambda invocation (and
 * its duration) per job and change nothing else: the job record, the claim and the outcome are the same writes.
 *
 * Permissions stay least-privilege: a rule gets `sqs:SendMessage` on that one queue through the queue policy, bound
 * to the rule's ARN (`aws:SourceArn`); a schedule gets a role that may only send to that queue.
 */
import type { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { SqsSendMessage } from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { maxAttemptsProblems } from '../lib/core/backoff.ts';
import { ValidationError } from '../lib/core/errors.ts';
import { describeValue, nameProblems } from '../lib/core/validation.ts';
import { EVENT_MESSAGE_FORMAT } from '../lib/worker/event-message.ts';

/** Options of `ruleTarget` and `scheduleTarget`. */
export interface EventTargetOptions {
  /**
   * The job's payload: a fixed value, or a transform — an object whose values may be `events.EventField` paths (a
   * rule) or `scheduler.ContextAttribute`s (a schedule), e.g. `{ orderId: events.EventField.fromPath('$.detail.id') }`.
   *
   * @default - the whole event (a rule); `{ scheduleArn, scheduledTime }` (a schedule)
   */
  readonly payload?: unknown;
  /**
   * The named queue the job runs on.
   *
   * @default 'default'
   */
  readonly queue?: string;
  /**
   * Run the job this long after the event's time (whole seconds).
   *
   * @default - at once
   */
  readonly in?: Duration;
  /**
   * Attempts of the job (1 = no retries).
   *
   * @default - the task's own `maxAttempts`, else 3
   */
  readonly maxAttempts?: number;
}

/** What the targets need of the construct. */
export interface EventTargetHost {
  readonly queues: Readonly<Record<string, sqs.IQueue>>;
}

/** Longest `in`: as long as `enqueue` accepts (10 years). */
const MAX_IN_SEC = 3652.5 * 86_400;

function checkedOptions(host: EventTargetHost, task: string, options: EventTargetOptions): { queue: sqs.IQueue; messageOptions: Record<string, unknown> } {
  const queueName = options.queue ?? 'default';
  const problems = [...nameProblems(task, 'task'), ...maxAttemptsProblems(options.maxAttempts)];
  if (host.queues[queueName] === undefined) {
    problems.push(`\`queue\`: received ${describeValue(queueName)}; expected one of the construct's queues: ${Object.keys(host.queues).join(', ')}`);
  }
  const inSec = options.in === undefined ? undefined : options.in.toMilliseconds() / 1000;
  if (inSec !== undefined && !(Number.isInteger(inSec) && inSec >= 0 && inSec <= MAX_IN_SEC)) {
    problems.push(`\`in\`: received ${inSec} s; expected whole seconds from 0 to 10 years, such as Duration.minutes(5)`);
  }
  if (problems.length > 0) throw new ValidationError(problems.map((p) => `sundial event target for task ${describeValue(task)}: ${p}`));
  return {
    queue: host.queues[queueName]!,
    messageOptions: {
      queue: queueName,
      ...(inSec ? { inSec } : {}),
      ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    },
  };
}

/**
 * A rule target that enqueues a job of `task` for each event. See `SundialScheduler.ruleTarget`.
 *
 * @example
 * ```ts
 * new events.Rule(this, 'Hourly', { schedule: events.Schedule.expression('cron(0 * ? * * *)'), targets: [sundialRuleTarget(sundial, 'announce')] });
 * ```
 */
export function sundialRuleTarget(host: EventTargetHost, task: string, options: EventTargetOptions = {}): events.IRuleTarget {
  const { queue, messageOptions } = checkedOptions(host, task, options);
  return new eventTargets.SqsQueue(queue, {
    message: events.RuleTargetInput.fromObject({
      sundial: EVENT_MESSAGE_FORMAT,
      task,
      source: '<aws.events.rule-arn>',
      eventId: events.EventField.eventId,
      time: events.EventField.time,
      payload: options.payload === undefined ? events.EventField.fromPath('$') : options.payload,
      options: messageOptions,
    }),
  });
}

/**
 * An EventBridge Scheduler target that enqueues a job of `task` for each occurrence. See
 * `SundialScheduler.scheduleTarget`.
 *
 * @example
 * ```ts
 * new scheduler.Schedule(this, 'Daily', { schedule: scheduler.ScheduleExpression.expression('cron(0 9 * * ? *)'), target: sundialScheduleTarget(sundial, 'report') });
 * ```
 */
export function sundialScheduleTarget(host: EventTargetHost, task: string, options: EventTargetOptions = {}): scheduler.IScheduleTarget {
  const { queue, messageOptions } = checkedOptions(host, task, options);
  const scheduledTime = scheduler.ContextAttribute.scheduledTime;
  return new SqsSendMessage(queue, {
    input: scheduler.ScheduleTargetInput.fromObject({
      sundial: EVENT_MESSAGE_FORMAT,
      task,
      source: scheduler.ContextAttribute.scheduleArn,
      // One job per occurrence: a retried delivery of the same occurrence carries the same scheduled time.
      eventId: scheduledTime,
      time: scheduledTime,
      payload: options.payload === undefined ? { scheduleArn: scheduler.ContextAttribute.scheduleArn, scheduledTime } : options.payload,
      options: messageOptions,
    }),
  });
}
