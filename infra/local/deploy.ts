/**
 * Deploys a synthesized CloudFormation template to the local emulators (or any endpoint): creates its tables and
 * queues, and describes its functions, event source mappings and schedules for the local Lambda runtime. The
 * template is the only source: nothing here repeats the construct's definitions.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateTableCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ValidationError } from '../../lib/core/errors.ts';
import { assertSupportedPattern } from './event-pattern.ts';
import { resolveIntrinsics, type ResolutionScope } from './intrinsics.ts';
import type { TargetInputSettings } from './target-input.ts';

/** The parts of a CloudFormation template the deployer reads. */
export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Parameters?: Record<string, { Default?: unknown }>;
  readonly Outputs?: Record<string, { Value: unknown; Description?: string }>;
  readonly Description?: string;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

export interface DeployedTable {
  readonly logicalId: string;
  readonly tableName: string;
  readonly arn: string;
}

export interface DeployedQueue {
  readonly logicalId: string;
  readonly queueName: string;
  readonly queueUrl: string;
  readonly arn: string;
  /** The attributes it was created with (strings, as SQS takes them). */
  readonly attributes: Readonly<Record<string, string>>;
}

/** A function of the template, ready for the local runtime. */
export interface FunctionDefinition {
  readonly logicalId: string;
  readonly functionName: string;
  readonly arn: string;
  /** Absolute path of the bundled module (`<asset>/index.js` or `.mjs`/`.cjs`). */
  readonly handlerFile: string;
  /** The export that is the handler (`handler` for `index.handler`). */
  readonly handlerExport: string;
  readonly timeoutSec: number;
  /** The template's `Runtime` (e.g. `nodejs24.x`): the local runtime runs the function on that Node major. */
  readonly runtime: string;
  readonly memoryMb: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly reservedConcurrency?: number;
}

export interface EventSourceMappingDefinition {
  readonly logicalId: string;
  readonly functionLogicalId: string;
  readonly queueLogicalId: string;
  readonly batchSize: number;
  readonly maxBatchingWindowSec: number;
  readonly maxConcurrency?: number;
  readonly reportBatchItemFailures: boolean;
  readonly enabled: boolean;
}

/** Where a rule or schedule delivers: one of the template's functions or queues, with its input settings. */
export type TargetDefinition = (
  | { readonly kind: 'function'; readonly functionLogicalId: string }
  | { readonly kind: 'queue'; readonly queueLogicalId: string }
) & { readonly input: TargetInputSettings };

export interface ScheduleDefinition {
  readonly logicalId: string;
  /** The schedule's name (what `Ref` resolves to) and group, as the Scheduler API addresses it. */
  readonly name: string;
  readonly groupName: string;
  readonly arn: string;
  readonly kind: 'scheduler' | 'rule';
  readonly expression: string;
  /** `ScheduleExpressionTimezone` of a Scheduler schedule (rules run in UTC). */
  readonly timezone: string;
  readonly enabled: boolean;
  readonly target: TargetDefinition;
}

/** An `AWS::Events::Rule` with an `EventPattern` on the default bus: `PutEvents` fires it. */
export interface EventRuleDefinition {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly pattern: Record<string, unknown>;
  readonly enabled: boolean;
  readonly targets: readonly TargetDefinition[];
}

export interface DeployedStack {
  readonly tables: readonly DeployedTable[];
  readonly queues: readonly DeployedQueue[];
  readonly functions: readonly FunctionDefinition[];
  readonly eventSourceMappings: readonly EventSourceMappingDefinition[];
  readonly schedules: readonly ScheduleDefinition[];
  readonly eventRules: readonly EventRuleDefinition[];
  /** The template's outputs, resolved against what was created (what `DescribeStacks` returns). */
  readonly outputs: readonly { readonly key: string; readonly value: string; readonly description?: string }[];
}

export interface DeployOptions {
  readonly assemblyDir: string;
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
  /** Prepended to every physical name, so two stacks on one endpoint never collide. */
  readonly namePrefix: string;
}

/**
 * Creates the template's tables and queues and resolves the rest against them.
 *
 * @example
 * ```ts
 * const deployed = await deployTemplate(template, { assemblyDir, dynamodb, sqs, region: 'us-east-1',
 *   accountId: '000000000000', stackName: 'Sundial', namePrefix: 'sundial-a1b2' });
 * deployed.functions.map((f) => f.functionName);
 * ```
 */
export async function deployTemplate(template: CfnTemplate, options: DeployOptions): Promise<DeployedStack> {
  const refs = new Map<string, string>();
  const attributes = new Map<string, Record<string, string>>();
  const parameters: Record<string, string> = {};
  for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
    if (parameter.Default !== undefined) parameters[name] = String(parameter.Default);
  }
  const scope: ResolutionScope = { ...options, refs, attributes, parameters };
  const { region, accountId } = options;
  const resources = Object.entries(template.Resources);
  const ofType = (...types: string[]) => resources.filter(([, r]) => types.includes(r.Type));

  // Resources the local stack does not create still get a Ref and an Arn, so references to them (a role ARN in an
  // environment variable, say) resolve to something of the right shape.
  for (const [id, resource] of resources) {
    refs.set(id, `${options.namePrefix}-${id}`);
    const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
    attributes.set(id, { Arn: `arn:aws:${service}:${region}:${accountId}:${options.namePrefix}-${id}` });
  }

  const tables: DeployedTable[] = [];
  for (const [id, resource] of ofType('AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable')) {
    const props = resolveIntrinsics(resource.Properties ?? {}, scope, id) as Record<string, any>;
    const tableName = physicalName(options.namePrefix, props.TableName, id, 255);
    await createTable(options.dynamodb, tableName, props);
    const arn = `arn:aws:dynamodb:${region}:${accountId}:table/${tableName}`;
    refs.set(id, tableName);
    attributes.set(id, { Arn: arn, StreamArn: `${arn}/stream/local` });
    tables.push({ logicalId: id, tableName, arn });
  }

  const queues = await createQueues(ofType('AWS::SQS::Queue'), scope, options, refs, attributes);

  const functions: FunctionDefinition[] = [];
  for (const [id, resource] of ofType('AWS::Lambda::Function')) {
    const functionName = physicalName(options.namePrefix, resource.Properties?.FunctionName, id, 64);
    const arn = `arn:aws:lambda:${region}:${accountId}:function:${functionName}`;
    refs.set(id, functionName);
    attributes.set(id, { Arn: arn });
  }
  for (const [id, resource] of ofType('AWS::Lambda::Function')) {
    const props = resolveIntrinsics(resource.Properties ?? {}, scope, id) as Record<string, any>;
    const handler = String(props.Handler ?? 'index.handler');
    const dot = handler.lastIndexOf('.');
    const environment = (props.Environment?.Variables ?? {}) as Record<string, unknown>;
    functions.push({
      logicalId: id,
      functionName: refs.get(id)!,
      arn: attributes.get(id)!.Arn!,
      handlerFile: handlerFile(options.assemblyDir, id, resource, handler.slice(0, dot)),
      handlerExport: handler.slice(dot + 1),
      timeoutSec: Number(props.Timeout ?? 3),
      runtime: String(props.Runtime ?? ''),
      memoryMb: Number(props.MemorySize ?? 128),
      environment: Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, String(v)])),
      ...(props.ReservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrency: Number(props.ReservedConcurrentExecutions) }),
    });
  }

  const byFunctionReference = lookupBy(functions, (f) => [f.functionName, f.arn], (f) => f.logicalId);
  const byQueueArn = lookupBy(queues, (q) => [q.arn], (q) => q.logicalId);

  const eventSourceMappings: EventSourceMappingDefinition[] = [];
  for (const [id, resource] of ofType('AWS::Lambda::EventSourceMapping')) {
    const props = resolveIntrinsics(resource.Properties ?? {}, scope, id) as Record<string, any>;
    const queueLogicalId = byQueueArn(String(props.EventSourceArn), `${id}.EventSourceArn`);
    eventSourceMappings.push({
      logicalId: id,
      functionLogicalId: byFunctionReference(String(props.FunctionName), `${id}.FunctionName`),
      queueLogicalId,
      batchSize: Number(props.BatchSize ?? 10),
      maxBatchingWindowSec: Number(props.MaximumBatchingWindowInSeconds ?? 0),
      ...(props.ScalingConfig?.MaximumConcurrency === undefined
        ? {}
        : { maxConcurrency: Number(props.ScalingConfig.MaximumConcurrency) }),
      reportBatchItemFailures: ((props.FunctionResponseTypes ?? []) as string[]).includes('ReportBatchItemFailures'),
      enabled: props.Enabled !== false && props.Enabled !== 'false',
    });
  }

  const byQueueReference = lookupBy(queues, (q) => [q.arn, q.queueUrl], (q) => q.logicalId);
  const targetOf = (target: TargetInputSettings & { Arn: string }): TargetDefinition | undefined => {
    const input = { ...pick(target, 'Input', 'InputPath', 'InputTransformer') };
    const functionLogicalId = lookupOptional(byFunctionReference, target.Arn);
    if (functionLogicalId !== undefined) return { kind: 'function', functionLogicalId, input };
    const queueLogicalId = lookupOptional(byQueueReference, target.Arn);
    return queueLogicalId === undefined ? undefined : { kind: 'queue', queueLogicalId, input }; // else: not ours
  };
  const schedules: ScheduleDefinition[] = [];
  const eventRules: EventRuleDefinition[] = [];
  for (const [id, resource] of ofType('AWS::Scheduler::Schedule', 'AWS::Events::Rule')) {
    const props = resolveIntrinsics(resource.Properties ?? {}, scope, id) as Record<string, any>;
    const kind = resource.Type === 'AWS::Scheduler::Schedule' ? 'scheduler' : 'rule';
    const targets = ((kind === 'scheduler' ? [props.Target] : (props.Targets ?? [])) as (TargetInputSettings & { Arn: string })[])
      .map(targetOf)
      .filter((t): t is TargetDefinition => t !== undefined);
    const localName = refs.get(id)!;
    // The name the template gives it (functions find it by that name in their environment), else its local one.
    const name = typeof props.Name === 'string' ? props.Name : localName;
    const enabled = (props.State ?? 'ENABLED') === 'ENABLED';
    if (props.ScheduleExpression === undefined) {
      // Event-pattern rules on the default bus fire on PutEvents (events-api.ts); other buses are not emulated.
      if (kind === 'rule' && props.EventPattern !== undefined && [undefined, 'default'].includes(props.EventBusName)) {
        const pattern = typeof props.EventPattern === 'string' ? JSON.parse(props.EventPattern) : props.EventPattern;
        assertSupportedPattern(pattern, id);
        eventRules.push({ logicalId: id, name, arn: `arn:aws:events:${region}:${accountId}:rule/${name}`, pattern, enabled, targets });
      }
      continue;
    }
    for (const target of targets) {
      schedules.push({
        logicalId: id,
        name,
        groupName: String(props.GroupName ?? 'default'),
        arn:
          kind === 'scheduler'
            ? `arn:aws:scheduler:${region}:${accountId}:schedule/${String(props.GroupName ?? 'default')}/${localName}`
            : `arn:aws:events:${region}:${accountId}:rule/${localName}`,
        kind,
        expression: String(props.ScheduleExpression),
        timezone: String(props.ScheduleExpressionTimezone ?? 'UTC'),
        enabled,
        target,
      });
    }
  }
  // An output that names what no local resource answers (an import from another stack, say) is left out of
  // DescribeStacks rather than failing the deployment: the stack works without it.
  const outputs = Object.entries(template.Outputs ?? {}).flatMap(([key, output]) => {
    try {
      const value = String(resolveIntrinsics(output.Value, scope, `Outputs.${key}`));
      return [{ key, value, ...(output.Description === undefined ? {} : { description: output.Description }) }];
    } catch (error) {
      if (error instanceof ValidationError) return [];
      throw error;
    }
  });
  return { tables, queues, functions, eventSourceMappings, schedules, eventRules, outputs };
}

function physicalName(prefix: string, given: unknown, logicalId: string, maxLength: number): string {
  const base = `${prefix}-${typeof given === 'string' && given !== '' ? given : logicalId}`;
  return base.length <= maxLength ? base : base.slice(0, maxLength);
}

async function createTable(client: DynamoDBClient, tableName: string, props: Record<string, any>): Promise<void> {
  const billingMode = props.BillingMode ?? 'PROVISIONED';
  // DynamoDB Local requires throughput for provisioned tables; CloudFormation's own default is provisioned.
  const throughput = (given: any) =>
    billingMode === 'PAY_PER_REQUEST'
      ? {}
      : { ProvisionedThroughput: given ?? { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } };
  const input: CreateTableCommandInput = {
    TableName: tableName,
    AttributeDefinitions: props.AttributeDefinitions,
    KeySchema: props.KeySchema,
    BillingMode: billingMode,
    ...throughput(props.ProvisionedThroughput),
    ...(props.GlobalSecondaryIndexes
      ? {
          GlobalSecondaryIndexes: (props.GlobalSecondaryIndexes as any[]).map((gsi) => ({
            IndexName: gsi.IndexName,
            KeySchema: gsi.KeySchema,
            Projection: gsi.Projection,
            ...throughput(gsi.ProvisionedThroughput),
          })),
        }
      : {}),
    ...(props.LocalSecondaryIndexes ? { LocalSecondaryIndexes: props.LocalSecondaryIndexes } : {}),
    ...(props.StreamSpecification?.StreamViewType
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: props.StreamSpecification.StreamViewType } }
      : {}),
  };
  await client.send(new CreateTableCommand(input));
  const ttl = props.TimeToLiveSpecification;
  if (ttl?.Enabled === true || ttl?.Enabled === 'true') {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
      }),
    );
  }
}

const QUEUE_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
] as const;

/** Creates queues in dependency order: a dead-letter queue before the queues whose redrive policy names it. */
async function createQueues(
  entries: [string, CfnResource][],
  scope: ResolutionScope,
  options: DeployOptions,
  refs: Map<string, string>,
  attributes: Map<string, Record<string, string>>,
): Promise<DeployedQueue[]> {
  const created: DeployedQueue[] = [];
  let pending = entries;
  while (pending.length > 0) {
    const waiting: [string, CfnResource][] = [];
    for (const entry of pending) {
      const [id, resource] = entry;
      const redriveTarget = deadLetterLogicalId(resource);
      if (redriveTarget !== undefined && !created.some((q) => q.logicalId === redriveTarget)) {
        waiting.push(entry);
        continue;
      }
      const props = resolveIntrinsics(resource.Properties ?? {}, scope, id) as Record<string, any>;
      const fifo = props.FifoQueue === true || props.FifoQueue === 'true';
      let queueName = physicalName(options.namePrefix, props.QueueName, id, fifo ? 75 : 80);
      if (fifo && !queueName.endsWith('.fifo')) queueName += '.fifo';
      const queueAttributes: Record<string, string> = {};
      for (const name of QUEUE_ATTRIBUTES) {
        if (props[name] !== undefined) queueAttributes[name] = String(props[name]);
      }
      if (props.RedrivePolicy) {
        queueAttributes.RedrivePolicy = JSON.stringify({
          deadLetterTargetArn: props.RedrivePolicy.deadLetterTargetArn,
          maxReceiveCount: Number(props.RedrivePolicy.maxReceiveCount),
        });
      }
      const { QueueUrl } = await options.sqs.send(
        new CreateQueueCommand({ QueueName: queueName, Attributes: queueAttributes }),
      );
      const described = await options.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
      );
      const arn = described.Attributes?.QueueArn ?? `arn:aws:sqs:${options.region}:${options.accountId}:${queueName}`;
      refs.set(id, QueueUrl!);
      attributes.set(id, { Arn: arn, QueueUrl: QueueUrl!, QueueName: queueName });
      created.push({ logicalId: id, queueName, queueUrl: QueueUrl!, arn, attributes: queueAttributes });
    }
    if (waiting.length === pending.length) {
      throw new ValidationError(
        `Queues ${waiting.map(([id]) => id).join(', ')} name dead-letter queues that are not in the template; ` +
          'the local deployer can only redrive to queues of the same template.',
      );
    }
    pending = waiting;
  }
  return created;
}

function deadLetterLogicalId(resource: CfnResource): string | undefined {
  const target = (resource.Properties?.RedrivePolicy as any)?.deadLetterTargetArn;
  const getAtt = target?.['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return String(getAtt[0]);
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

/**
 * The bundled module of a function: `Metadata['aws:asset:path']` when the CDK wrote it (the CLI's default), else the
 * asset folder named by the code's S3 key (`<hash>.zip` → `asset.<hash>`), as in-process synthesis leaves it.
 */
function handlerFile(assemblyDir: string, logicalId: string, resource: CfnResource, moduleName: string): string {
  const assetPath = resource.Metadata?.['aws:asset:path'];
  const s3Key = (resource.Properties?.Code as any)?.S3Key;
  const folder =
    typeof assetPath === 'string'
      ? join(assemblyDir, assetPath)
      : typeof s3Key === 'string'
        ? join(assemblyDir, `asset.${s3Key.replace(/\.zip$/, '')}`)
        : undefined;
  const candidates = folder === undefined ? [] : ['.js', '.mjs', '.cjs'].map((ext) => join(folder, moduleName + ext));
  const found = candidates.find((file) => existsSync(file));
  if (found === undefined) {
    throw new ValidationError(
      `Function ${logicalId}: no bundled module found (looked for ${candidates.join(', ') || 'an asset path'}). ` +
        'Synthesize with bundling on (do not set the context "aws:cdk:bundling-stacks" to []), and use code from an ' +
        'asset (inline ZipFile code is not supported locally).',
    );
  }
  return found;
}

function lookupBy<T>(
  items: readonly T[],
  keys: (item: T) => string[],
  value: (item: T) => string,
): (key: string, where: string) => string {
  const map = new Map<string, string>();
  for (const item of items) for (const key of keys(item)) map.set(key, value(item));
  return (key, where) => {
    const found = map.get(key) ?? map.get(key.split(':').pop() ?? '');
    if (found === undefined) {
      throw new ValidationError(`${where}: "${key}" is none of the template's ${[...map.keys()].join(', ')}.`);
    }
    return found;
  };
}

function pick<T extends object, K extends keyof T>(value: T, ...keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => value[k] !== undefined).map((k) => [k, value[k]])) as Partial<Pick<T, K>>;
}

function lookupOptional(lookup: (key: string, where: string) => string, key: string): string | undefined {
  try {
    return lookup(key, '');
  } catch {
    return undefined;
  }
}
