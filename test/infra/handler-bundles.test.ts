import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_FILE, bundleHandler, consumerEntrySource, type Metafile } from '../../infra/handler-bundles.ts';
import { DEFAULT_RUNTIME_NAME, nodeTargetOf } from '../../infra/lambda-runtimes.ts';
import { PACKAGE_ROOT } from '../../infra/package-root.ts';

const target = nodeTargetOf(DEFAULT_RUNTIME_NAME);
const KB = 1024;

/** The bytes each npm package contributes to the bundle's `index.mjs`, from esbuild's metafile. */
function bytesByPackage(metafile: Metafile): Map<string, number> {
  const [, output] = Object.entries(metafile.outputs).find(([file]) => file.endsWith(BUNDLE_FILE))!;
  const bytes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(input)?.[1];
    if (pkg && bytesInOutput > 0) bytes.set(pkg, (bytes.get(pkg) ?? 0) + bytesInOutput);
  }
  return bytes;
}

/**
 * What a Lambda handler cannot use, and what these bundles carried before (about 130 KB of each): the SDK's default
 * credential chain beyond the environment and the container endpoint, the clients it signs in with, the Query/XML
 * protocol only STS spoke, and the Scheduler client, which only the CLI and `pauseSweeper` use.
 */
const NOT_IN_A_HANDLER = [
  '@aws-sdk/credential-provider-node',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/token-providers',
  '@aws-sdk/nested-clients',
  '@aws-sdk/client-sso',
  '@aws-sdk/client-sts',
  '@smithy/credential-provider-imds',
  '@aws-sdk/xml-builder',
  '@aws-sdk/client-scheduler',
];

describe('Lambda handler bundles', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sundial-bundles-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Ceilings a little above today's sizes (sweeper 327 KB, consumer 371 KB; 453 / 497 KB with the whole chain), so
  // that what was cut cannot come back unnoticed.
  it.each([
    { name: 'sweeper', entry: { file: join(PACKAGE_ROOT, 'functions', 'sweeper.ts') }, ceilingKb: 345 },
    { name: 'consumer', entry: { contents: consumerEntrySource([join(PACKAGE_ROOT, 'examples', 'tasks.ts')]) }, ceilingKb: 390 },
  ])('the $name bundle carries the SDK clients it calls, and none of the credential chain Lambda never uses', ({ name, entry, ceilingKb }) => {
    const metafile = bundleHandler({ entry, target }, join(dir, name));
    const packages = bytesByPackage(metafile);
    expect(NOT_IN_A_HANDLER.filter((pkg) => packages.has(pkg))).toEqual([]);
    // What the handler does call is there: the tested SDK's clients, and the two credential sources Lambda uses.
    for (const pkg of ['@aws-sdk/client-dynamodb', '@aws-sdk/client-sqs', '@aws-sdk/lib-dynamodb', '@aws-sdk/credential-provider-env', '@aws-sdk/credential-provider-http']) {
      expect(packages.get(pkg), pkg).toBeGreaterThan(0);
    }
    const [, output] = Object.entries(metafile.outputs).find(([file]) => file.endsWith(BUNDLE_FILE))!;
    expect(output.bytes).toBeLessThanOrEqual(ceilingKb * KB);
  });
});

/**
 * The credentials an SDK client in a bundle resolves when given none, in a fresh Node: a bundled handler that builds
 * a DynamoDB client as the user's tasks would, and returns what `config.credentials()` gives it twice.
 */
describe('default credentials in a bundle', () => {
  let dir: string;
  let handlerFile: string;
  let home: string;
  let server: Server;
  let endpoint: string;
  const served: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sundial-bundle-credentials-'));
    const source = [
      `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';`,
      `export const handler = async () => {`,
      `  const client = new DynamoDBClient({ region: 'us-east-1' });`,
      `  const first = await client.config.credentials();`,
      `  const second = await client.config.credentials();`,
      `  return [first, second].map((c) => ({ accessKeyId: c.accessKeyId, sessionToken: c.sessionToken }));`,
      `};`,
    ].join('\n');
    bundleHandler({ entry: { contents: source }, target }, join(dir, 'bundle'));
    handlerFile = join(dir, 'bundle', BUNDLE_FILE);
    // A home whose shared credentials file names a default profile: the SDK's whole chain would find it.
    home = join(dir, 'home');
    mkdirSync(join(home, '.aws'), { recursive: true });
    writeFileSync(join(home, '.aws', 'credentials'), '[default]\naws_access_key_id = FROMPROFILE\naws_secret_access_key = profile-secret\n');
    // The container credentials endpoint, as Lambda serves it where credentials do not come in the environment.
    server = createServer((req, res) => {
      served.push(req.headers.authorization ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({
        AccessKeyId: 'FROMCONTAINER',
        SecretAccessKey: 'container-secret',
        Token: 'container-token',
        Expiration: new Date(Date.now() + 3_600_000).toISOString(),
      }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/credentials`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  async function credentialsIn(env: Record<string, string>): Promise<{ accessKeyId: string; sessionToken?: string }[]> {
    const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(handlerFile).href)}); console.log(JSON.stringify(await handler()));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH ?? '', HOME: home, ...env },
    });
    return JSON.parse(stdout.trim().split('\n').at(-1)!);
  }

  it('takes the execution role from the environment, as Lambda gives it', async () => {
    const credentials = await credentialsIn({ AWS_ACCESS_KEY_ID: 'FROMENV', AWS_SECRET_ACCESS_KEY: 'env-secret', AWS_SESSION_TOKEN: 'env-token' });
    expect(credentials).toEqual([
      { accessKeyId: 'FROMENV', sessionToken: 'env-token' },
      { accessKeyId: 'FROMENV', sessionToken: 'env-token' },
    ]);
  });

  it('takes it from the container credentials endpoint when the environment has no keys, and asks once while they are fresh', async () => {
    served.length = 0;
    const credentials = await credentialsIn({ AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'the-token' });
    expect(credentials).toEqual([
      { accessKeyId: 'FROMCONTAINER', sessionToken: 'container-token' },
      { accessKeyId: 'FROMCONTAINER', sessionToken: 'container-token' },
    ]);
    expect(served).toEqual(['the-token']);
  });

  it('consults nothing else: a profile in ~/.aws is not read, and no credentials is an error', async () => {
    await expect(credentialsIn({})).rejects.toThrow(/AWS_CONTAINER_CREDENTIALS_FULL_URI/);
  });
});
