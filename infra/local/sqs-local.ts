/**
 * The SQS emulator (fauxqs) in this process, listening on a free loopback port, with queue URLs that a plain SDK
 * `SQSClient` configured only by environment (`AWS_ENDPOINT_URL`, region, credentials) can use.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigurationError } from '../../lib/core/errors.ts';

/** A running SQS emulator. */
export interface SqsLocal {
  /** `http://127.0.0.1:<port>`: give it to the SDK as `endpoint` or `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  readonly port: number;
  /**
   * The URL of queue `name` as the emulator names it: `http://127.0.0.1:<port>/000000000000/<name>`. It is the same
   * URL `CreateQueue` and `GetQueueUrl` return (the emulator looks queues up by their exact URL).
   */
  queueUrl(name: string): string;
  /**
   * Restarts the emulator's server on the same port, `downMs` after closing it: clients meet refused connections
   * meanwhile. The message store survives, as SQS's storage survives an outage of its endpoint (fauxqs keeps messages
   * only in memory, so restarting its process would lose them: a failure SQS does not have).
   */
  restart(downMs: number): Promise<void>;
  /** Closes the server and its connections; pending long polls end. Idempotent. */
  stop(): Promise<void>;
}

interface FauxqsStores {
  sqsStore: { host: string; region?: string };
  snsStore: unknown;
  s3Store: unknown;
}

interface FauxqsModule {
  buildApp(options: { logger: boolean; defaultRegion?: string; stores: FauxqsStores }): {
    listen(options: { host: string; port: number }): Promise<string>;
    close(): Promise<void>;
  };
}

/** fauxqs's account id in every URL and ARN it builds. */
export const SQS_LOCAL_ACCOUNT_ID = '000000000000';

/**
 * Starts fauxqs on `127.0.0.1` and a free port.
 *
 * fauxqs names queues `http://sqs.<region>.localhost:<port>/…` by default, a host that does not resolve everywhere.
 * With an empty store host it instead names them after the `Host` header of the `CreateQueue` request, so a client
 * whose endpoint is `http://127.0.0.1:<port>` gets `http://127.0.0.1:<port>/000000000000/<name>`: the queue URL and
 * the endpoint agree, whatever the SDK's `useQueueUrlAsEndpoint` does. Its store classes are not in the package's
 * `exports`, so they are imported by file URL (the same module instances `buildApp` uses).
 *
 * @example
 * ```ts
 * const sqs = await startSqsLocal();
 * const client = new SQSClient({ endpoint: sqs.endpoint, region: 'us-east-1',
 *   credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
 * const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'jobs' }));
 * // QueueUrl === sqs.queueUrl('jobs')
 * await sqs.stop();
 * ```
 */
export async function startSqsLocal(options: { region?: string } = {}): Promise<SqsLocal> {
  const distDir = fauxqsDistDirectory();
  const fauxqs = (await import(pathToFileURL(join(distDir, 'app.js')).href)) as FauxqsModule;
  const { SqsStore } = (await import(pathToFileURL(join(distDir, 'sqs', 'sqsStore.js')).href)) as {
    SqsStore: new () => FauxqsStores['sqsStore'];
  };
  const { SnsStore } = (await import(pathToFileURL(join(distDir, 'sns', 'snsStore.js')).href)) as {
    SnsStore: new () => unknown;
  };
  const { S3Store } = (await import(pathToFileURL(join(distDir, 's3', 's3Store.js')).href)) as {
    S3Store: new () => unknown;
  };
  const sqsStore = new SqsStore();
  sqsStore.host = '';
  const stores = { sqsStore, snsStore: new SnsStore(), s3Store: new S3Store() };
  const build = () =>
    fauxqs.buildApp({ logger: false, ...(options.region === undefined ? {} : { defaultRegion: options.region }), stores });
  let app = build();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = (app as unknown as { server: import('node:net').Server }).server.address();
  if (address === null || typeof address !== 'object') throw new Error('fauxqs did not report a TCP address');
  const port = address.port;
  const endpoint = `http://127.0.0.1:${port}`;
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    queueUrl: (name) => `${endpoint}/${SQS_LOCAL_ACCOUNT_ID}/${name}`,
    restart: async (downMs) => {
      await app.close();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      if (stopping) return;
      // A new server on the old store: its queues and their messages, delayed and in flight, are still there.
      app = build();
      await app.listen({ host: '127.0.0.1', port });
    },
    stop: () => (stopping ??= app.close()),
  };
}

/**
 * fauxqs's `dist` folder. The package exports only an `import` condition, which `require.resolve` cannot follow, so
 * the folder is found along Node's own `node_modules` lookup path.
 */
function fauxqsDistDirectory(): string {
  const candidates = createRequire(import.meta.url).resolve.paths('fauxqs') ?? [];
  for (const nodeModules of candidates) {
    const dist = join(nodeModules, 'fauxqs', 'dist');
    if (existsSync(join(dist, 'app.js'))) return dist;
  }
  throw new ConfigurationError(
    `The SQS emulator "fauxqs" is not installed (looked in ${candidates.join(', ')}); run \`npm ci\` ` +
      '(it is a devDependency, pinned at 1.9.2).',
  );
}
