/**
 * A local Lambda service: each function runs in its own child processes (so each has its own `process.env`), at most
 * `maxConcurrency` at once, with the function's timeout enforced by killing the process, as Lambda does.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { PACKAGE_ROOT } from '../package-root.ts';
import type { FunctionDefinition } from './deploy.ts';
import { nodeExecutableFor } from './node-for-runtime.ts';
import { killWithParent, terminate } from './processes.ts';
import { lambdaHeapFlags } from './lambda-heap-flags.ts';

/** One line a function wrote. */
export interface FunctionLogLine {
  readonly functionName: string;
  readonly logicalId: string;
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
}

/** Where function output goes. */
export type LogSink = (entry: FunctionLogLine) => void;

/**
 * The default log sink: each line on the console, prefixed with the function's logical id.
 *
 * @example
 * ```ts
 * consoleLogSink({ functionName: 'f', logicalId: 'Consumer', stream: 'stdout', line: 'hello' }); // [Consumer] hello
 * ```
 */
export const consoleLogSink: LogSink = (entry) => {
  (entry.stream === 'stderr' ? console.error : console.log)(`[${entry.logicalId}] ${entry.line}`);
};

/**
 * How long an invocation ran, as Lambda reports it on its REPORT line: from the handler's call to its return (the
 * first invocation of an environment includes loading the bundle, the INIT phase AWS bills since August 2025), and
 * that duration rounded up to the next millisecond, which is what AWS bills.
 */
export interface InvocationTiming {
  readonly durationMs: number;
  readonly billedDurationMs: number;
  /** REPORT's `Max Memory Used`: the environment's peak resident memory, when the environment reported it. */
  readonly maxMemoryUsedMb?: number;
}

/** The outcome of one invocation. */
export type InvokeResult = (
  | { readonly ok: true; readonly value: unknown; readonly requestId: string }
  | {
      readonly ok: false;
      readonly requestId: string;
      readonly timedOut: boolean;
      readonly error: { readonly errorType: string; readonly errorMessage: string };
    }
) &
  Partial<InvocationTiming>;

/**
 * The timing Lambda reports for a duration in milliseconds: billed duration is rounded up to the next millisecond.
 *
 * @example
 * ```ts
 * invocationTiming(12.01); // { durationMs: 12.01, billedDurationMs: 13 }
 * ```
 */
export function invocationTiming(durationMs: number): InvocationTiming {
  return { durationMs, billedDurationMs: Math.ceil(durationMs) };
}

interface Environment {
  readonly process: ChildProcess;
  /** Settles when the handler module has loaded (Lambda's init phase), or the process has exited. */
  readonly initialized: Promise<void>;
  busy: boolean;
  pending?: { id: string; resolve: (result: InvokeResult) => void; timer: NodeJS.Timeout; startedAtMs: number };
}

/** Lambda's limit on an execution environment's init phase (on-demand functions). */
const INIT_LIMIT_MS = 10_000;

const BOOTSTRAP = fileURLToPath(new URL('./lambda-bootstrap.mjs', import.meta.url));

/**
 * Modules the Lambda Node.js runtimes (18 and later) ship in the execution environment: AWS SDK v3 (`@aws-sdk/*`,
 * lib-dynamodb included) and its `@smithy/*` core. sundial's own bundles carry their SDK; functions that leave it out
 * (`NodejsFunction`'s default, e.g. an app's own functions) find it here as they would on Lambda.
 */
export const RUNTIME_PROVIDED_MODULES = ['@aws-sdk/*', '@smithy/*'] as const;

/**
 * Where the local runtime finds what Lambda's runtime ships, for bundles that leave it out: the `node_modules` around
 * sundial (in an app, the app's). ES module bundles resolve `RUNTIME_PROVIDED_MODULES` from there
 * (runtime-modules-hooks.mjs) and nothing else; CommonJS bundles get it on `NODE_PATH`, as on Lambda, where it also
 * lists the runtime's `node_modules`.
 */
const RUNTIME_MODULES_ENV = {
  // Every `node_modules` from sundial's folder up, as require() would search it: also right when sundial is itself
  // installed in an app and the SDK is hoisted above it.
  NODE_PATH: (createRequire(join(PACKAGE_ROOT, 'package.json')).resolve.paths('@aws-sdk/client-sqs') ?? []).join(delimiter),
  SUNDIAL_LOCAL_RUNTIME_MODULES: JSON.stringify({
    parentUrl: pathToFileURL(join(PACKAGE_ROOT, 'package.json')).href,
    patterns: RUNTIME_PROVIDED_MODULES,
  }),
};

/**
 * Runs one function's invocations in a pool of child processes.
 *
 * @example
 * ```ts
 * const fn = new LocalFunction(definition, { baseEnv: { AWS_REGION: 'us-east-1' }, maxConcurrency: 2 });
 * const result = await fn.invoke({ Records: [] });
 * await fn.stop();
 * ```
 */
export class LocalFunction {
  readonly definition: FunctionDefinition;
  readonly maxConcurrency: number;
  private readonly environments: Environment[] = [];
  private readonly waiting: (() => void)[] = [];
  private readonly baseEnv: Readonly<Record<string, string>>;
  private readonly onLog: LogSink;
  /**
   * As Lambda does: the Node major the function's runtime names, whatever Node runs the local stack. Looked up once,
   * here, so a missing Node fails the stack's start and no lookup runs while invocations are timed. Functions on other
   * runtimes (a template's Python custom resource, say) deploy, and fail with a clear error only if invoked.
   */
  private readonly nodeExecutable: string | undefined;
  private stopped = false;
  /** Pids of the environments torn down because an invocation timed out (a crash, as far as its work is concerned). */
  readonly timedOutPids = new Set<number>();
  /** How many invocations are running now, and the most ever at once (tests check the concurrency limit). */
  running = 0;
  peakRunning = 0;

  constructor(
    definition: FunctionDefinition,
    options: { baseEnv: Readonly<Record<string, string>>; maxConcurrency: number; onLog?: LogSink },
  ) {
    this.definition = definition;
    this.baseEnv = options.baseEnv;
    this.maxConcurrency = Math.max(1, options.maxConcurrency);
    this.onLog = options.onLog ?? consoleLogSink;
    this.nodeExecutable = /^nodejs\d+\.x$/.test(definition.runtime) ? nodeExecutableFor(definition.runtime, definition.logicalId) : undefined;
  }

  /** Pids of the live execution environments. */
  get pids(): number[] {
    return this.environments.map((e) => e.process.pid!).filter((pid) => pid !== undefined);
  }

  /** Pids of the environments running an invocation now (the ones a crash would hit mid-work). */
  get busyPids(): number[] {
    return this.environments.filter((e) => e.pending !== undefined).map((e) => e.process.pid!).filter((pid) => pid !== undefined);
  }

  /**
   * Invokes the function with `event`; waits for a free environment when `maxConcurrency` are busy. Never rejects:
   * a thrown error, a crash or a timeout is an `ok: false` result.
   */
  async invoke(event: unknown): Promise<InvokeResult> {
    const environment = await this.acquire();
    const requestId = randomUUID();
    this.running++;
    this.peakRunning = Math.max(this.peakRunning, this.running);
    try {
      return await this.run(environment, requestId, event);
    } finally {
      this.running--;
      environment.busy = false;
      this.waiting.shift()?.();
    }
  }

  /** Kills every environment; later invocations fail. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.all(this.environments.splice(0).map((e) => terminate(e.process, 1_000)));
  }

  private async acquire(): Promise<Environment> {
    for (;;) {
      if (this.stopped) throw new Error(`Function ${this.definition.logicalId} is stopped`);
      const idle = this.environments.find((e) => !e.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (this.environments.length < this.maxConcurrency) {
        const created = this.spawn();
        created.busy = true;
        return created;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private spawn(): Environment {
    const fn = this.definition;
    const child = fork(BOOTSTRAP, [], {
      execPath: this.nodeExecutable ?? nodeExecutableFor(fn.runtime, fn.logicalId),
      cwd: process.cwd(),
      execArgv: lambdaHeapFlags(fn.memoryMb),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: {
        PATH: process.env.PATH ?? '',
        ...this.baseEnv,
        ...fn.environment,
        ...RUNTIME_MODULES_ENV,
        AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs_local',
        SUNDIAL_LOCAL_HANDLER_FILE: fn.handlerFile,
        SUNDIAL_LOCAL_HANDLER_EXPORT: fn.handlerExport,
        SUNDIAL_LOCAL_RUNTIME: fn.runtime,
      },
    });
    killWithParent(child);
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: child[stream]! }).on('line', (line) =>
        this.onLog({ functionName: fn.functionName, logicalId: fn.logicalId, stream, line }),
      );
    }
    let initDone!: () => void;
    const environment: Environment = { process: child, busy: false, initialized: new Promise<void>((resolve) => (initDone = resolve)) };
    child.on('message', (message: { type: string; id?: string; ok?: boolean; value?: unknown; error?: any; durationMs?: number; maxMemoryUsedMb?: number }) => {
      if (message.type === 'ready') initDone();
      const pending = environment.pending;
      if (message.type !== 'result' || pending === undefined || pending.id !== message.id) return;
      environment.pending = undefined;
      clearTimeout(pending.timer);
      const timing = {
        ...invocationTiming(message.durationMs ?? Date.now() - pending.startedAtMs),
        ...(message.maxMemoryUsedMb === undefined ? {} : { maxMemoryUsedMb: message.maxMemoryUsedMb }),
      };
      pending.resolve(
        message.ok
          ? { ok: true, value: message.value, requestId: pending.id, ...timing }
          : { ok: false, timedOut: false, requestId: pending.id, error: message.error, ...timing },
      );
    });
    child.once('exit', (code, signal) => {
      initDone();
      this.remove(environment);
      const pending = environment.pending;
      if (pending === undefined) return;
      environment.pending = undefined;
      clearTimeout(pending.timer);
      pending.resolve({
        ok: false,
        timedOut: false,
        requestId: pending.id,
        error: { errorType: 'Runtime.ExitError', errorMessage: `Runtime exited (code ${code}, signal ${signal})` },
        ...invocationTiming(Date.now() - pending.startedAtMs),
      });
    });
    this.environments.push(environment);
    return environment;
  }

  private remove(environment: Environment): void {
    const index = this.environments.indexOf(environment);
    if (index >= 0) this.environments.splice(index, 1);
  }

  private async run(environment: Environment, requestId: string, event: unknown): Promise<InvokeResult> {
    const fn = this.definition;
    const timeoutMs = fn.timeoutSec * 1000;
    // As on Lambda, a cold start's init (loading the handler module) is not part of the invocation's timeout; it has
    // its own limit, after which the invocation starts anyway (and waits for the module within its own timeout).
    let initTimer: NodeJS.Timeout | undefined;
    await Promise.race([environment.initialized, new Promise<void>((resolve) => (initTimer = setTimeout(resolve, INIT_LIMIT_MS)))]);
    clearTimeout(initTimer);
    const deadlineMs = Date.now() + timeoutMs;
    return await new Promise<InvokeResult>((resolve) => {
      const timer = setTimeout(() => {
        environment.pending = undefined;
        // Like Lambda: the environment is torn down, the next invocation gets a fresh one.
        this.remove(environment);
        if (environment.process.pid !== undefined) this.timedOutPids.add(environment.process.pid);
        environment.process.kill('SIGKILL');
        this.onLog({
          functionName: fn.functionName,
          logicalId: fn.logicalId,
          stream: 'stderr',
          line: `${requestId} Task timed out after ${fn.timeoutSec.toFixed(2)} seconds`,
        });
        resolve({
          ok: false,
          timedOut: true,
          requestId,
          error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${fn.timeoutSec} seconds` },
          ...invocationTiming(timeoutMs),
        });
      }, timeoutMs);
      environment.pending = { id: requestId, resolve, timer, startedAtMs: Date.now() };
      environment.process.send({
        type: 'invoke',
        id: requestId,
        event,
        context: {
          awsRequestId: requestId,
          functionName: fn.functionName,
          functionVersion: '$LATEST',
          invokedFunctionArn: fn.arn,
          memoryLimitInMB: String(fn.memoryMb),
          logGroupName: `/aws/lambda/${fn.functionName}`,
          logStreamName: `local/${environment.process.pid}`,
          deadlineMs,
        },
      }, (error) => {
        // A process killed between acquire and send (EPIPE): its exit ends the invocation, unless it already happened.
        const exited = environment.process.exitCode !== null || environment.process.signalCode !== null;
        if (error === null || environment.pending?.id !== requestId || !exited) return;
        environment.pending = undefined;
        clearTimeout(timer);
        resolve({
          ok: false,
          timedOut: false,
          requestId,
          error: { errorType: 'Runtime.ExitError', errorMessage: `Runtime exited before the invocation reached it (${error.message})` },
        });
      });
    });
  }
}
