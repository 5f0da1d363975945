import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../lib/aws-clients.ts';

describe('documentClient', () => {
  it('wraps a plain client, and keeps a document client as it is', () => {
    const plain = new DynamoDBClient({ region: 'us-east-1' });
    const wrapped = documentClient(plain);
    expect(wrapped).not.toBe(plain);
    expect(documentClient(wrapped)).toBe(wrapped);
  });

  it('recognises a document client built by another copy of lib-dynamodb (no instanceof across copies)', () => {
    // What an app's own copy of lib-dynamodb builds: another class, the same shape.
    class OtherCopyDocumentClient {
      readonly config = { translateConfig: { marshallOptions: { removeUndefinedValues: true } } };
      send(): Promise<unknown> {
        return Promise.resolve({});
      }
    }
    const foreign = new OtherCopyDocumentClient() as unknown as DynamoDBDocumentClient;
    expect(documentClient(foreign)).toBe(foreign);
  });
});
