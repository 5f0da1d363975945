/**
 * The chaos run's ledger: a DynamoDB table, outside the system under test, where every task start writes one item per
 * (job, attempt) with a conditional put. A failed condition is a second start of the same attempt — unless the item
 * carries this start's own token, which means the SDK retried a put that had already landed.
 */
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  PutItemCommand,
  ScanCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

/** One ledger item. `start`: an attempt began; `finish`: it ended (ok or not); `duplicate`: a second start. */
export interface LedgerEntry {
  readonly kind: 'start' | 'finish' | 'duplicate';
  readonly jobId: string;
  readonly attempt: number;
  /** Pid of the consumer process that ran it (kills are by pid). */
  readonly pid: number;
  readonly atMs: number;
  /** `finish` only: whether the task body returned normally. */
  readonly ok?: boolean;
  /** `start`/`duplicate`: the token of that start. */
  readonly token?: string;
}

const PK = 'pk';
const SK = 'sk';

/**
 * Creates the ledger table (on-demand; keys `pk` = job id, `sk` = entry).
 *
 * @example
 * ```ts
 * await createLedgerTable(dynamodb, 'chaos-ledger');
 * ```
 */
export async function createLedgerTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: PK, AttributeType: 'S' },
        { AttributeName: SK, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: PK, KeyType: 'HASH' },
        { AttributeName: SK, KeyType: 'RANGE' },
      ],
    }),
  );
}

/** Writes ledger entries for one process. */
export class LedgerWriter {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly pid: number = process.pid,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Records the start of `attempt` of `jobId`. Resolves `'first'`, or `'duplicate'` when another start of the same
   * attempt was recorded before (that one is then recorded too, under its own token).
   */
  async start(jobId: string, attempt: number, token: string): Promise<'first' | 'duplicate'> {
    const atMs = this.clock();
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: item({ kind: 'start', jobId, attempt, pid: this.pid, atMs, token }, `start#${attempt}`),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'first';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Our own put, retried by the SDK after its response was lost, finds itself: not a second start.
      if (error.Item?.token?.S === token) return 'first';
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: item({ kind: 'duplicate', jobId, attempt, pid: this.pid, atMs, token }, `duplicate#${attempt}#${token}`),
        }),
      );
      return 'duplicate';
    }
  }

  /** Records how `attempt` of `jobId` ended. */
  async finish(jobId: string, attempt: number, ok: boolean): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: item({ kind: 'finish', jobId, attempt, pid: this.pid, atMs: this.clock(), ok }, `finish#${attempt}`),
      }),
    );
  }
}

function item(entry: LedgerEntry, sk: string) {
  return {
    [PK]: { S: entry.jobId },
    [SK]: { S: sk },
    kind: { S: entry.kind },
    attempt: { N: String(entry.attempt) },
    pid: { N: String(entry.pid) },
    atMs: { N: String(entry.atMs) },
    ...(entry.ok === undefined ? {} : { ok: { BOOL: entry.ok } }),
    ...(entry.token === undefined ? {} : { token: { S: entry.token } }),
  };
}

/**
 * Reads the whole ledger (a Scan: it holds only the chaos run's entries).
 *
 * @example
 * ```ts
 * const entries = await readLedger(dynamodb, 'chaos-ledger');
 * ```
 */
export async function readLedger(client: DynamoDBClient, tableName: string): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  let startKey: Record<string, any> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
    for (const raw of page.Items ?? []) {
      const kind = raw.kind?.S;
      if (kind !== 'start' && kind !== 'finish' && kind !== 'duplicate') continue;
      entries.push({
        kind,
        jobId: raw[PK]!.S!,
        attempt: Number(raw.attempt!.N),
        pid: Number(raw.pid!.N),
        atMs: Number(raw.atMs!.N),
        ...(raw.ok?.BOOL === undefined ? {} : { ok: raw.ok.BOOL }),
        ...(raw.token?.S === undefined ? {} : { token: raw.token.S }),
      });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return entries;
}
