/**
 * Validation of `SundialSchedulerProps`, kept apart from the construct (as aws-sqs keeps `validate-queue-props.ts`)
 * so every rule lives in one table-like place and reports every problem at once, before any resource is created.
 */
import { existsSync } from 'node:fs';
import { Duration, Token } from 'aws-cdk-lib';
import { ValidationError } from '../lib/core/errors.ts';
import { MAX_LOOKAHEAD_SEC } from '../lib/config.ts';
import { CONTINUATION_RESERVE_MS } from '../lib/sweeper/sweep.ts';
import { MAX_TIMEOUT_SEC } from '../lib/options.ts';
import { SQS_MAX_DELAY_SEC } from '../lib/queue/sqs-limits.ts';
import { INVOCATION_SAFETY_MARGIN_MS, MAX_EARLY_WAIT_MS, MIN_CONSUMER_TIMEOUT_SEC, MIN_TASK_TIME_MS } from '../lib/worker/deps.ts';
import { DEFAULT_TARGET_UTILIZATION_PERCENT, type SundialTableBilling } from './table-billing.ts';

/** Limits set by the AWS services (or by our design) that the props must respect. */
export const SCHEDULER_LIMITS = {
  /** Lambda's hard limit on a function's timeout. */
  maxLambdaTimeoutSec: MAX_TIMEOUT_SEC,
  /** SQS's hard limit on a queue's visibility timeout (12 hours). */
  maxVisibilityTimeoutSec: 43_200,
  /** Lambda memory range. */
  minMemoryMb: 128,
  maxMemoryMb: 10_240,
  /** SQS event source: batch size without a batching window, and the `MaximumConcurrency` range. */
  maxBatchSize: 10,
  minMaxConcurrency: 2,
  maxMaxConcurrency: 1000,
  /** SQS redrive policy range. */
  maxReceiveCount: 1000,
  /** Matches `readConfig`'s accepted range for `SUNDIAL_SHARDS`. */
  maxShards: 1000,
  maxLookaheadSec: MAX_LOOKAHEAD_SEC,
  /** A sweep stops once less than its continuation reserve is left: a shorter timeout would never sweep anything. */
  minSweeperTimeoutSec: CONTINUATION_RESERVE_MS / 1000 + 5,
  /** A consumer with less time than this defers every message: see `MIN_CONSUMER_TIMEOUT_SEC`. */
  minConsumerTimeoutSec: MIN_CONSUMER_TIMEOUT_SEC,
  /** Application Auto Scaling's range for DynamoDB target tracking (CDK's `Capacity.autoscaled` enforces the same). */
  minTargetUtilizationPercent: 20,
  maxTargetUtilizationPercent: 90,
  /** Queue names become construct ids, output ids and JSON keys: keep them plain. */
  queueNamePattern: /^[A-Za-z][A-Za-z0-9_-]{0,39}$/,
} as const;

/** The subset of the construct's props that validation reads, after defaults are applied. */
export interface ResolvedSchedulerProps {
  readonly tasksEntries: readonly string[];
  readonly queues: Readonly<Record<string, { readonly maxConcurrency?: number; readonly batchSize?: number }>>;
  readonly consumerTimeout: Duration;
  readonly consumerMemorySize: number;
  readonly sweeperTimeout: Duration;
  readonly sweeperMemorySize: number;
  readonly sweepInterval: Duration;
  readonly shards: number;
  readonly lookahead: Duration;
  readonly directHorizon: Duration;
  readonly retention: Duration;
  readonly maxReceiveCount: number;
  readonly visibilityTimeout: Duration;
  readonly tableBilling: SundialTableBilling;
}

/**
 * Checks resolved props against the service limits and sundial's own rules; throws one `ValidationError` listing
 * every problem. Values that are CDK tokens (known only at deploy time) are accepted as they are.
 *
 * @example
 * ```ts
 * validateSchedulerProps({ ...resolved, shards: 0 }); // throws ValidationError: `shards`: received 0; expected …
 * ```
 */
export function validateSchedulerProps(props: ResolvedSchedulerProps): void {
  const problems: string[] = [];
  const L = SCHEDULER_LIMITS;

  if (props.tasksEntries.length === 0) {
    problems.push('`tasksEntry`: received an empty list; expected at least one task module path. e.g. tasksEntry: \'src/tasks.ts\'.');
  }
  for (const entry of props.tasksEntries) {
    if (!existsSync(entry)) {
      problems.push(`\`tasksEntry\`: "${entry}" does not exist; expected the path of a module that defines tasks with defineTask. Fix the path (relative paths resolve from the current directory).`);
    }
  }

  const names = Object.keys(props.queues);
  if (!names.includes('default')) {
    problems.push(`\`queues\`: received [${names.map((n) => `"${n}"`).join(', ')}]; expected a "default" queue among them (tasks without \`queue\` go there). Add \`default: {}\`.`);
  }
  for (const [name, options] of Object.entries(props.queues)) {
    if (!L.queueNamePattern.test(name)) {
      problems.push(`\`queues\`: name "${name}" is not allowed; expected a letter then up to 39 letters, digits, "-" or "_". Rename the queue.`);
    }
    integerIn(problems, `queues.${name}.batchSize`, options.batchSize, 1, L.maxBatchSize);
    integerIn(problems, `queues.${name}.maxConcurrency`, options.maxConcurrency, L.minMaxConcurrency, L.maxMaxConcurrency);
  }

  const consumerSec = seconds(props.consumerTimeout);
  durationIn(problems, 'consumerTimeout', props.consumerTimeout, 1, L.maxLambdaTimeoutSec);
  if (consumerSec !== undefined && consumerSec >= 1 && consumerSec < L.minConsumerTimeoutSec) {
    problems.push(`\`consumerTimeout\`: received ${consumerSec} s; expected at least ${L.minConsumerTimeoutSec} s: the consumer waits up to ${MAX_EARLY_WAIT_MS / 1000} s for a due time, keeps ${INVOCATION_SAFETY_MARGIN_MS / 1000} s free to record the outcome and gives a task at least ${MIN_TASK_TIME_MS / 1000} s, so a shorter timeout returns every message to the queue unrun. Raise it or omit it (default 1 minute).`);
  }
  durationIn(problems, 'sweeperTimeout', props.sweeperTimeout, 1, L.maxLambdaTimeoutSec);
  const sweeperSec = seconds(props.sweeperTimeout);
  if (sweeperSec !== undefined && sweeperSec < L.minSweeperTimeoutSec) {
    problems.push(`\`sweeperTimeout\`: received ${sweeperSec} s; expected at least ${L.minSweeperTimeoutSec} s: a sweep stops once less than ${CONTINUATION_RESERVE_MS / 1000} s are left, so a shorter timeout never sends anything. Raise it or omit it (default 1 minute).`);
  }
  integerIn(problems, 'consumerMemorySize', props.consumerMemorySize, L.minMemoryMb, L.maxMemoryMb);
  integerIn(problems, 'sweeperMemorySize', props.sweeperMemorySize, L.minMemoryMb, L.maxMemoryMb);
  integerIn(problems, 'shards', props.shards, 1, L.maxShards);
  integerIn(problems, 'maxReceiveCount', props.maxReceiveCount, 1, L.maxReceiveCount);
  problems.push(...tableBillingProblems(props.tableBilling));

  const visibilitySec = seconds(props.visibilityTimeout);
  durationIn(problems, 'visibilityTimeout', props.visibilityTimeout, 0, L.maxVisibilityTimeoutSec);
  // Equal is not enough: SQS could show the message again at the very moment the invocation ends. Longer is safe (a
  // lease ends 5 s before its invocation, so a redelivery meets an expired lease or a live one it acknowledges);
  // 6× (the default, AWS's guidance) also leaves the event source room to retry throttled invocations.
  if (visibilitySec !== undefined && consumerSec !== undefined && visibilitySec <= consumerSec) {
    problems.push(`\`visibilityTimeout\`: received ${visibilitySec} s, ${visibilitySec < consumerSec ? 'shorter than' : 'equal to'} \`consumerTimeout\` (${consumerSec} s); expected longer (the default is ${VISIBILITY_TO_TIMEOUT_RATIO} × \`consumerTimeout\`, AWS's guidance), or SQS redelivers messages whose task is still running. Raise it or omit it.`);
  }


  const intervalSec = seconds(props.sweepInterval);
  if (intervalSec !== undefined && (intervalSec < 60 || intervalSec % 60 !== 0)) {
    problems.push(`\`sweepInterval\`: received ${intervalSec} s; expected whole minutes, at least Duration.minutes(1) (EventBridge Scheduler's smallest rate). Use e.g. Duration.minutes(1).`);
  }
  const lookaheadSec = seconds(props.lookahead);
  durationIn(problems, 'lookahead', props.lookahead, 1, L.maxLookaheadSec);
  const horizonSec = seconds(props.directHorizon);
  durationIn(problems, 'directHorizon', props.directHorizon, 2, SQS_MAX_DELAY_SEC);
  if (horizonSec !== undefined && lookaheadSec !== undefined && horizonSec <= lookaheadSec) {
    problems.push(`\`directHorizon\`: received ${horizonSec} s, not more than \`lookahead\` (${lookaheadSec} s); expected more, or a job enqueued behind the sweeper's cursor is never sent. Raise it or omit it (default 900 s).`);
  }
  if (lookaheadSec !== undefined && intervalSec !== undefined && lookaheadSec < intervalSec) {
    problems.push(`\`lookahead\`: received ${lookaheadSec} s, shorter than \`sweepInterval\` (${intervalSec} s); expected at least the interval, or jobs due between two sweeps fire late. Raise \`lookahead\` or shorten \`sweepInterval\`.`);
  }

  const retentionSec = seconds(props.retention);
  if (retentionSec !== undefined && (retentionSec < 86_400 || retentionSec % 86_400 !== 0)) {
    problems.push(`\`retention\`: received ${retentionSec} s; expected whole days, at least Duration.days(1) (ended jobs are kept that long). Use e.g. Duration.days(7).`);
  }

  if (problems.length > 0) throw new ValidationError(problems.map((p) => `SundialScheduler ${p}`));
}

/** Problems with `tableBilling`: a known mode; for provisioned, whole capacities ≥ 1 with max ≥ min, a valid target. */
function tableBillingProblems(billing: SundialTableBilling): string[] {
  if (billing.mode === 'on-demand') return [];
  if (billing.mode !== 'provisioned') {
    return [`\`tableBilling.mode\`: received ${JSON.stringify((billing as { mode: unknown }).mode)}; expected 'on-demand' or 'provisioned'.`];
  }
  const problems: string[] = [];
  const known = (n: number | undefined): n is number => n !== undefined && !Token.isUnresolved(n);
  for (const kind of ['Write', 'Read'] as const) {
    const min = billing[`min${kind}Capacity`] ?? 1;
    const max = billing[`max${kind}Capacity`];
    if (known(min) && (!Number.isInteger(min) || min < 1)) {
      problems.push(`\`tableBilling.min${kind}Capacity\`: received ${min}; expected a whole number ≥ 1 (or leave it out for 1).`);
    }
    if (!known(max)) continue;
    if (!Number.isInteger(max) || max < 1) {
      problems.push(`\`tableBilling.max${kind}Capacity\`: received ${max}; expected a whole number ≥ 1: the most ${kind.toLowerCase()} units a second your peak needs.`);
    } else if (known(min) && Number.isInteger(min) && max < min) {
      problems.push(`\`tableBilling.max${kind}Capacity\`: received ${max}, less than \`min${kind}Capacity\` (${min}); raise it to at least ${min}.`);
    }
  }
  const target = billing.targetUtilizationPercent;
  const { minTargetUtilizationPercent: lo, maxTargetUtilizationPercent: hi } = SCHEDULER_LIMITS;
  if (known(target) && !(Number.isFinite(target) && target >= lo && target <= hi)) {
    problems.push(`\`tableBilling.targetUtilizationPercent\`: received ${target}; expected ${lo}–${hi} (Application Auto Scaling's range for DynamoDB), or leave it out for ${DEFAULT_TARGET_UTILIZATION_PERCENT}.`);
  }
  return problems;
}

/** Seconds of a duration, or `undefined` when it is a deploy-time token. */
function seconds(duration: Duration): number | undefined {
  return duration.isUnresolved() ? undefined : duration.toSeconds({ integral: false });
}

function durationIn(problems: string[], field: string, duration: Duration, minSec: number, maxSec: number): void {
  const sec = seconds(duration);
  if (sec === undefined) return;
  if (!Number.isInteger(sec) || sec < minSec || sec > maxSec) {
    problems.push(`\`${field}\`: received ${duration.toHumanString()}; expected whole seconds from ${minSec} to ${maxSec} s. Use e.g. Duration.seconds(${Math.min(Math.max(Math.round(sec), minSec), maxSec)}).`);
  }
}

function integerIn(problems: string[], field: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`\`${field}\`: received ${value}; expected an integer from ${min} to ${max}. Pick a value in that range or omit it for the default.`);
  }
}

/** AWS's guidance for SQS event sources, and the construct's default: visibility timeout = 6 × the function timeout. */
export const VISIBILITY_TO_TIMEOUT_RATIO = 6;
