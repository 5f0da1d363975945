/**
 * The stored shape of jobs, schedules and the sweeper state in the one table: keys, index attributes and the mapping
 * between records and items (docs/architecture.md, "One table"). Pure functions both stores use.
 */
import { bucketOf, duePartitionKey, lanePartitionKey, shardOf } from '../core/buckets.ts';
import { TABLE_SCHEMA } from './schema.ts';
import type { JobRecord, JobState, ScheduleRecord, ScheduleTick, ShardCursor, SweepState } from './types.ts';

/** Attribute names of the keys, the `due` index and the TTL (the schema's, shared by every write rule). */
export const PK = TABLE_SCHEMA.partitionKey;
export const SK = TABLE_SCHEMA.sortKey;
export const DUE_PK = TABLE_SCHEMA.dueIndex.partitionKey;
export const DUE_SK = TABLE_SCHEMA.dueIndex.sortKey;
export const TTL = TABLE_SCHEMA.ttlAttribute;

/** Prefix of job partitions: `job#<shard>`. */
export const JOB_PARTITION_PREFIX = 'job#';
/** The partition holding every schedule. */
export const SCHEDULE_PARTITION = 'schedule';

/** States a job never leaves by itself; a `unique` job in one of them may be replaced by a new one. */
export const ENDED_STATES: readonly JobState[] = ['completed', 'failed', 'cancelled'];

/** The key of an item: `pk` and `sk`. */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** Attributes of an item that has an entry in the `due` index. */
export interface DueIndexAttributes {
  readonly duePk?: string;
  readonly dueSk?: number;
}

/** A job as stored: the record without `id` (it is `sk`) plus keys and index attributes. */
export type JobItem = ItemKey & DueIndexAttributes & Omit<JobRecord, 'id'>;

/** A schedule as stored: the record without `id` (it is `sk`) plus keys and its lane entry while active. */
export type ScheduleItem = ItemKey & DueIndexAttributes & Omit<ScheduleRecord, 'id'>;

/** The sweeper's one item: its lease and per-shard cursors. */
export interface SweeperItem extends ItemKey {
  readonly owner?: string;
  readonly leaseUntilMs?: number;
  /** Cursor per shard; DynamoDB map keys are strings, so shard numbers are stored as `"0"`, `"1"`, … */
  readonly cursors?: Readonly<Record<string, ShardCursor>>;
  /** Tick cursor per shard (epoch ms), keyed like `cursors`. */
  readonly tickCursors?: Readonly<Record<string, number>>;
}

/** A schedule's tick as stored: in its shard's tick partition, sorted by time; never in the `due` index. */
export interface TickItem extends ItemKey {
  readonly scheduleId: string;
  readonly atMs: number;
  readonly expiresAtEpochSec: number;
}

/** Prefix of tick partitions: `tick#<shard>`. */
export const TICK_PARTITION_PREFIX = 'tick#';
/** Digits of a tick's time in its sort key: epoch ms zero-padded, so the strings sort as the times do. */
const TICK_TIME_DIGITS = 15;

/**
 * Partition key of one shard's ticks.
 *
 * @example
 * ```ts
 * tickPartitionKey(3); // 'tick#3'
 * ```
 */
export function tickPartitionKey(shard: number): string {
  return `${TICK_PARTITION_PREFIX}${shard}`;
}

function tickTime(atMs: number): string {
  return String(atMs).padStart(TICK_TIME_DIGITS, '0');
}

/**
 * Maps a tick to its item: `{ pk: 'tick#<shard>', sk: '<atMs, 15 digits>#<scheduleId>' }`.
 *
 * @example
 * ```ts
 * toTickItem({ scheduleId: 'nightly', atMs: 1795424400000 }, 8, 1798016400).sk; // '001795424400000#nightly'
 * ```
 */
export function toTickItem(tick: ScheduleTick, shards: number, expiresAtEpochSec: number): TickItem {
  return {
    pk: tickPartitionKey(shardOf(tick.scheduleId, shards)),
    sk: `${tickTime(tick.atMs)}#${tick.scheduleId}`,
    scheduleId: tick.scheduleId,
    atMs: tick.atMs,
    expiresAtEpochSec,
  };
}

/**
 * The sort keys bounding the ticks due from `fromMs` through `untilMs`, both inclusive: `'$'` sorts right after the
 * `'#'` that ends a tick's time, so `through` is past every tick at `untilMs` and before any later one.
 *
 * @example
 * ```ts
 * tickRange(1000, 2000); // { from: '000000000001000', through: '000000000002000$' }
 * ```
 */
export function tickRange(fromMs: number, untilMs: number): { from: string; through: string } {
  return { from: tickTime(Math.max(0, fromMs)), through: `${tickTime(untilMs)}$` };
}

/**
 * Key of a job: `{ pk: 'job#<shard>', sk: id }`.
 *
 * @example
 * ```ts
 * jobKey('j_1', 8); // { pk: 'job#5', sk: 'j_1' }
 * ```
 */
export function jobKey(id: string, shards: number): ItemKey {
  return { pk: jobPartitionKey(shardOf(id, shards)), sk: id };
}

/**
 * Partition key of one job shard.
 *
 * @example
 * ```ts
 * jobPartitionKey(3); // 'job#3'
 * ```
 */
export function jobPartitionKey(shard: number): string {
  return `${JOB_PARTITION_PREFIX}${shard}`;
}

/**
 * Key of a schedule: `{ pk: 'schedule', sk: id }`.
 *
 * @example
 * ```ts
 * scheduleKey('nightly-report'); // { pk: 'schedule', sk: 'nightly-report' }
 * ```
 */
export function scheduleKey(id: string): ItemKey {
  return { pk: SCHEDULE_PARTITION, sk: id };
}

/**
 * Key of the sweeper state item.
 *
 * @example
 * ```ts
 * sweeperKey(); // { pk: 'sweeper', sk: 'state' }
 * ```
 */
export function sweeperKey(): ItemKey {
  return { pk: 'sweeper', sk: 'state' };
}

/**
 * The `due` index attributes of a job at its placement: its minute bucket, its shard's lane, or none.
 *
 * @example
 * ```ts
 * jobIndexAttributes({ ...record, placement: 'bucket' }, 8); // { duePk: '2026-11-23T14:05Z#5', dueSk: 1795…}
 * ```
 */
export function jobIndexAttributes(record: Pick<JobRecord, 'id' | 'dueAtMs' | 'placement'>, shards: number): DueIndexAttributes {
  const shard = shardOf(record.id, shards);
  switch (record.placement) {
    case 'bucket':
      return { duePk: duePartitionKey(bucketOf(record.dueAtMs), shard), dueSk: record.dueAtMs };
    case 'lane':
      return { duePk: lanePartitionKey(shard), dueSk: record.dueAtMs };
    case 'none':
      return {};
  }
}

/**
 * The `due` index attributes of a schedule: in its shard's lane at `nextRunAtMs` while active, else none.
 *
 * @example
 * ```ts
 * scheduleIndexAttributes({ id: 'nightly', paused: false, nextRunAtMs: 1795… }, 8); // { duePk: 'lane#2', dueSk: 1795… }
 * ```
 */
export function scheduleIndexAttributes(
  record: Pick<ScheduleRecord, 'id' | 'paused' | 'nextRunAtMs'>,
  shards: number,
): DueIndexAttributes {
  if (record.paused || record.nextRunAtMs === undefined) return {};
  return { duePk: lanePartitionKey(shardOf(record.id, shards)), dueSk: record.nextRunAtMs };
}

/** Copies an object without its `undefined` properties (DynamoDB stores no undefined). */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Maps a job record to its stored item.
 *
 * @example
 * ```ts
 * await doc.send(new PutCommand({ TableName, Item: toJobItem(record, 8) }));
 * ```
 */
export function toJobItem(record: JobRecord, shards: number): JobItem {
  const { id, ...fields } = record;
  return defined({ ...fields, ...jobKey(id, shards), ...jobIndexAttributes(record, shards) });
}

/**
 * Maps a stored job item back to its record.
 *
 * @example
 * ```ts
 * const job = fromJobItem(response.Item as JobItem);
 * ```
 */
export function fromJobItem(item: JobItem): JobRecord {
  const { pk: _pk, sk, duePk: _duePk, dueSk: _dueSk, ...fields } = item;
  return defined({ id: sk, ...fields });
}

/**
 * Maps a schedule record to its stored item.
 *
 * @example
 * ```ts
 * const item = toScheduleItem(schedule, 8);
 * ```
 */
export function toScheduleItem(record: ScheduleRecord, shards: number): ScheduleItem {
  const { id, ...fields } = record;
  return defined({ ...fields, ...scheduleKey(id), ...scheduleIndexAttributes(record, shards) });
}

/**
 * Maps a stored schedule item back to its record.
 *
 * @example
 * ```ts
 * const schedule = fromScheduleItem(response.Item as ScheduleItem);
 * ```
 */
export function fromScheduleItem(item: ScheduleItem): ScheduleRecord {
  const { pk: _pk, sk, duePk: _duePk, dueSk: _dueSk, ...fields } = item;
  return defined({ id: sk, ...fields });
}

/**
 * The saved cursors of a sweeper item (none yet: no cursors).
 *
 * @example
 * ```ts
 * sweepStateOf(response.Attributes as SweeperItem); // { cursors: { 0: { bucket: '2026-11-23T14:05Z' } }, tickCursors: { 0: 1795… } }
 * ```
 */
export function sweepStateOf(item: SweeperItem | undefined): SweepState {
  const cursors: Record<number, ShardCursor> = {};
  for (const [shard, cursor] of Object.entries(item?.cursors ?? {})) {
    cursors[Number(shard)] = cursor.after === undefined ? { bucket: cursor.bucket } : { bucket: cursor.bucket, after: cursor.after };
  }
  const tickCursors: Record<number, number> = {};
  for (const [shard, fromMs] of Object.entries(item?.tickCursors ?? {})) tickCursors[Number(shard)] = fromMs;
  return { cursors, tickCursors };
}
