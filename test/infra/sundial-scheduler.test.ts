import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { TABLE_SCHEMA } from '../../lib/store/schema.ts';
import { ValidationError } from '../../lib/core/errors.ts';
import { consumerEntrySource } from '../../infra/handler-bundles.ts';
import { PREBUILT_RUNTIME_NAME } from '../../infra/lambda-runtimes.ts';
import { SundialScheduler } from '../../infra/sundial-scheduler.ts';
import { SundialStack } from '../../infra/sundial-stack.ts';
import { buildStack, FIXTURE_TASKS, logicalId, newApp } from './helpers.ts';

const ENV_NAMES = [
  'SUNDIAL_TABLE_NAME',
  'SUNDIAL_QUEUES',
  'SUNDIAL_SHARDS',
  'SUNDIAL_LOOKAHEAD_SECONDS',
  'SUNDIAL_DIRECT_HORIZON_SECONDS',
  'SUNDIAL_RETENTION_DAYS',
  'SUNDIAL_SWEEP_SCHEDULE',
  'SUNDIAL_PRECISION',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
];

/** All actions a role's policies allow, flattened. */
function actionsOf(template: ReturnType<typeof buildStack>['template'], roleId: string): string[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
    JSON.stringify(p.Properties.Roles).includes(roleId),
  );
  return policies.flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()));
}

describe('SundialScheduler table', () => {
  it('uses the shared schema: string keys, the sparse due index with INCLUDE queue, TTL, PITR, on-demand, SSE', () => {
    const { template } = buildStack();
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'duePk', AttributeType: 'S' },
          { AttributeName: 'dueSk', AttributeType: 'N' },
        ]),
        GlobalSecondaryIndexes: [
          {
            IndexName: 'due',
            KeySchema: [
              { AttributeName: 'duePk', KeyType: 'HASH' },
              { AttributeName: 'dueSk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['queue'] },
          },
        ],
        TimeToLiveSpecification: { AttributeName: 'expiresAtEpochSec', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      },
    });
  });

  it('encrypts the table and every queue with a customer key when given one', () => {
    const { template } = buildStack();
    const withKey = buildStackWithKey();
    withKey.template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
    });
    const queues = withKey.template.findResources('AWS::SQS::Queue');
    expect(Object.values(queues)).toHaveLength(2);
    for (const queue of Object.values(queues)) expect(queue.Properties.KmsMasterKeyId).toBeDefined();
    // Without a key: SQS-managed SSE.
    for (const queue of Object.values(template.findResources('AWS::SQS::Queue'))) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    }
  });

  it('bills on provisioned capacity when asked, auto scaling the table and its index on utilization', () => {
    const { template } = buildStack({ tableBilling: { mode: 'provisioned', maxWriteCapacity: 200, maxReadCapacity: 100, minWriteCapacity: 2 } });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: Match.absent(),
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 2 },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'due', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 2 } })],
    });
    const targets = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget')).map((r) => r.Properties);
    const dimensions = targets.map((t) => [t.ScalableDimension, t.MinCapacity, t.MaxCapacity, String(JSON.stringify(t.ResourceId)).includes('/index/due')]);
    expect(dimensions.sort()).toEqual(
      [
        ['dynamodb:index:ReadCapacityUnits', 1, 100, true],
        ['dynamodb:index:WriteCapacityUnits', 2, 200, true],
        ['dynamodb:table:ReadCapacityUnits', 1, 100, false],
        ['dynamodb:table:WriteCapacityUnits', 2, 200, false],
      ].sort(),
    );
    const policies = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy')).map((r) => r.Properties.TargetTrackingScalingPolicyConfiguration);
    expect(policies).toHaveLength(4);
    for (const policy of policies) expect(policy.TargetValue).toBe(70);
  });

  it('applies the removal policy to the table and the queues', () => {
    const { template } = buildStack({ removalPolicy: RemovalPolicy.DESTROY });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    for (const queue of Object.values(template.findResources('AWS::SQS::Queue'))) expect(queue.DeletionPolicy).toBe('Delete');
  });
});

function buildStackWithKey(app = newApp()) {
  // A key made in another stack: the construct only references it.
  const keyStack = new Stack(app, 'Keys');
  const key = new kms.Key(keyStack, 'Key', { enableKeyRotation: true });
  return buildStack({ encryptionKey: key }, app);
}

describe('SundialScheduler queues', () => {
  it('creates a queue and a DLQ per named queue, with redrive, TLS-only policy and visibility 6 × consumer timeout', () => {
    const { stack, template } = buildStack({
      queues: { default: {}, emails: { maxConcurrency: 5, batchSize: 2 } },
      consumerTimeout: Duration.seconds(30),
      maxReceiveCount: 3,
    });
    template.resourceCountIs('AWS::SQS::Queue', 4);
    const s = stack.scheduler;
    for (const name of ['default', 'emails']) {
      template.hasResourceProperties('AWS::SQS::Queue', {
        VisibilityTimeout: 180,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(s.deadLetterQueues[name]!), 'Arn'] }, maxReceiveCount: 3 },
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalId(s.queues[name]!) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', { Queues: [{ Ref: logicalId(s.deadLetterQueues[name]!) }] });
    }
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1_209_600 });
  });

  it('keeps an explicit visibility timeout', () => {
    const { template } = buildStack({ visibilityTimeout: Duration.minutes(2) });
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 120 });
  });
});

describe('SundialScheduler functions', () => {
  it('runs both handlers on Node 24 ARM64 with the sundial environment', () => {
    const { stack, template } = buildStack({ shards: 16, lookahead: Duration.seconds(120), retention: Duration.days(3) });
    const fns = template.findResources('AWS::Lambda::Function');
    const sweeper = fns[logicalId(stack.scheduler.sweeper)]!;
    const consumer = fns[logicalId(stack.scheduler.consumer)]!;
    for (const fn of [sweeper, consumer]) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' });
      const vars = fn.Properties.Environment.Variables;
      for (const name of ENV_NAMES) expect(vars, name).toHaveProperty(name);
      expect(vars).toMatchObject({
        SUNDIAL_TABLE_NAME: { Ref: logicalId(stack.scheduler.table) },
        SUNDIAL_SHARDS: '16',
        SUNDIAL_LOOKAHEAD_SECONDS: '120',
        SUNDIAL_DIRECT_HORIZON_SECONDS: '900',
        SUNDIAL_RETENTION_DAYS: '3',
        SUNDIAL_PRECISION: 'millisecond',
        POWERTOOLS_SERVICE_NAME: 'sundial',
        POWERTOOLS_METRICS_NAMESPACE: 'Sundial',
        NODE_OPTIONS: '--enable-source-maps',
      });
      expect(JSON.stringify(vars.SUNDIAL_QUEUES)).toContain(logicalId(stack.scheduler.queues.default!));
    }
    // Sized for the scheduler's own work (docs/performance.md, "Lambda time"): billed time scales with memory.
    expect(consumer.Properties.MemorySize).toBe(256);
    expect(consumer.Properties.Environment.Variables).toHaveProperty('SUNDIAL_DLQS');
    expect(JSON.stringify(consumer.Properties.Environment.Variables.SUNDIAL_DLQS)).toContain(
      logicalId(stack.scheduler.deadLetterQueues.default!),
    );
    expect(sweeper.Properties.Environment.Variables).not.toHaveProperty('SUNDIAL_DLQS');
    expect(sweeper.Properties.Timeout).toBe(60);
    expect(consumer.Properties.Timeout).toBe(60);
  });

  it('accepts the older runtime its pre-bundled sweeper targets (Node 22 while AWS lets you create functions on it)', () => {
    const { template } = buildStack({ runtime: new lambda.Runtime(PREBUILT_RUNTIME_NAME, lambda.RuntimeFamily.NODEJS) });
    template.allResourcesProperties('AWS::Lambda::Function', { Runtime: PREBUILT_RUNTIME_NAME });
  });

  it('refuses a runtime AWS blocks for function creation, naming the one to use', () => {
    expect(() => buildStack({ runtime: lambda.Runtime.NODEJS_20_X })).toThrow(ValidationError);
    expect(() => buildStack({ runtime: lambda.Runtime.NODEJS_20_X })).toThrow(
      /nodejs20\.x cannot be used: AWS blocks creating functions on it since 2026-08-31.*Use Runtime\.NODEJS_24_X/,
    );
  });

  it('feeds the consumer from every queue with partial batch failures, per-queue batch size and concurrency', () => {
    const { stack, template } = buildStack({ queues: { default: {}, emails: { maxConcurrency: 5, batchSize: 2 } } });
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    const consumer = logicalId(stack.scheduler.consumer);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: consumer },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.scheduler.queues.default!), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 50 },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: consumer },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.scheduler.queues.emails!), 'Arn'] },
      BatchSize: 2,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('runs the sweeper every minute from EventBridge Scheduler, without retries', () => {
    const { stack, template } = buildStack();
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: stack.scheduler.environment.SUNDIAL_SWEEP_SCHEDULE,
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [logicalId(stack.scheduler.sweeper), 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [logicalId(stack.scheduler.sweepScheduleRole), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
      },
    });
    expect(stack.scheduler.environment.SUNDIAL_SWEEP_SCHEDULE).toMatch(/^[\w.-]{1,64}$/);
    // Unique per stack, and within EventBridge Scheduler's 64 characters even for a long stack name.
    const app = newApp();
    const long = new SundialStack(app, 'A'.repeat(120), { scheduler: { tasksEntry: FIXTURE_TASKS } });
    const other = new SundialStack(app, 'A'.repeat(119) + 'B', { scheduler: { tasksEntry: FIXTURE_TASKS } });
    const names = [long, other].map((s) => s.scheduler.environment.SUNDIAL_SWEEP_SCHEDULE!);
    for (const name of names) expect(name).toMatch(/^[\w.-]{1,64}$/);
    expect(names[0]).not.toBe(names[1]);
    const { template: slower } = buildStack({ sweepInterval: Duration.minutes(2), lookahead: Duration.minutes(3) });
    slower.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(2 minutes)' });
  });
});

describe('SundialScheduler alarms, metrics and outputs', () => {
  it('alarms on any dead letter per queue and on any sweeper error, with the given actions', () => {
    const app = newApp();
    const topic = new sns.Topic(new Stack(app, 'Ops'), 'Topic');
    const { stack, template } = buildStack(
      { queues: { default: {}, emails: {} }, alarmActions: [new cloudwatchActions.SnsAction(topic)] },
      app,
    );
    // 2 DLQ alarms + sweeper errors + the operational alarms (test/reliability/operations.test.ts): 2 oldest-message,
    // 2 throttles, sweeper not running, lateness, lease busy.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 10);
    for (const name of ['default', 'emails']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack.scheduler.deadLetterQueues[name]!), 'QueueName'] } }],
        Statistic: 'Maximum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [Match.anyValue()],
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack.scheduler.sweeper) } }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [Match.anyValue()],
    });
  });

  it('exposes the lateness metric the consumer emits, and rejects an unknown queue for metricDlqDepth', () => {
    const { stack } = buildStack();
    const lateness = stack.scheduler.metricLateness();
    expect(lateness).toMatchObject({ namespace: 'Sundial', metricName: 'LatenessMs', statistic: 'p99', dimensions: { service: 'sundial' } });
    expect(lateness.period.toSeconds()).toBe(60);
    expect(stack.scheduler.metricLateness({ statistic: 'p50' }).statistic).toBe('p50');
    expect(() => stack.scheduler.metricDlqDepth('nope')).toThrow(/received queue "nope"; expected one of "default"/);
  });

  it('outputs every setting the library reads: table, queue and DLQ URLs, sweep schedule, shards and horizons', () => {
    const { stack, template } = buildStack();
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual([
      'DeadLetterQueueUrls', 'DirectHorizonSeconds', 'LookaheadSeconds', 'QueueUrls', 'RetentionDays', 'Shards', 'SweepScheduleName', 'TableName',
    ]);
    expect(outputs.Shards!.Value).toBe(stack.scheduler.environment.SUNDIAL_SHARDS);
    expect(outputs.TableName!.Value).toEqual({ Ref: logicalId(stack.scheduler.table) });
    expect(JSON.stringify(outputs.QueueUrls!.Value)).toContain(logicalId(stack.scheduler.queues.default!));
    expect(outputs.SweepScheduleName!.Value).toBe(stack.scheduler.environment.SUNDIAL_SWEEP_SCHEDULE);
  });
});

describe('SundialScheduler permissions', () => {
  it('gives each function item access and index queries only, and the queue rights its path needs', () => {
    const { stack, template } = buildStack();
    const sweeperRole = logicalId(stack.scheduler.sweeper.role! as never);
    const consumerRole = logicalId(stack.scheduler.consumer.role! as never);
    const sweeper = actionsOf(template, sweeperRole);
    const consumer = actionsOf(template, consumerRole);
    // Exactly the item actions their calls use (infra/table-access.ts): no delete, no batch write, no scan.
    // The consumer puts the job of an occurrence or an event when it first claims it; the sweeper writes no job, and
    // puts only schedules' ticks (and queries their partitions, besides the index).
    expect([...new Set(sweeper.filter((a) => a.startsWith('dynamodb:')))].sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(consumer.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    for (const actions of [sweeper, consumer]) {
      expect(actions).toContain('sqs:SendMessage');
      expect(actions.filter((a) => a.endsWith('*'))).toEqual([]);
    }
    expect(sweeper).not.toContain('sqs:ReceiveMessage');
    expect(consumer).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
    // The consumer sends to its DLQ (failed jobs), the sweeper never does.
    const dlq = logicalId(stack.scheduler.deadLetterQueues.default!);
    const sends = (roleId: string) =>
      Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter((s: { Action: string[] | string }) => [s.Action].flat().includes('sqs:SendMessage'))
        .map((s: { Resource: unknown }) => JSON.stringify(s.Resource));
    expect(sends(consumerRole).join()).toContain(dlq);
    expect(sends(sweeperRole).join()).not.toContain(dlq);
    // Only the sweeper queries the index, and only the `due` index (no `index/*`).
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: sweeperRole }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'dynamodb:Query',
            Resource: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('/index/due$')])]) }),
          }),
        ]),
      },
    });
  });

  it('grantEnqueue, grantRead and grantSweeperControl give a user function what each API needs and no more', () => {
    const stack = new SundialStack(newApp(), 'Test', { scheduler: { tasksEntry: FIXTURE_TASKS } });
    const fn = (id: string) =>
      new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('0') });
    const enqueuer = fn('Enqueuer');
    const reader = fn('Reader');
    const operator = fn('Operator');
    const legacyOperator = fn('LegacyOperator');
    const grants = [
      stack.scheduler.grantEnqueue(enqueuer),
      stack.scheduler.grantRead(reader),
      stack.scheduler.grantSweeperControl(operator),
      // The deprecated former name grants the same.
      stack.scheduler.grantDispatchControl(legacyOperator),
    ];
    // Like CDK's own grants (`queue.grantSendMessages`): an iam.Grant the caller can depend on or assert.
    for (const grant of grants) expect(grant.success).toBe(true);
    const template = Template.fromStack(stack);
    const enqueue = actionsOf(template, logicalId(enqueuer.role! as never));
    // test/reliability/iam-grants.test.ts proves these equal what the API calls against the local stack.
    expect(new Set(enqueue)).toEqual(new Set(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'sqs:SendMessage']));
    const read = actionsOf(template, logicalId(reader.role! as never));
    expect(new Set(read)).toEqual(new Set(['dynamodb:GetItem', 'dynamodb:Query']));
    const control = actionsOf(template, logicalId(operator.role! as never));
    expect(new Set(control)).toEqual(new Set(['scheduler:GetSchedule', 'scheduler:UpdateSchedule', 'iam:PassRole']));
    expect(new Set(actionsOf(template, logicalId(legacyOperator.role! as never)))).toEqual(new Set(control));
  });
});

describe('SundialScheduler prop validation', () => {
  it('reports every problem at once, quoting the input, the allowed form and the fix', () => {
    let error: unknown;
    try {
      buildStack({
        tasksEntry: ['/nowhere/tasks.ts'],
        queues: { emails: { batchSize: 11, maxConcurrency: 1 }, 'bad name!': {} },
        consumerTimeout: Duration.minutes(16),
        visibilityTimeout: Duration.seconds(10),
        shards: 0,
        lookahead: Duration.seconds(601),
        retention: Duration.hours(36),
        sweepInterval: Duration.seconds(90),
        maxReceiveCount: 0,
        consumerMemorySize: 64,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const problems = (error as ValidationError).problems;
    const expected = [
      /tasksEntry.*"\/nowhere\/tasks.ts" does not exist/,
      /`queues`: received \["emails", "bad name!"\]; expected a "default" queue.*Add `default: \{\}`/,
      /name "bad name!" is not allowed/,
      /queues.emails.batchSize.*received 11; expected an integer from 1 to 10/,
      /queues.emails.maxConcurrency.*received 1; expected an integer from 2 to 1000/,
      /consumerTimeout.*received 16 minutes; expected whole seconds from 1 to 900/,
      /consumerMemorySize.*received 64/,
      /shards.*received 0/,
      /maxReceiveCount.*received 0/,
      /visibilityTimeout.*received 10 s, shorter than `consumerTimeout` \(960 s\)/,
      /sweepInterval.*received 90 s; expected whole minutes/,
      /`lookahead`: received 10 minutes 1 second; expected whole seconds from 1 to 600/,
      /retention.*received 129600 s; expected whole days/,
    ];
    for (const pattern of expected) expect(problems.some((p) => pattern.test(p)), String(pattern)).toBe(true);
    expect(problems).toHaveLength(expected.length);
    expect((error as Error).message).toContain(`${expected.length} problems`);
  });

  it.each([
    ['a lookahead shorter than the sweep interval', { lookahead: Duration.seconds(30) }, /lookahead.*shorter than `sweepInterval` \(60 s\)/],
    ['an empty task list', { tasksEntry: [] }, /tasksEntry.*empty list/],
    ['a direct horizon not beyond the lookahead', { directHorizon: Duration.seconds(90) }, /directHorizon.*not more than `lookahead` \(90 s\)/],
    ['a direct horizon beyond SQS\'s 900 s', { directHorizon: Duration.seconds(901) }, /directHorizon.*from 2 to 900 s/],
    ['a sweeper timeout within the sweep\'s continuation reserve', { sweeperTimeout: Duration.seconds(10) }, /sweeperTimeout.*received 10 s; expected at least 15 s/],
    ['a consumer timeout too short to run any job', { consumerTimeout: Duration.seconds(7) }, /consumerTimeout.*received 7 s; expected at least 8 s.*returns every message to the queue unrun/],
    ['provisioned capacity without room', { tableBilling: { mode: 'provisioned' as const, maxWriteCapacity: 1, minWriteCapacity: 5, maxReadCapacity: 0 } }, /maxWriteCapacity.*received 1, less than `minWriteCapacity` \(5\); raise it to at least 5[\s\S]*maxReadCapacity.*received 0; expected a whole number ≥ 1/],
    ['a target utilization outside 20–90 %', { tableBilling: { mode: 'provisioned' as const, maxWriteCapacity: 10, maxReadCapacity: 10, targetUtilizationPercent: 95 } }, /targetUtilizationPercent.*received 95; expected 20–90/],
    ['an unknown billing mode', { tableBilling: { mode: 'reserved' } as never }, /tableBilling.mode.*received "reserved"; expected 'on-demand' or 'provisioned'/],
  ])('rejects %s', (_name, props, pattern) => {
    expect(() => buildStack(props)).toThrow(pattern);
  });

  it('accepts the defaults and the limits', () => {
    expect(() =>
      buildStack({
        consumerTimeout: Duration.minutes(15),
        lookahead: Duration.seconds(600),
        shards: 1000,
        maxReceiveCount: 1000,
        queues: { default: { batchSize: 1, maxConcurrency: 1000 } },
      }),
    ).not.toThrow();
  });
});

describe('consumer entry', () => {
  it('imports every task module by absolute path and passes them all to createConsumerHandler', () => {
    const source = consumerEntrySource([FIXTURE_TASKS, 'tasks/b.ts']);
    expect(source).toContain(`import * as tasks0 from ${JSON.stringify(FIXTURE_TASKS)};`);
    expect(source).toContain(`import * as tasks1 from ${JSON.stringify(resolve('tasks/b.ts'))};`);
    expect(source).toMatch(/import \{ createConsumerHandler \} from ".*functions\/lambda\.ts";/);
    expect(source).toContain('export const handler = createConsumerHandler({ tasks: [tasks0, tasks1] });');
  });
});

describe('SundialScheduler callers', () => {
  it('bindTo sets the environment Scheduler.fromEnv() reads and grants enqueue', () => {
    const stack = new SundialStack(newApp(), 'Test', { scheduler: { tasksEntry: FIXTURE_TASKS } });
    const orders = new lambda.Function(stack, 'Orders', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('0') });
    const grant = stack.scheduler.bindTo(orders);
    expect(grant.success).toBe(true);
    const template = Template.fromStack(stack);
    const vars = template.findResources('AWS::Lambda::Function')[logicalId(orders)]!.Properties.Environment.Variables;
    for (const name of ['SUNDIAL_TABLE_NAME', 'SUNDIAL_QUEUES', 'SUNDIAL_SHARDS', 'SUNDIAL_LOOKAHEAD_SECONDS', 'SUNDIAL_DIRECT_HORIZON_SECONDS', 'SUNDIAL_RETENTION_DAYS']) {
      expect(vars, name).toHaveProperty(name);
    }
    expect(actionsOf(template, logicalId(orders.role! as never))).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'sqs:SendMessage']));
  });

  it('the class example in its TSDoc runs as written (only the tasks path points at a fixture)', () => {
    const source = readFileSync(new URL('../../infra/sundial-scheduler.ts', import.meta.url), 'utf8');
    const doc = source.slice(0, source.indexOf('export class SundialScheduler'));
    const example = /@example\n \* ```ts\n([\s\S]*?) \* ```/.exec(doc.slice(doc.lastIndexOf('/**')))![1]!
      .split('\n')
      .map((line) => line.replace(/^ \* ?/, ''))
      .join('\n')
      .replace("'src/tasks.ts'", JSON.stringify(FIXTURE_TASKS));
    const stack = new Stack(newApp(), 'Example');
    const apiFunction = new lambda.Function(stack, 'Api', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('0') });
    const opsTopic = new sns.Topic(stack, 'Ops');
    new Function('SundialScheduler', 'SnsAction', 'opsTopic', 'apiFunction', example).call(
      stack, SundialScheduler, cloudwatchActions.SnsAction, opsTopic, apiFunction,
    );
    const vars = Template.fromStack(stack).findResources('AWS::Lambda::Function')[logicalId(apiFunction)]!.Properties.Environment.Variables;
    expect(vars).toHaveProperty('SUNDIAL_TABLE_NAME');
    expect(vars).toHaveProperty('SUNDIAL_QUEUES');
  });
});
