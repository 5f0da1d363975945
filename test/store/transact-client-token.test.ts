/**
 * Why a transaction of jobs needs no token of ours against the SDK's retries: the SDK fills ClientRequestToken (an
 * idempotency token) when the caller leaves it out, once per command, so the retry of a transaction that committed
 * (its response lost) carries the same token, and DynamoDB answers it without applying it again (within 10 minutes).
 * This pins that behaviour of the SDK version in the lockfile.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { DynamoDbJobStore } from '../../lib/store/dynamodb-store.ts';
import { jobRecord, defineTestTask } from '../worker/harness.ts';

for (const format of ['client', 'document'] as const) {
  it(`createJobsWithCallerItems (${format}): the SDK's retry after a 500 carries the first attempt's ClientRequestToken`, async () => {
    const bodies: Array<{ ClientRequestToken?: string }> = [];
    const client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      requestHandler: {
        handle: async (request: { body: string }) => {
          bodies.push(JSON.parse(request.body));
          const first = bodies.length === 1;
          const body = first ? { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' } : {};
          return { response: { statusCode: first ? 500 : 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Readable.from([Buffer.from(JSON.stringify(body))]) } };
        },
      } as never,
    });
    const store = new DynamoDbJobStore({ tableName: 't', client, shards: 4 });
    await store.createJobsWithCallerItems([], [{ ...jobRecord(defineTestTask(() => {})), placement: 'lane' }], format);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]!.ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(bodies[1]!.ClientRequestToken).toBe(bodies[0]!.ClientRequestToken);
    client.destroy();
  });
}
