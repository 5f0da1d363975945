import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { createLedgerTable, LedgerWriter, readLedger } from '../../chaos/ledger.ts';

describe('chaos ledger (DynamoDB Local)', () => {
  let ddb: DynamoDbLocal;
  let client: DynamoDBClient;
  beforeAll(async () => {
    ddb = await startDynamoDbLocal();
    client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${ddb.port}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await createLedgerTable(client, 'ledger');
  });
  afterAll(async () => {
    client?.destroy();
    await ddb?.stop();
  });

  it('records the first start, takes its own retried put for itself, and reports another start as a duplicate', async () => {
    const writer = new LedgerWriter(client, 'ledger', 4242, () => 1_000);
    expect(await writer.start('job-1', 1, 'token-a')).toBe('first');
    // The SDK retrying a put whose response was lost meets its own item: not a second start.
    expect(await writer.start('job-1', 1, 'token-a')).toBe('first');
    expect(await new LedgerWriter(client, 'ledger', 4343).start('job-1', 1, 'token-b')).toBe('duplicate');
    expect(await writer.start('job-1', 2, 'token-c')).toBe('first');
    await writer.finish('job-1', 2, true);

    const entries = await readLedger(client, 'ledger');
    const summary = entries.map((e) => `${e.kind}:${e.attempt}:${e.pid}${e.ok === undefined ? '' : `:${e.ok}`}`).sort();
    expect(summary).toEqual(['duplicate:1:4343', 'finish:2:4242:true', 'start:1:4242', 'start:2:4242']);
  });
});
