/**
 * `startLocalStack()`: sundial's whole deployment on this machine. It synthesizes the CDK stack (the same template
 * and bundles `cdk synth` produces), starts DynamoDB Local and the SQS emulator (or uses `AWS_ENDPOINT_URL`, e.g.
 * LocalStack), creates the template's tables and queues, and runs its bundled functions with AWS's event semantics.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ConfigurationError } from '../../lib/core/errors.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { readAssemblyStack } from './cloud-assembly.ts';
import { deployTemplate, type CfnTemplate, type DeployedQueue, type DeployedStack, type DeployedTable } from './deploy.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { startEndpointRouter, type EndpointRouter } from './endpoint-router.ts';
import { LocalFunction, type InvokeResult, type LogSink } from './lambda-runtime.ts';
import { SqsEventSource, defaultMaxConcurrency } from './sqs-event-source.ts';
import { LocalEventsApi } from './events-api.ts';
import { findFunction, LocalLambdaApi } from './lambda-api.ts';
import type { LocalApi } from './local-api.ts';
import { ScheduledTrigger } from './scheduled-trigger.ts';
import { LocalSchedulerApi } from './scheduler-api.ts';
import { LocalCloudFormationApi } from './cloudformation-api.ts';
import { TargetDelivery } from './target-delivery.ts';
import { SQS_LOCAL_ACCOUNT_ID, startSqsLocal, type SqsLocal } from './sqs-local.ts';
import { withTestHorizons, type TestHorizons } from './test-horizons.ts';

/** Options of {@link startLocalStack}. */
export interface LocalStackOptions {
  /** Task modules bundled into the consumer. @default - sundial's `examples/tasks.ts` (in a clone of sundial) */
  readonly workers?: readonly string[];
  /** Fire scheduled functions every N seconds instead of on their schedule's boundaries (tests). @default - schedule */
  readonly sweepEverySeconds?: number;
  /**
   * Horizons in seconds for tests, with `sweepEverySeconds`: e.g. `{ lookaheadSec: 5, directHorizonSec: 12 }` makes a
   * job 12 s ahead take the swept path and run on time, where the construct's one-minute trigger needs a lookahead of at
   * least 60 s. They replace the construct's values in the functions' environment and in `env`.
   * @default - the construct's
   */
  readonly horizons?: TestHorizons;
  /** Other props of the SundialScheduler construct. */
  readonly props?: Record<string, unknown>;
  /** Where function output goes. @default - the console, each line prefixed with the function's logical id */
  readonly onLog?: LogSink;
  /** @default 'Sundial' */
  readonly stackName?: string;
  /**
   * A cloud assembly already synthesized (any CDK stack, not only sundial's): deployed instead of synthesizing ours.
   */
  readonly assembly?: { readonly assemblyDir: string; readonly template: CfnTemplate; readonly stackName?: string };
  /**
   * The `cdk.out` folder of another CDK app (after `npx cdk synth` there): its stack (`stackName`, or its only one) is
   * deployed, with the functions its synth bundled.
   */
  readonly cloudAssembly?: string;
  /** Use this endpoint (LocalStack) instead of starting emulators. @default - `process.env.AWS_ENDPOINT_URL` */
  readonly endpoint?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** Concurrency of functions that no event source mapping limits. @default 4 */
  readonly defaultConcurrency?: number;
  /** Variables added to every function's environment (e.g. where a test's own observer table lives, or the SDK's switches for its own warnings). @default - none */
  readonly functionEnvironment?: Readonly<Record<string, string>>;
  /**
   * Puts something in front of the emulators' endpoint (a fault-injecting proxy): given the endpoint, returns the one
   * the functions, the event sources and `env` use instead. Not applied to an external `endpoint`. @default - none
   */
  readonly wrapEndpoint?: (endpoint: string) => Promise<{ readonly endpoint: string; stop(): Promise<void> }>;
  /**
   * Times `PutEvents` delivers each matching event to each target: EventBridge delivers at least once, and 2 lets a
   * test prove that a duplicate delivery is harmless. @default 1
   */
  readonly eventDeliveries?: number;
  /**
   * SQS event sources scale like Lambda's pollers: five batches at first, one more every 200 ms while messages wait,
   * up to the mapping's `MaximumConcurrency` or 20 (`poller-scaling.ts`). Off keeps five.
   * @default true
   */
  readonly pollerScaling?: boolean;
}

/** A running local stack. */
export interface LocalStack {
  /** Everything `Scheduler.fromEnv()` needs, once put into `process.env`. */
  readonly env: Readonly<Record<string, string>>;
  readonly template: CfnTemplate;
  readonly assemblyDir: string;
  readonly tables: readonly DeployedTable[];
  readonly queues: readonly DeployedQueue[];
  /** The functions by logical id. */
  readonly functions: ReadonlyMap<string, LocalFunction>;
  readonly deployed: DeployedStack;
  /** Milliseconds from the call to a stack ready for work. */
  readonly bootMs: number;
  /** Pids of every process the stack started (the JVM and the function environments alive now). */
  pids(): number[];
  /** Ports the stack listens on (empty with an external endpoint). */
  readonly ports: readonly number[];
  /** Invokes a function (by logical id, construct id or physical name) directly, like `aws lambda invoke`. */
  invoke(function_: string, event: unknown): Promise<InvokeResult>;
  /**
   * Restarts the SQS emulator's server, `downMs` after closing it; its messages survive (see `SqsLocal.restart`).
   * Rejects with an external endpoint.
   */
  restartSqs(downMs: number): Promise<void>;
  /**
   * Stops firing the template's EventBridge Scheduler schedules and rules, the sweeper's trigger among them (the local
   * equivalent of disabling them).
   */
  pauseTriggers(): void;
  /** Fires them again. */
  resumeTriggers(): void;
  /** @deprecated Use `pauseTriggers`; will be removed in 1.0. */
  pauseDispatch(): void;
  /** @deprecated Use `resumeTriggers`; will be removed in 1.0. */
  resumeDispatch(): void;
  /** Stops everything; leaves no process, no port and no temp folder behind. Idempotent. */
  stop(): Promise<void>;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * Boots the local stack.
 *
 * @example
 * ```ts
 * const stack = await startLocalStack({ workers: ['./tasks.ts'], sweepEverySeconds: 1 });
 * Object.assign(process.env, stack.env);
 * const scheduler = Scheduler.fromEnv();
 * await scheduler.enqueue('send-email', { to: 'a@b.c' }, { in: '5s' });
 * await stack.stop();
 * ```
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const startedAt = Date.now();
  const region = options.region ?? 'us-east-1';
  const external = options.endpoint ?? process.env.AWS_ENDPOINT_URL;
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step();
  };
  try {
    // The JVM boots while this process synthesizes (synthesis is synchronous and CPU-bound).
    const emulators = external === undefined ? startEmulators(region, cleanups) : undefined;
    emulators?.catch(() => undefined);
    const { assemblyDir, template, stackName } = await assemblyFor(options, cleanups);
    const running = await emulators;
    const wrapped = running && options.wrapEndpoint ? await options.wrapEndpoint(running.router.endpoint) : undefined;
    if (wrapped) cleanups.push(() => wrapped.stop());
    const endpoint = wrapped?.endpoint ?? running?.router.endpoint ?? external!;
    const credentials =
      external === undefined
        ? LOCAL_CREDENTIALS
        : {
            accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'test',
            secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
          };
    const dynamodb = new DynamoDBClient({ endpoint, region, credentials });
    const sqs = new SQSClient({ endpoint, region, credentials, useQueueUrlAsEndpoint: false });
    cleanups.push(() => {
      dynamodb.destroy();
      sqs.destroy();
    });
    const asDeployed = await deployTemplate(template, {
      assemblyDir,
      dynamodb,
      sqs,
      region,
      accountId: SQS_LOCAL_ACCOUNT_ID,
      stackName,
      namePrefix: `${stackName.toLowerCase()}-${randomBytes(3).toString('hex')}`,
    });
    const deployed = options.horizons ? withTestHorizons(asDeployed, options.horizons, options.sweepEverySeconds) : asDeployed;

    const awsEnv: Record<string, string> = {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    };
    const functions = new Map<string, LocalFunction>();
    for (const definition of deployed.functions) {
      const limits = deployed.eventSourceMappings
        .filter((m) => m.functionLogicalId === definition.logicalId)
        .map((m) => m.maxConcurrency ?? defaultMaxConcurrency(options.pollerScaling ?? true));
      const maxConcurrency =
        definition.reservedConcurrency ??
        (limits.length > 0 ? limits.reduce((a, b) => a + b, 0) : (options.defaultConcurrency ?? 4));
      functions.set(
        definition.logicalId,
        new LocalFunction(definition, {
          baseEnv: { ...awsEnv, ...options.functionEnvironment },
          maxConcurrency,
          ...(options.onLog ? { onLog: options.onLog } : {}),
        }),
      );
    }
    cleanups.push(async () => {
      await Promise.all([...functions.values()].map((f) => f.stop()));
    });

    const pollers = deployed.eventSourceMappings
      .filter((m) => m.enabled)
      .map((mapping) => {
        const queue = deployed.queues.find((q) => q.logicalId === mapping.queueLogicalId)!;
        return new SqsEventSource(mapping, queue, functions.get(mapping.functionLogicalId)!, {
          sqs,
          region,
          // With a log sink, poll failures go there (a run that injects faults expects many), else to the console.
          onError: (error) =>
            options.onLog
              ? options.onLog({ functionName: mapping.logicalId, logicalId: mapping.logicalId, stream: 'stderr', line: `poll failed: ${String(error)}` })
              : console.error(`[${mapping.logicalId}] poll failed:`, error),
          scaling: options.pollerScaling ?? true,
        });
      });
    const delivery = new TargetDelivery({ sqs, queues: deployed.queues, functions });
    const triggers = deployed.schedules.map(
      (schedule) =>
        new ScheduledTrigger(schedule, (event, reserved) => delivery.deliver(schedule.target, event, reserved), {
          region,
          account: SQS_LOCAL_ACCOUNT_ID,
          // sweepEverySeconds speeds up scheduled functions (the sweeper); schedules into queues keep their times.
          ...(options.sweepEverySeconds === undefined || schedule.target.kind !== 'function' ? {} : { everySeconds: options.sweepEverySeconds }),
        }),
    );
    const eventsApi = new LocalEventsApi({
      region,
      account: SQS_LOCAL_ACCOUNT_ID,
      rules: deployed.eventRules,
      delivery,
      ...(options.eventDeliveries === undefined ? {} : { deliveriesPerEvent: options.eventDeliveries }),
      onError: (error) => console.error('[events] delivery failed:', error),
    });
    running?.apis.push(new LocalLambdaApi(() => functions), eventsApi);
    cleanups.push(() => eventsApi.drain());
    // Pollers and triggers stop before the functions they feed (cleanups run in reverse).
    cleanups.push(async () => {
      await Promise.all([...pollers.map((p) => p.stop()), ...triggers.map((t) => t.stop())]);
    });
    // The Scheduler API switches the same triggers as pauseTriggers(), so pausing the sweeper works as on AWS.
    const localSchedules = triggers.flatMap((trigger, i) => {
      const schedule = deployed.schedules[i]!;
      if (schedule.kind !== 'scheduler' || !running) return [];
      const local = {
        name: schedule.name,
        groupName: schedule.groupName,
        arn: schedule.arn,
        expression: schedule.expression,
        targetArn:
          schedule.target.kind === 'function'
            ? functions.get(schedule.target.functionLogicalId)!.definition.arn
            : deployed.queues.find((q) => schedule.target.kind === 'queue' && q.logicalId === schedule.target.queueLogicalId)!.arn,
        timezone: schedule.timezone,
        ...(schedule.target.input.Input === undefined ? {} : { input: schedule.target.input.Input }),
        enabled: schedule.enabled,
      };
      running.schedulerApi.register(local, (enabled) => (trigger.paused = !enabled));
      return [local];
    });
    const setTriggers = (enabled: boolean) => {
      triggers.forEach((t) => (t.paused = !enabled));
      localSchedules.forEach((s) => (s.enabled = enabled));
    };
    running?.cloudFormationApi.register({
      stackName,
      stackId: `arn:aws:cloudformation:${region}:${SQS_LOCAL_ACCOUNT_ID}:stack/${stackName}/local`,
      ...(template.Description === undefined ? {} : { description: template.Description }),
      createdAt: new Date(startedAt),
      outputs: deployed.outputs,
    });
    for (const poller of pollers) poller.start();
    for (const trigger of triggers) trigger.start();

    let stopping: Promise<void> | undefined;
    return {
      env: { ...awsEnv, ...sundialEnv(deployed) },
      template,
      assemblyDir,
      tables: deployed.tables,
      queues: deployed.queues,
      functions,
      deployed,
      bootMs: Date.now() - startedAt,
      ports: running ? [running.ddb.port, running.sqs.port, running.router.port] : [],
      pids: () => [
        ...(running ? [running.ddb.pid] : []),
        ...[...functions.values()].flatMap((f) => f.pids),
      ],
      invoke: async (name, event) => {
        const fn = findFunction(functions, name);
        if (fn === undefined) {
          throw new ConfigurationError(
            `No function "${name}" in the local stack; its functions are ${[...functions.keys()].join(', ')}.`,
          );
        }
        return await fn.invoke(event);
      },
      restartSqs: async (downMs) => {
        if (!running) throw new ConfigurationError('restartSqs() needs the local emulators; this stack uses an external endpoint.');
        await running.sqs.restart(downMs);
      },
      pauseTriggers: () => setTriggers(false),
      resumeTriggers: () => setTriggers(true),
      pauseDispatch: () => setTriggers(false),
      resumeDispatch: () => setTriggers(true),
      stop: () => (stopping ??= cleanup()),
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function startEmulators(
  region: string,
  cleanups: (() => Promise<void> | void)[],
): Promise<{
  ddb: DynamoDbLocal;
  sqs: SqsLocal;
  router: EndpointRouter;
  schedulerApi: LocalSchedulerApi;
  cloudFormationApi: LocalCloudFormationApi;
  apis: LocalApi[];
}> {
  const [ddb, sqs] = await Promise.allSettled([startDynamoDbLocal(), startSqsLocal({ region })]);
  if (ddb.status === 'fulfilled') cleanups.push(() => ddb.value.stop());
  if (sqs.status === 'fulfilled') cleanups.push(() => sqs.value.stop());
  if (ddb.status === 'rejected') throw ddb.reason;
  if (sqs.status === 'rejected') throw sqs.reason;
  const schedulerApi = new LocalSchedulerApi();
  const cloudFormationApi = new LocalCloudFormationApi();
  // The Lambda and EventBridge APIs join once the template is deployed (they answer for its functions and rules).
  const apis: LocalApi[] = [cloudFormationApi];
  const router = await startEndpointRouter({ dynamodbPort: ddb.value.port, sqsPort: sqs.value.port, schedulerApi, apis });
  cleanups.push(() => router.stop());
  return { ddb: ddb.value, sqs: sqs.value, router, schedulerApi, cloudFormationApi, apis };
}

async function assemblyFor(
  options: LocalStackOptions,
  cleanups: (() => Promise<void> | void)[],
): Promise<{ assemblyDir: string; template: CfnTemplate; stackName: string }> {
  if (options.assembly) {
    return { ...options.assembly, stackName: options.assembly.stackName ?? options.stackName ?? 'Local' };
  }
  if (options.cloudAssembly) return readAssemblyStack(options.cloudAssembly, options.stackName);
  // A fresh folder per stack: two stacks in parallel never share (or overwrite) an assembly.
  const outdir = mkdtempSync(join(tmpdir(), 'sundial-local-'));
  cleanups.push(() => rmSync(outdir, { recursive: true, force: true }));
  const { synthesize } = await import('../synth.ts');
  const result = synthesize({
    outdir,
    ...(options.stackName ? { stackName: options.stackName } : {}),
    tasksEntry: options.workers ? [...options.workers] : exampleTasks(),
    ...(options.props ? { props: options.props } : {}),
  });
  return { assemblyDir: result.assemblyDir, template: result.template as CfnTemplate, stackName: result.stackName };
}

/** The `SUNDIAL_*` variables the template gives its functions (they agree; the consumer's carry the DLQs too). */
function sundialEnv(deployed: DeployedStack): Record<string, string> {
  const env: Record<string, string> = {};
  for (const fn of deployed.functions) {
    for (const [key, value] of Object.entries(fn.environment)) {
      if (key.startsWith('SUNDIAL_') && env[key] === undefined) env[key] = value;
    }
  }
  return env;
}

/** sundial's example tasks: the default `workers` in a clone of sundial. An installed package has none to offer. */
function exampleTasks(): string {
  const file = join(PACKAGE_ROOT, 'examples', 'tasks.ts');
  if (!existsSync(file)) {
    throw new ConfigurationError('startLocalStack: pass `workers` (your task modules) or `cloudAssembly` (your synthesized app).');
  }
  return file;
}
