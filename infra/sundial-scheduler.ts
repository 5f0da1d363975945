/**
 * `SundialScheduler`: the whole of sundial on AWS in one construct — the table, one SQS queue (+ DLQ) per named
 * queue, the sweeper run by EventBridge Scheduler, the consumer fed by the queues, alarms, grants and metrics.
 * docs/architecture.md explains what each piece does; this file only wires them with least privilege.
 */
import { resolve } from 'node:path';
import { type CfnElement, Duration, Names, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { TABLE_SCHEMA } from '../lib/store/schema.ts';
import { ValidationError } from '../lib/core/errors.ts';
import { DEFAULT_DIRECT_HORIZON_SEC, DEFAULT_LOOKAHEAD_SEC, DEFAULT_METRICS_NAMESPACE, DEFAULT_RETENTION_DAYS, DEFAULT_SHARDS } from '../lib/config.ts';
import { SundialDashboard } from './dashboard-construct.ts';
import { sundialRuleTarget, sundialScheduleTarget, type EventTargetOptions } from './eventbridge-targets.ts';
import { BUNDLE_HANDLER, consumerCode, prebuiltCode } from './handler-bundles.ts';
import { assertRuntimeCreatable, DEFAULT_RUNTIME_NAME, nodeTargetOf } from './lambda-runtimes.ts';
import { createOperationalAlarms } from './operational-alarms.ts';
import { grantSend, grantTableAccess, TABLE_ACCESS } from './table-access.ts';
import { autoScaleTable, tableBillingProps, type SundialTableBilling } from './table-billing.ts';
import { validateSchedulerProps, VISIBILITY_TO_TIMEOUT_RATIO } from './validate-scheduler-props.ts';
import { SWEEPER_METRICS } from '../lib/sweeper/sweeper-handler.ts';

/** Options of one named queue. */
export interface SundialQueueOptions {
  /**
   * Most consumer invocations this queue's event source runs at once (SQS event source `MaximumConcurrency`, 2–1000).
   * Use it to protect a downstream system from a burst of due jobs.
   *
   * @default 50 (a burst cannot take the whole account's concurrency; the sweeper has its own reserved)
   */
  readonly maxConcurrency?: number;
  /**
   * Messages handed to one consumer invocation (1–10). Failed jobs are reported one by one
   * (`ReportBatchItemFailures`), so a larger batch never retries its successful jobs.
   *
   * @default 10
   */
  readonly batchSize?: number;
}

/** Properties of `SundialScheduler`. */
export interface SundialSchedulerProps {
  /**
   * Paths of the task modules (files that call `defineTask`) to bundle into the consumer, with sundial's consumer
   * handler, at synth (esbuild). Relative paths resolve from the current directory.
   */
  readonly tasksEntry: string | string[];
  /**
   * Named queues; a task's `queue` option picks one. Each gets its own SQS queue, dead-letter queue, event source
   * and alarm.
   *
   * @default - `{ default: {} }`: one queue named "default"; when given, it must contain `default`
   */
  readonly queues?: Record<string, SundialQueueOptions>;
  /**
   * Longest a consumer invocation (one batch of jobs) may run. At least 8 s: the consumer may wait up to 2 s for a due
   * time, keeps 5 s free to record an outcome and gives a task at least 1 s.
   *
   * @default Duration.minutes(1)
   */
  readonly consumerTimeout?: Duration;
  /**
   * Memory of the consumer function, in MB (also scales its CPU). The scheduler's own work in it (claim, bookkeeping,
   * the early wait) peaks at about 135 MB and waits on I/O, so billed time scales with memory, not CPU: raise it for
   * tasks that need memory or CPU (docs/performance.md, "Lambda time").
   *
   * @default 256
   */
  readonly consumerMemorySize?: number;
  /**
   * Longest a sweep may run. The sweeper checkpoints its cursors and stops early when little time is left, and the
   * next sweep resumes, so a short timeout costs latency only under a large backlog.
   *
   * @default Duration.minutes(1)
   */
  readonly sweeperTimeout?: Duration;
  /**
   * Runtime of both functions. The consumer is bundled for its Node major; the pre-bundled sweeper targets Node 22, so
   * `Runtime.NODEJS_22_X` and any newer Node.js runtime run it. A runtime AWS no longer lets you create functions on is
   * refused (`lambda-runtimes.ts` holds AWS's dates). Node.js 24 runs async handlers only (sundial's are).
   *
   * @default Runtime.NODEJS_24_X (the Node version sundial is tested on)
   */
  readonly runtime?: lambda.Runtime;
  /**
   * Memory of the sweeper function, in MB.
   *
   * @default 256
   */
  readonly sweeperMemorySize?: number;
  /**
   * How often EventBridge Scheduler runs the sweeper (whole minutes, at least one; at most `lookahead`).
   *
   * @default Duration.minutes(1)
   */
  readonly sweepInterval?: Duration;
  /**
   * Write shards of the `due` index and of job partitions (`SUNDIAL_SHARDS`). More shards spread a hot minute over
   * more partitions; each sweep reads every shard. Never lower it once jobs exist: jobs on the removed shards would no
   * longer be swept.
   *
   * @default 8
   */
  readonly shards?: number;
  /**
   * How far ahead of now each sweep sends jobs, with `DelaySeconds` (`SUNDIAL_LOOKAHEAD_SECONDS`, at most 600 s and at
   * least `sweepInterval`).
   *
   * @default Duration.seconds(90)
   */
  readonly lookahead?: Duration;
  /**
   * Jobs due sooner than this after enqueue go straight to SQS with `DelaySeconds`; later ones wait in a time bucket
   * for the sweeper (`SUNDIAL_DIRECT_HORIZON_SECONDS`, at most 900 s, more than `lookahead`). The difference with
   * `lookahead` is the writer clock skew and index lag the sweeper's cursor tolerates, so lower it only for tests
   * and demos that need the swept path within seconds.
   *
   * @default Duration.seconds(900)
   */
  readonly directHorizon?: Duration;
  /**
   * How precisely jobs fire (`SUNDIAL_PRECISION`, read by the functions and by `Scheduler.fromEnv()`). `'millisecond'`:
   * messages arrive up to a second early and the consumer waits the rest in the function, billed. `'second'`: delays
   * are rounded up, so jobs start up to a second late (about half a second on average) and the consumer never waits —
   * cheaper in billed Lambda time (docs/performance.md compares both). Writers built without `fromEnv` pass the same
   * `precision` to `new Scheduler(...)`.
   *
   * @default 'millisecond'
   */
  readonly precision?: 'millisecond' | 'second';
  /**
   * How long ended jobs (completed, failed, cancelled) are kept before DynamoDB's TTL deletes them (whole days).
   *
   * @default Duration.days(7)
   */
  readonly retention?: Duration;
  /**
   * Deliveries of one message before SQS moves it to the dead-letter queue. sundial retries failed tasks itself
   * (`maxAttempts`, `backoff`), so this only catches consumers that crash or time out again and again.
   *
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * How long a received message stays invisible; SQS delivers it again after that if the consumer did not delete it.
   * At least `consumerTimeout`.
   *
   * @default - 6 × `consumerTimeout` (AWS's recommendation for SQS event sources)
   */
  readonly visibilityTimeout?: Duration;
  /**
   * What happens to the table and the queues when they leave the stack.
   *
   * @default - the table is retained (it holds your jobs); the queues are destroyed
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * A customer managed KMS key to encrypt the table and every queue with.
   *
   * @default - AWS-managed encryption: the DynamoDB-owned AWS managed key for the table, SSE-SQS for the queues
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Actions run when an alarm (dead-letter messages, sweeper errors) goes off, e.g. `new SnsAction(topic)`.
   *
   * @default - no actions: the alarms only change state
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];
  /**
   * Deploy the dashboard: a Lambda behind a function URL with `AWS_IAM` auth, read-only; `grantDashboardRead` lets a
   * principal open it, `grantDashboardActions` adds the function that acts (docs/dashboard.md).
   *
   * @default false
   */
  readonly dashboard?: boolean;
  /**
   * How long the functions' logs are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * How the table (and its `due` index) is billed: `{ mode: 'on-demand' }`, per request, or provisioned capacity with
   * auto scaling, about 60 % cheaper per write at a steady job rate (docs/performance.md, "What a steady rate costs on
   * provisioned capacity"). Switching an existing table between modes is allowed by DynamoDB once a day.
   *
   * @example
   * ```ts
   * new SundialScheduler(this, 'Sundial', {
   *   tasksEntry: 'src/tasks.ts',
   *   tableBilling: { mode: 'provisioned', maxWriteCapacity: 200, maxReadCapacity: 100 },
   * });
   * ```
   *
   * @default { mode: 'on-demand' }
   */
  readonly tableBilling?: SundialTableBilling;
}

/** Concurrency reserved for the sweeper. */
const SWEEPER_RESERVED_CONCURRENCY = 2;
/** Default `maxConcurrency` of each queue's event source. */
const DEFAULT_QUEUE_MAX_CONCURRENCY = 50;

/** A function's own log group, kept `logRetention` (30 days by default) and removed with the stack's `removalPolicy`. */
function functionLogGroup(scope: Construct, id: string, props: SundialSchedulerProps): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
  });
}

/** `POWERTOOLS_SERVICE_NAME` of both functions: Powertools Metrics adds it as the `service` dimension. */
export const SUNDIAL_SERVICE_NAME = 'sundial';
/** Namespace of the custom metrics the handlers emit (EMF). */
export const SUNDIAL_METRICS_NAMESPACE = DEFAULT_METRICS_NAMESPACE;

/**
 * sundial's scheduler: a DynamoDB table of jobs and schedules, a sweeper that sends due jobs to SQS every minute,
 * and a consumer that runs your tasks.
 *
 * @example
 * ```ts
 * const sundial = new SundialScheduler(this, 'Sundial', {
 *   tasksEntry: 'src/tasks.ts',
 *   queues: { default: {}, emails: { maxConcurrency: 5 } },
 *   alarmActions: [new SnsAction(opsTopic)],
 * });
 * sundial.bindTo(apiFunction); // its SUNDIAL_* environment, and the grants to enqueue
 * ```
 */
export class SundialScheduler extends Construct {
  /** Jobs, schedules and the sweeper's state (`TABLE_SCHEMA`). */
  readonly table: dynamodb.Table;
  /** Queue name → SQS queue. */
  readonly queues: Readonly<Record<string, sqs.Queue>>;
  /** Queue name → its dead-letter queue. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.Queue>>;
  /** Sends due jobs to the queues; run by `sweepSchedule`. */
  readonly sweeper: lambda.Function;
  /** Runs the tasks; fed by every queue. */
  readonly consumer: lambda.Function;
  /** The EventBridge Scheduler schedule that runs the sweeper: disable it to pause the sweeper. */
  readonly sweepSchedule: scheduler.Schedule;
  /** The role EventBridge Scheduler assumes to invoke the sweeper (passed again when the schedule is updated). */
  readonly sweepScheduleRole: iam.Role;
  /** The alarms: one per dead-letter queue, the sweeper's errors, then the operational ones (infra/operational-alarms.ts). */
  readonly alarms: readonly cloudwatch.Alarm[];
  /** The dashboard, when the `dashboard` prop is true. */
  readonly dashboard?: SundialDashboard;
  /**
   * The environment `Scheduler.fromEnv()` reads (table, queues, shards, lookahead, retention, and the sweeper's trigger
   * `SUNDIAL_SWEEP_SCHEDULE`): add it to any function that enqueues, together with `grantEnqueue`.
   */
  readonly environment: Readonly<Record<string, string>>;

  private readonly encryptionKey: kms.IKey | undefined;

  constructor(scope: Construct, id: string, props: SundialSchedulerProps) {
    super(scope, id);

    const consumerTimeout = props.consumerTimeout ?? Duration.minutes(1);
    const resolved = {
      tasksEntries: toList(props.tasksEntry ?? []).map((p) => resolve(p)),
      queues: props.queues ?? { default: {} },
      consumerTimeout,
      consumerMemorySize: props.consumerMemorySize ?? 256,
      sweeperTimeout: props.sweeperTimeout ?? Duration.minutes(1),
      sweeperMemorySize: props.sweeperMemorySize ?? 256,
      sweepInterval: props.sweepInterval ?? Duration.minutes(1),
      shards: props.shards ?? DEFAULT_SHARDS,
      lookahead: props.lookahead ?? Duration.seconds(DEFAULT_LOOKAHEAD_SEC),
      directHorizon: props.directHorizon ?? Duration.seconds(DEFAULT_DIRECT_HORIZON_SEC),
      retention: props.retention ?? Duration.days(DEFAULT_RETENTION_DAYS),
      maxReceiveCount: props.maxReceiveCount ?? 5,
      visibilityTimeout: props.visibilityTimeout ?? Duration.seconds(consumerTimeout.toSeconds() * VISIBILITY_TO_TIMEOUT_RATIO),
      tableBilling: props.tableBilling ?? { mode: 'on-demand' as const },
    };
    validateSchedulerProps(resolved);
    this.encryptionKey = props.encryptionKey;

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_SCHEMA.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.sortKey, type: dynamodb.AttributeType.STRING },
      ...tableBillingProps(resolved.tableBilling),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      ...(props.encryptionKey
        ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.encryptionKey }
        : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
      ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
    });
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE_SCHEMA.dueIndex.name,
      partitionKey: { name: TABLE_SCHEMA.dueIndex.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.dueIndex.sortKey, type: dynamodb.AttributeType.NUMBER },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...TABLE_SCHEMA.dueIndex.projectedAttributes],
      ...tableBillingProps(resolved.tableBilling),
    });
    autoScaleTable(this.table, [TABLE_SCHEMA.dueIndex.name], resolved.tableBilling);

    const queues: Record<string, sqs.Queue> = {};
    const deadLetterQueues: Record<string, sqs.Queue> = {};
    const encryption = props.encryptionKey
      ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey }
      : { encryption: sqs.QueueEncryption.SQS_MANAGED };
    for (const name of Object.keys(resolved.queues)) {
      const dlq = new sqs.Queue(this, `DeadLetterQueue-${name}`, {
        ...encryption,
        enforceSSL: true,
        // The longest SQS allows: a dead letter waits for a person, who may be on holiday.
        retentionPeriod: Duration.days(14),
        ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
      });
      deadLetterQueues[name] = dlq;
      queues[name] = new sqs.Queue(this, `Queue-${name}`, {
        ...encryption,
        enforceSSL: true,
        visibilityTimeout: resolved.visibilityTimeout,
        // As long as its DLQ: a consumer outage longer than the 4-day default would lose messages with no copy.
        retentionPeriod: Duration.days(14),
        deadLetterQueue: { queue: dlq, maxReceiveCount: resolved.maxReceiveCount },
        ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
      });
    }
    this.queues = queues;
    this.deadLetterQueues = deadLetterQueues;

    const stack = Stack.of(this);
    const queueUrlsJson = stack.toJsonString(mapValues(queues, (q) => q.queueUrl));
    // A name fixed at synthesis (unique per stack and path): the functions' environment can carry it without a
    // dependency cycle (the schedule already depends on the sweeper).
    const sweepScheduleName = `${Names.uniqueResourceName(this, { maxLength: 58, separator: '-' })}-sweep`;
    this.environment = {
      SUNDIAL_TABLE_NAME: this.table.tableName,
      SUNDIAL_QUEUES: queueUrlsJson,
      SUNDIAL_SHARDS: String(resolved.shards),
      SUNDIAL_LOOKAHEAD_SECONDS: String(resolved.lookahead.toSeconds()),
      SUNDIAL_DIRECT_HORIZON_SECONDS: String(resolved.directHorizon.toSeconds()),
      SUNDIAL_RETENTION_DAYS: String(resolved.retention.toDays()),
      SUNDIAL_SWEEP_SCHEDULE: sweepScheduleName,
      SUNDIAL_PRECISION: props.precision ?? 'millisecond',
    };
    const powertools = {
      // Stack traces of the minified bundles point at our sources (bundling.sourceMap).
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: SUNDIAL_SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: SUNDIAL_METRICS_NAMESPACE,
    };

    const runtime = props.runtime ?? new lambda.Runtime(DEFAULT_RUNTIME_NAME, lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true });
    assertRuntimeCreatable(runtime.name, new Date());
    const target = nodeTargetOf(runtime.name);
    this.sweeper = new lambda.Function(this, 'Sweeper', {
      ...functionDefaults(runtime),
      description: 'sundial: sends due jobs and schedule occurrences to SQS',
      code: prebuiltCode('sweeper', target),
      timeout: resolved.sweeperTimeout,
      memorySize: resolved.sweeperMemorySize,
      environment: { ...this.environment, ...powertools },
      // Always room to sweep, however many consumers a burst starts (two: a slow sweep may overlap the next trigger).
      reservedConcurrentExecutions: SWEEPER_RESERVED_CONCURRENCY,
      logGroup: functionLogGroup(this, 'SweeperLogs', props),
    });
    // A failed sweep is made up by the next trigger (the cursors resume); Lambda's own async retries would overlap it.
    this.sweeper.configureAsyncInvoke({ retryAttempts: 0 });
    this.consumer = new lambda.Function(this, 'Consumer', {
      ...functionDefaults(runtime),
      description: 'sundial: claims each job and runs its task',
      code: consumerCode(resolved.tasksEntries, target),
      timeout: resolved.consumerTimeout,
      memorySize: resolved.consumerMemorySize,
      environment: {
        ...this.environment,
        SUNDIAL_DLQS: stack.toJsonString(mapValues(deadLetterQueues, (q) => q.queueUrl)),
        ...powertools,
      },
      logGroup: functionLogGroup(this, 'ConsumerLogs', props),
    });

    // Least privilege: the item actions each function's calls use (infra/table-access.ts) — no Scan, no table management.
    grantTableAccess(this.sweeper, this.table, TABLE_ACCESS.sweeper, this.encryptionKey);
    grantTableAccess(this.consumer, this.table, TABLE_ACCESS.consumer, this.encryptionKey);
    for (const [name, queue] of Object.entries(queues)) {
      grantSend(this.sweeper, queue);
      // The consumer re-sends a job for its retry, and copies a finally failed job to the DLQ for the alarm.
      grantSend(this.consumer, queue);
      grantSend(this.consumer, deadLetterQueues[name]!);
      const options = resolved.queues[name]!;
      this.consumer.addEventSource(
        new SqsEventSource(queue, {
          batchSize: options.batchSize ?? 10,
          reportBatchItemFailures: true,
          maxConcurrency: options.maxConcurrency ?? DEFAULT_QUEUE_MAX_CONCURRENCY,
        }),
      );
    }

    // Our own role rather than the target's stack-wide singleton, so the construct owns (and explains) its policy.
    const sweepScheduleRole = (this.sweepScheduleRole = new iam.Role(this, 'SweepScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    }));
    this.sweepSchedule = new scheduler.Schedule(this, 'SweepSchedule', {
      scheduleName: sweepScheduleName,
      description: 'sundial: runs the sweeper',
      schedule: scheduler.ScheduleExpression.rate(resolved.sweepInterval),
      // No retries: a missed sweep is made up by the next one (the cursors resume), and late retries would only
      // overlap with it.
      target: new LambdaInvoke(this.sweeper, { role: sweepScheduleRole, retryAttempts: 0, maxEventAge: Duration.minutes(1) }),
    });

    const alarms: cloudwatch.Alarm[] = [];
    for (const name of Object.keys(deadLetterQueues)) {
      alarms.push(
        this.metricDlqDepth(name).createAlarm(this, `DeadLetterAlarm-${name}`, {
          alarmDescription: `sundial: messages in the dead-letter queue of queue "${name}" (jobs that failed for good, or consumers that crash)`,
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    alarms.push(
      this.metricSweeperErrors().createAlarm(this, 'SweeperErrorsAlarm', {
        alarmDescription: 'sundial: the sweeper failed; jobs waiting in the table are sent late until it recovers',
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    alarms.push(
      ...createOperationalAlarms(this, {
        queues,
        sweeper: this.sweeper,
        consumer: this.consumer,
        lateness: this.metricLateness({ period: Duration.minutes(1) }),
        sweepsSkipped: new cloudwatch.Metric({
          namespace: SUNDIAL_METRICS_NAMESPACE,
          metricName: SWEEPER_METRICS.skipped,
          dimensionsMap: { service: SUNDIAL_SERVICE_NAME },
          statistic: 'Sum',
          period: Duration.minutes(5),
        }),
      }),
    );
    for (const alarm of alarms) alarm.addAlarmAction(...(props.alarmActions ?? []));
    this.alarms = alarms;

    this.acknowledgeNagFindings(runtime, sweepScheduleRole);
    if (props.dashboard) {
      this.dashboard = new SundialDashboard(this, 'Dashboard', {
        source: this,
        functionDefaults: { ...functionDefaults(runtime), code: prebuiltCode('dashboard', nodeTargetOf(runtime.name)) },
        onFunction: (fn) => acknowledgeFunctionFindings(fn, runtime),
      });
    }
  }

  /**
   * Lets `principal` open the deployed dashboard, read-only (needs the `dashboard` prop).
   *
   * @example
   * ```ts
   * sundial.grantDashboardRead(developersRole);
   * ```
   */
  grantDashboardRead(principal: iam.IGrantable): iam.Grant {
    return this.requireDashboard('grantDashboardRead').grantRead(principal);
  }

  /**
   * Lets `principal` act from the dashboard (cancel, retry, run now, bulk, schedules, pausing the sweeper, DLQ redrive): creates
   * the dashboard's action function on first use and grants its URL (needs the `dashboard` prop).
   *
   * @example
   * ```ts
   * sundial.grantDashboardActions(opsRole);
   * ```
   */
  grantDashboardActions(principal: iam.IGrantable): iam.Grant {
    return this.requireDashboard('grantDashboardActions').grantActions(principal);
  }

  private requireDashboard(method: string): SundialDashboard {
    if (!this.dashboard) throw new ValidationError(`\`${method}\` needs the dashboard: pass \`dashboard: true\` to SundialScheduler`);
    return this.dashboard;
  }

  /**
   * Lets `grantee` enqueue, schedule and control jobs (`Scheduler.enqueue`, `enqueueMany`, `transact`, `schedule`,
   * `pause`, `resume`, `cancel`, `retry`): reads by key and writes of job and schedule items only (never the sweeper's
   * lease and cursors), and sending to every queue (jobs due soon go straight to SQS).
   *
   * @example
   * ```ts
   * sundial.grantEnqueue(apiFunction);
   * ```
   */
  grantEnqueue(grantee: iam.IGrantable): iam.Grant {
    let grant = grantTableAccess(grantee, this.table, TABLE_ACCESS.enqueue, this.encryptionKey);
    for (const queue of Object.values(this.queues)) grant = grant.combine(grantSend(grantee, queue));
    this.acknowledgeGrant(grantee);
    return grant;
  }

  /**
   * Makes `fn` a caller of this scheduler: sets the environment `Scheduler.fromEnv()` reads (`environment`: table,
   * queues, shards, lookahead, retention) and grants what `enqueue`, `schedule` and `transactItems` need
   * (`grantEnqueue`).
   *
   * @example
   * ```ts
   * const api = new NodejsFunction(this, 'Api', { entry: 'src/api.ts' });
   * sundial.bindTo(api); // in src/api.ts: await Scheduler.fromEnv().enqueue('send-email', { to }, { in: '10m' });
   * ```
   */
  bindTo(fn: lambda.Function): iam.Grant {
    for (const [name, value] of Object.entries(this.environment)) fn.addEnvironment(name, value);
    return this.grantEnqueue(fn);
  }

  /**
   * An EventBridge rule target that enqueues a job of `task` per event (the event id keys the job, so a redelivered
   * event never runs twice). Options: `payload` (the event by default, a fixed value or a transform), `queue`, `in`,
   * `maxAttempts`. AWS schedule expressions work here as on EventBridge.
   *
   * @example
   * ```ts
   * new events.Rule(this, 'Announce', { schedule: events.Schedule.expression('cron(0/1 * ? * * *)'), targets: [sundial.ruleTarget('announce')] });
   * new events.Rule(this, 'Orders', { eventPattern: { source: ['shop'] }, targets: [sundial.ruleTarget('ship', { in: Duration.minutes(5) })] });
   * ```
   */
  ruleTarget(task: string, options?: EventTargetOptions): events.IRuleTarget {
    return sundialRuleTarget(this, task, options);
  }

  /**
   * An EventBridge Scheduler target that enqueues a job of `task` per occurrence (keyed by the schedule and the
   * occurrence's time). Same options as `ruleTarget`.
   *
   * @example
   * ```ts
   * new scheduler.Schedule(this, 'Report', { schedule: scheduler.ScheduleExpression.expression('cron(0 9 ? * MON *)', TimeZone.EUROPE_ROME), target: sundial.scheduleTarget('report') });
   * ```
   */
  scheduleTarget(task: string, options?: EventTargetOptions): scheduler.IScheduleTarget {
    return sundialScheduleTarget(this, task, options);
  }

  /**
   * Lets `grantee` read jobs and schedules (`Scheduler.get`, `list`).
   *
   * @example
   * ```ts
   * sundial.grantRead(dashboardFunction);
   * ```
   */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    const grant = grantTableAccess(grantee, this.table, TABLE_ACCESS.read, this.encryptionKey);
    this.acknowledgeGrant(grantee);
    return grant;
  }

  /**
   * Lets `grantee` pause, resume and inspect the sweeper (`pauseSweeper`, `resumeSweeper`, `sweeperStatus` with
   * `SUNDIAL_SWEEP_SCHEDULE`): read and update the sweeper's trigger, and pass its role back when updating it.
   *
   * @example
   * ```ts
   * sundial.grantSweeperControl(opsFunction); // and sundial.bindTo(opsFunction) for SUNDIAL_SWEEP_SCHEDULE
   * // in opsFunction:
   * import { SchedulerClient } from '@aws-sdk/client-scheduler';
   * import { pauseSweeper, sweeperTriggerFromEnv } from 'sundial-scheduler/lambda';
   * await pauseSweeper(sweeperTriggerFromEnv(new SchedulerClient({})));
   * ```
   */
  grantSweeperControl(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['scheduler:GetSchedule', 'scheduler:UpdateSchedule'],
      resourceArns: [this.sweepSchedule.scheduleArn],
    }).combine(
      // Only to EventBridge Scheduler, the one service UpdateSchedule hands the role to.
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['iam:PassRole'],
        resourceArns: [this.sweepScheduleRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
  }

  /**
   * The former name of {@link grantSweeperControl}, kept so existing apps still synthesize; will be removed in 1.0.
   *
   * @deprecated Use `grantSweeperControl`.
   */
  grantDispatchControl(grantee: iam.IGrantable): iam.Grant {
    return this.grantSweeperControl(grantee);
  }

  /**
   * A metric of the messages waiting in a queue's dead-letter queue (maximum over 1 minute by default).
   *
   * @param queue the queue name
   * @example
   * ```ts
   * sundial.metricDlqDepth('emails').createAlarm(this, 'EmailDlq', { threshold: 10, evaluationPeriods: 1 });
   * ```
   */
  metricDlqDepth(queue = 'default', props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    const dlq = this.deadLetterQueues[queue];
    if (!dlq) {
      const names = Object.keys(this.deadLetterQueues).map((n) => `"${n}"`).join(', ');
      throw new ValidationError(`metricDlqDepth: received queue "${queue}"; expected one of ${names}. Pass a name from the \`queues\` prop.`);
    }
    return dlq.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1), ...props });
  }

  /**
   * A metric of the sweeper's failed invocations (sum over 1 minute by default).
   *
   * @example
   * ```ts
   * dashboard.addWidgets(new GraphWidget({ left: [sundial.metricSweeperErrors()] }));
   * ```
   */
  metricSweeperErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.sweeper.metricErrors({ statistic: 'Sum', period: Duration.minutes(1), ...props });
  }

  /**
   * How late jobs start after their due time, in ms (`LatenessMs`, an EMF metric the consumer emits in namespace
   * `Sundial` with dimension `service`; p99 over 1 minute by default).
   *
   * @example
   * ```ts
   * sundial.metricLateness({ statistic: 'p50' }).createAlarm(this, 'Late', { threshold: 2000, evaluationPeriods: 5 });
   * ```
   */
  metricLateness(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: SUNDIAL_METRICS_NAMESPACE,
      metricName: 'LatenessMs',
      dimensionsMap: { service: SUNDIAL_SERVICE_NAME },
      statistic: 'p99',
      unit: cloudwatch.Unit.MILLISECONDS,
      period: Duration.minutes(1),
      ...props,
    });
  }

  /**
   * cdk-nag (AwsSolutions) findings that this design causes on purpose, each acknowledged where it arises with the
   * reason. Without cdk-nag in the app these are inert metadata.
   */
  private acknowledgeNagFindings(runtime: lambda.Runtime, sweepScheduleRole: iam.Role): void {
    const stack = Stack.of(this);
    for (const fn of [this.sweeper, this.consumer]) {
      this.acknowledgeGrant(fn);
      acknowledgeFunctionFindings(fn, runtime);
    }
    const sweeperId = stack.getLogicalId(this.sweeper.node.defaultChild as CfnElement);
    Validations.of(sweepScheduleRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${sweeperId}.Arn>:*]`,
      reason: 'Function.grantInvoke also allows the function\'s versions and aliases (`<arn>:*`); the role can still invoke this one function only.',
    });
  }

  /**
   * With a customer key, our grants include KMS's wildcard actions: acknowledge them on the grantee, since the grant
   * is ours and so is the reason.
   */
  private acknowledgeGrant(grantee: iam.IGrantable): void {
    if (!Construct.isConstruct(grantee)) return;
    const scope: IConstruct = grantee;
    if (this.encryptionKey) {
      for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
        Validations.of(scope).acknowledge({
          id: `AwsSolutions-IAM5[Action::${action}]`,
          reason: `Encrypting with the customer key needs ${action} (SQS and DynamoDB request data keys); it applies to that one key only.`,
        });
      }
    }
  }
}

/** cdk-nag findings every sundial function shares (its basic execution role, its runtime), acknowledged with reasons. */
function acknowledgeFunctionFindings(fn: IConstruct, runtime: lambda.Runtime): void {
  Validations.of(fn).acknowledge(
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The AWS managed basic execution role only lets the function write its own CloudWatch Logs; a copy would add nothing but upkeep.',
    },
    {
      id: 'AwsSolutions-L1',
      reason: `The runtime is the \`runtime\` prop (here ${runtime.name}); sundial is tested on ${DEFAULT_RUNTIME_NAME} and refuses runtimes AWS blocks for creation (lambda-runtimes.ts).`,
    },
  );
}

/** Settings shared by sundial's functions: runtime, architecture and the bundles' handler. */
function functionDefaults(runtime: lambda.Runtime): { runtime: lambda.Runtime; architecture: lambda.Architecture; handler: string } {
  return { runtime, architecture: lambda.Architecture.ARM_64, handler: BUNDLE_HANDLER };
}

function toList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

function mapValues<T, U>(record: Record<string, T>, fn: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value)]));
}
