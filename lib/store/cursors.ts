/**
 * The opaque strings the store hands out for paging: list cursors and `due` index positions. Both adapters use these
 * codecs, so a cursor means the same thing whichever store produced it.
 */
import { ValidationError } from '../core/errors.ts';

/** The table key of one item. */
export interface TableKey {
  readonly pk: string;
  readonly sk: string;
}

/** Where a job listing stopped: the job partition (shard) and the last key read in it. */
export interface JobListCursor {
  readonly shard: number;
  readonly lastKey?: TableKey;
}

/** The index key of one `due` index entry: DynamoDB's LastEvaluatedKey for a query on the index. */
export interface DueIndexKey extends TableKey {
  readonly duePk: string;
  readonly dueSk: number;
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decode(text: string): unknown {
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function isTableKey(value: unknown): value is TableKey {
  const key = value as Partial<TableKey> | null | undefined;
  return typeof key === 'object' && key !== null && typeof key.pk === 'string' && typeof key.sk === 'string';
}

function invalidCursor(field: string, received: string, why: string): ValidationError {
  return new ValidationError(
    `\`${field}\`: received "${received}" (${why}); expected the opaque value returned by the previous page of the same ` +
      `read. Pass it back unchanged, or omit it to start from the beginning.`,
  );
}

/** Encodes where a job listing stopped. */
export function encodeJobListCursor(cursor: JobListCursor): string {
  return encode(cursor.lastKey ? { shard: cursor.shard, lastKey: { pk: cursor.lastKey.pk, sk: cursor.lastKey.sk } } : { shard: cursor.shard });
}

/**
 * Decodes a job list cursor, checking that it fits a store with `shards` shards. Throws `ValidationError` otherwise.
 */
export function decodeJobListCursor(text: string, shards: number): JobListCursor {
  const value = decode(text) as { shard?: unknown; lastKey?: unknown } | undefined;
  if (typeof value !== 'object' || value === null) throw invalidCursor('cursor', text, 'not a cursor');
  const { shard, lastKey } = value;
  if (typeof shard !== 'number' || !Number.isInteger(shard) || shard < 0 || shard >= shards) {
    throw invalidCursor('cursor', text, `its shard ${JSON.stringify(shard)} is not an integer in 0..${shards - 1}`);
  }
  if (lastKey !== undefined && !isTableKey(lastKey)) throw invalidCursor('cursor', text, 'its last key is malformed');
  return lastKey === undefined ? { shard } : { shard, lastKey };
}

/** Encodes where a schedule listing stopped. */
export function encodeKeyCursor(key: TableKey): string {
  return encode({ pk: key.pk, sk: key.sk });
}

/**
 * Decodes a cursor made by `encodeKeyCursor`; `pk` must be the expected partition. Throws `ValidationError` otherwise.
 */
export function decodeKeyCursor(text: string, pk: string): TableKey {
  const value = decode(text);
  if (!isTableKey(value) || value.pk !== pk) throw invalidCursor('cursor', text, `not a cursor of partition "${pk}"`);
  return { pk: value.pk, sk: value.sk };
}

/** Encodes the index key of a `due` entry as a `DuePosition`. */
export function encodeDuePosition(key: DueIndexKey): string {
  return encode([key.duePk, key.dueSk, key.pk, key.sk]);
}

/** Decodes a `DuePosition`; it must belong to index partition `duePk`. Throws `ValidationError` otherwise. */
export function decodeDuePosition(text: string, duePk: string): DueIndexKey {
  const value = decode(text);
  if (
    !Array.isArray(value) ||
    value.length !== 4 ||
    typeof value[0] !== 'string' ||
    typeof value[1] !== 'number' ||
    typeof value[2] !== 'string' ||
    typeof value[3] !== 'string'
  ) {
    throw invalidCursor('after', text, 'not a due index position');
  }
  if (value[0] !== duePk) throw invalidCursor('after', text, `a position in "${value[0]}", not in "${duePk}"`);
  return { duePk: value[0], dueSk: value[1], pk: value[2], sk: value[3] };
}

/**
 * Orders `due` index entries by (dueSk, pk, sk): the memory store's order within one index partition. DynamoDB orders
 * by `dueSk` too but leaves the order of equal `dueSk` to itself (consistently, so paging by position stays exact).
 */
export function compareDueIndexKeys(a: DueIndexKey, b: DueIndexKey): number {
  if (a.dueSk !== b.dueSk) return a.dueSk - b.dueSk;
  if (a.pk !== b.pk) return a.pk < b.pk ? -1 : 1;
  return a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0;
}
