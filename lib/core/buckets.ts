/**
 * Keys of the `due` index (docs/architecture.md): minute buckets in UTC, write shards, lanes.
 */
import { ValidationError } from './errors.ts';
import { describeValue } from './validation.ts';

const MINUTE_MS = 60_000;
const BUCKET_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})Z$/;
const encoder = new TextEncoder();

/**
 * The write shard of an id: FNV-1a 32-bit over its UTF-8 bytes, mod `shards`. Stable across processes and versions,
 * because the shard is part of stored keys.
 */
export function shardOf(id: string, shards: number): number {
  if (!Number.isInteger(shards) || shards < 1) {
    throw new ValidationError(`\`shards\`: received ${describeValue(shards)}; expected an integer ≥ 1 (default 8)`);
  }
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(id)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** The UTC minute bucket holding epoch ms `ms`, written `2026-11-23T14:05Z` (sorts as time). */
export function bucketOf(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0 || ms >= Date.UTC(10000, 0, 1)) {
    throw new ValidationError(`bucket time: received ${describeValue(ms)}; expected epoch milliseconds between year 1970 and 9999`);
  }
  return `${new Date(ms).toISOString().slice(0, 16)}Z`;
}

/** Epoch ms at which a bucket starts. Throws `ValidationError` for a string that is not a bucket. */
export function bucketStartMs(bucket: string): number {
  const m = BUCKET_PATTERN.exec(bucket);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5])) : Number.NaN;
  // Round-tripping rejects '2026-02-30T25:61Z', which Date.UTC would silently roll over.
  if (!m || bucketOf(ms) !== bucket) {
    throw new ValidationError(`bucket: received ${describeValue(bucket)}; expected a UTC minute such as "2026-11-23T14:05Z"`);
  }
  return ms;
}

/** The bucket one minute later. */
export function nextBucket(bucket: string): string {
  return bucketOf(bucketStartMs(bucket) + MINUTE_MS);
}

/** Buckets from `fromBucket` through the bucket of `untilMs`, inclusive; `[]` when `fromBucket` is later. */
export function bucketsThrough(fromBucket: string, untilMs: number): string[] {
  const last = bucketStartMs(bucketOf(untilMs));
  const buckets: string[] = [];
  for (let ms = bucketStartMs(fromBucket); ms <= last; ms += MINUTE_MS) buckets.push(bucketOf(ms));
  return buckets;
}

/** Partition key of a bucket's entries for one shard in the `due` index. */
export function duePartitionKey(bucket: string, shard: number): string {
  return `${bucket}#${shard}`;
}

const LANE_PREFIX = 'lane#';

/** Partition key of a shard's lane in the `due` index (active schedules and transactional jobs not yet sent). */
export function lanePartitionKey(shard: number): string {
  return `${LANE_PREFIX}${shard}`;
}

/** Whether a `due` index partition key is a lane's (else it is a bucket's). */
export function isLanePartitionKey(duePk: string): boolean {
  return duePk.startsWith(LANE_PREFIX);
}
