/**
 * How both adapters page through jobs and `due` index partitions. The adapters differ only in how they read one page
 * of one partition (a DynamoDB `Query`, or a sorted slice of memory); walking the shards, cutting pages, filtering and
 * encoding cursors and positions happen here, once, so both stores page identically.
 */
import { StoredItemError, ValidationError } from '../core/errors.ts';
import {
  decodeDuePosition,
  decodeJobListCursor,
  decodeKeyCursor,
  encodeDuePosition,
  encodeJobListCursor,
  encodeKeyCursor,
  type DueIndexKey,
  type TableKey,
} from './cursors.ts';
import { fromJobItem, JOB_PARTITION_PREFIX, SCHEDULE_PARTITION, type JobItem } from './items.ts';
import { and, eq, ge, lt, type Condition } from './expressions.ts';
import type { DueEntry, DuePosition, JobRecord, ListJobsQuery, Page } from './types.ts';

/** Largest page a caller may ask for. */
export const MAX_PAGE_LIMIT = 1000;
/** With a filter, read at least this many items per request, since DynamoDB's `Limit` counts items before filtering. */
const FILTERED_READ_LIMIT = 100;

/** One read of a partition: items after `exclusiveStartKey` in key order; `lastKey` when the partition may go on. */
export interface PartitionRead<T> {
  readonly items: T[];
  readonly lastKey?: TableKey;
}

/**
 * Reads up to `limit` items (counted before `filter`, as DynamoDB's `Limit` does) of job partition `shard` after
 * `exclusiveStartKey`, returning those that match `filter`.
 */
export type JobPartitionReader = (
  shard: number,
  exclusiveStartKey: TableKey | undefined,
  limit: number,
  filter: Condition | undefined,
) => Promise<PartitionRead<JobItem>>;

/** An entry of the `due` index as a query on it returns it: the keys plus the projected `queue`. */
export type DueIndexItem = DueIndexKey & { readonly queue?: string };

/** Reads up to `limit` entries of index partition `duePk` due at or before `untilMs`, after `exclusiveStartKey`. */
export type DueIndexReader = (
  duePk: string,
  untilMs: number,
  exclusiveStartKey: DueIndexKey | undefined,
  limit: number,
) => Promise<{ items: DueIndexItem[]; more: boolean }>;

/** Checks a page size. Throws `ValidationError` quoting it. */
export function validateLimit(limit: number, field = 'limit', max = MAX_PAGE_LIMIT): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new ValidationError(
      `\`${field}\`: received ${JSON.stringify(limit)}; expected an integer from 1 to ${max}. Ask for a smaller page and ` +
        `follow the cursor for more.`,
    );
  }
}

/**
 * The filter of a job listing: `state` and `task` match exactly; the due range is half-open,
 * `dueAfterMs <= dueAtMs < dueBeforeMs`, so adjacent ranges never overlap.
 */
export function listJobsFilter(query: ListJobsQuery): Condition | undefined {
  const parts: Condition[] = [];
  if (query.state !== undefined) parts.push(eq('state', query.state));
  if (query.task !== undefined) parts.push(eq('task', query.task));
  if (query.dueAfterMs !== undefined) parts.push(ge('dueAtMs', query.dueAfterMs));
  if (query.dueBeforeMs !== undefined) parts.push(lt('dueAtMs', query.dueBeforeMs));
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : and(...parts);
}

/**
 * One page of `listJobs`: walks the job partitions in shard order (ids ascending within each) from the cursor, until
 * `limit` matching jobs or the last partition.
 */
export async function collectJobPage(query: ListJobsQuery, shards: number, read: JobPartitionReader): Promise<Page<JobRecord>> {
  validateLimit(query.limit);
  const filter = listJobsFilter(query);
  let { shard, lastKey } = query.cursor === undefined ? { shard: 0, lastKey: undefined } : decodeJobListCursor(query.cursor, shards);
  const items: JobRecord[] = [];
  while (shard < shards) {
    const remaining = query.limit - items.length;
    const readLimit = filter === undefined ? remaining : Math.min(MAX_PAGE_LIMIT, Math.max(remaining, FILTERED_READ_LIMIT));
    const page = await read(shard, lastKey, readLimit, filter);
    const taken = page.items.slice(0, remaining);
    items.push(...taken.map(fromJobItem));
    if (items.length === query.limit) {
      if (taken.length < page.items.length) {
        // Stopped inside this read: resume right after the last job returned.
        const last = taken[taken.length - 1]!;
        return { items, cursor: encodeJobListCursor({ shard, lastKey: { pk: last.pk, sk: last.sk } }) };
      }
      if (page.lastKey !== undefined) return { items, cursor: encodeJobListCursor({ shard, lastKey: page.lastKey }) };
      return shard + 1 < shards ? { items, cursor: encodeJobListCursor({ shard: shard + 1 }) } : { items };
    }
    if (page.lastKey !== undefined) {
      lastKey = page.lastKey;
    } else {
      shard += 1;
      lastKey = undefined;
    }
  }
  return { items };
}

/**
 * One page of `readBucket` / `readLane`. Reads one entry more than asked, so `done` is exact: a caller never pays a
 * request that returns nothing.
 */
export async function readDuePage(
  duePk: string,
  options: { after?: DuePosition; untilMs: number; limit: number },
  read: DueIndexReader,
): Promise<{ entries: DueEntry[]; done: boolean }> {
  validateLimit(options.limit);
  const start = options.after === undefined ? undefined : decodeDuePosition(options.after, duePk);
  // DynamoDB rejects an ExclusiveStartKey outside the key condition; nothing after such a position is due anyway.
  if (start !== undefined && start.dueSk > options.untilMs) return { entries: [], done: true };
  const page = await read(duePk, options.untilMs, start, options.limit + 1);
  return {
    entries: page.items.slice(0, options.limit).map(toDueEntry),
    done: page.items.length <= options.limit && !page.more,
  };
}

/** Turns an index entry into a `DueEntry`; its kind comes from the item's partition. */
export function toDueEntry(item: DueIndexItem): DueEntry {
  const position = encodeDuePosition(item);
  if (item.pk.startsWith(JOB_PARTITION_PREFIX)) {
    if (item.queue === undefined) {
      throw new StoredItemError(`(pk "${item.pk}", sk "${item.sk}")`, `in index partition "${item.duePk}" has no \`queue\` attribute; it was not written by sundial: delete it or enqueue the job again`);
    }
    return { kind: 'job', id: item.sk, queue: item.queue, dueAtMs: item.dueSk, position };
  }
  if (item.pk === SCHEDULE_PARTITION) return { kind: 'schedule', id: item.sk, dueAtMs: item.dueSk, position };
  throw new StoredItemError(`(pk "${item.pk}", sk "${item.sk}")`, `is neither a job nor a schedule but sits in index partition "${item.duePk}"; remove its \`duePk\` attribute, or the item`);
}

/**
 * One page of a single partition read in key order (`listSchedules`): `limit` items from the cursor, with a cursor
 * whenever the read stopped at `limit`.
 */
export async function collectKeyPage<T>(
  partition: string,
  query: { limit: number; cursor?: string },
  read: (exclusiveStartKey: TableKey | undefined, limit: number) => Promise<PartitionRead<T>>,
): Promise<Page<T>> {
  validateLimit(query.limit);
  const start = query.cursor === undefined ? undefined : decodeKeyCursor(query.cursor, partition);
  const page = await read(start, query.limit);
  return page.lastKey === undefined ? { items: page.items } : { items: page.items, cursor: encodeKeyCursor(page.lastKey) };
}
