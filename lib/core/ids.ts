/**
 * Job ids. Three kinds that cannot collide: random ULID-like ids (26 Crockford base32 characters), unique-key ids
 * (`u:<task>/<key>`: task names never contain '/', keys never '#'), and occurrence ids (`<scheduleId>#<fireAtMs>`).
 * Schedule ids never contain '#' or '/' and may not take the form of a random or unique-key job id
 * (`scheduleIdProblems`), so `cancel(id)` can never mistake one for the other.
 */
import { ValidationError } from './errors.ts';
import type { RandomSource } from './backoff.ts';
import { describeValue } from './validation.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;
const MAX_TIME_MS = 2 ** 48 - 1;
/** Longest unique key, in characters. */
export const MAX_UNIQUE_KEY_LENGTH = 512;
// DynamoDB sort keys are at most 1024 bytes; 'u:' and headroom included.
const MAX_UNIQUE_KEY_BYTES = 1000;
const encoder = new TextEncoder();

/**
 * A new random job id: 26 Crockford base32 characters, 10 of time (ms, so ids sort by creation time) and 16 of
 * randomness (80 bits).
 */
export function newJobId(nowMs: number, random: RandomSource): string {
  if (!Number.isInteger(nowMs) || nowMs < 0 || nowMs > MAX_TIME_MS) {
    throw new ValidationError(`\`nowMs\`: received ${describeValue(nowMs)}; expected integer epoch milliseconds from 0 to 2^48 − 1`);
  }
  let time = '';
  for (let rest = nowMs, i = 0; i < TIME_CHARS; i++, rest = Math.floor(rest / 32)) time = CROCKFORD[rest % 32] + time;
  let tail = '';
  for (let i = 0; i < RANDOM_CHARS; i++) tail += CROCKFORD[Math.floor(random() * 32) % 32];
  return time + tail;
}

/** Problems with a `unique` key: a non-empty string of at most 512 characters (1000 UTF-8 bytes) without '#'. */
export function uniqueKeyProblems(key: unknown, field = 'unique'): string[] {
  const expected = `expected a non-empty string of at most ${MAX_UNIQUE_KEY_LENGTH} characters without '#', such as "invoice-42"`;
  if (typeof key !== 'string') return [`\`${field}\`: received ${describeValue(key)} (${typeof key}); ${expected}`];
  if (key.length === 0) return [`\`${field}\`: received an empty string; ${expected}`];
  if (key.length > MAX_UNIQUE_KEY_LENGTH || encoder.encode(key).length > MAX_UNIQUE_KEY_BYTES) {
    return [`\`${field}\`: received ${key.length} characters (${describeValue(key)}); ${expected}: shorten or hash it`];
  }
  if (key.includes('#')) {
    return [`\`${field}\`: received ${describeValue(key)}; ${expected} ('#' is reserved for occurrence ids): replace it`];
  }
  return [];
}

/**
 * The job id of a `unique` key, scoped to its task: `u:<task>/<key>`, so enqueueing twice with the same task and key
 * targets the same item, and two tasks may use the same key.
 *
 * @example
 * ```ts
 * uniqueJobId('send-invoice', 'invoice-42'); // 'u:send-invoice/invoice-42'
 * ```
 */
export function uniqueJobId(task: string, key: string): string {
  const problems = uniqueKeyProblems(key);
  if (problems.length > 0) throw new ValidationError(problems);
  return `u:${task}/${key}`;
}

const RANDOM_ID_PATTERN = new RegExp(`^[${CROCKFORD}]{${TIME_CHARS + RANDOM_CHARS}}$`);

/**
 * Problems with a schedule id beyond the name rules: it may not have the form of a job id (26 Crockford base32
 * characters, or starting with `u:`), so a job id and a schedule id are never the same string.
 *
 * @example
 * ```ts
 * scheduleIdProblems('weekly-report'); // []
 * scheduleIdProblems('u:x');           // ['`id`: received "u:x"; …']
 * ```
 */
export function scheduleIdProblems(id: string, field = 'id'): string[] {
  if (id.startsWith('u:') || RANDOM_ID_PATTERN.test(id)) {
    return [`\`${field}\`: received ${describeValue(id)}, which has the form of a job id (26 base32 characters, or "u:…"); choose a schedule id such as "weekly-report"`];
  }
  return [];
}

/** The job id of a schedule's occurrence: deterministic, so a repeated sweep cannot spawn it twice. */
export function occurrenceJobId(scheduleId: string, fireAtMs: number): string {
  return `${scheduleId}#${fireAtMs}`;
}

/**
 * The schedule and slot of an occurrence's job id, or `undefined` when `id` is not one (schedule ids never hold '#').
 *
 * @example
 * ```ts
 * parseOccurrenceJobId('weekly-report#1795424400000'); // { scheduleId: 'weekly-report', fireAtMs: 1795424400000 }
 * parseOccurrenceJobId('u:send/invoice-42');            // undefined
 * ```
 */
export function parseOccurrenceJobId(id: string): { scheduleId: string; fireAtMs: number } | undefined {
  const hash = id.lastIndexOf('#');
  if (hash <= 0) return undefined;
  const fireAtMs = Number(id.slice(hash + 1));
  if (!/^\d+$/.test(id.slice(hash + 1)) || !Number.isSafeInteger(fireAtMs)) return undefined;
  return { scheduleId: id.slice(0, hash), fireAtMs };
}

const JOB_ID_SHAPE = new RegExp(`^[${CROCKFORD}]{${TIME_CHARS + RANDOM_CHARS}}$`);

/**
 * Whether `id` has a shape a job id can have: one of `newJobId`, `uniqueJobId` or `occurrenceJobId` (keep this in
 * step with them). `cancel(id)` uses it to skip a refused, billed job write for a schedule's name such as
 * "weekly-report", which no job can have.
 */
export function couldBeJobId(id: string): boolean {
  return JOB_ID_SHAPE.test(id) || id.startsWith('u:') || id.includes('#');
}

/** DynamoDB's sort key limit: no job or schedule id can be longer, so a longer one is a mistake, not a miss. */
const MAX_ID_BYTES = 1024;

/**
 * Problems with a job or schedule id passed to `get`, `cancel`, `pause`, `resume`, `retry` or `getSchedule`: a
 * non-empty string of at most 1024 UTF-8 bytes without control characters. Checked before any I/O.
 *
 * @example
 * ```ts
 * idProblems('', 'id'); // ['`id`: received an empty string; expected a job or schedule id such as …']
 * ```
 */
export function idProblems(id: unknown, field: string): string[] {
  const expected = 'expected a job or schedule id such as "01KAT0V8Q5Z3M9XW1C4H7N2R6B" or "weekly-report"';
  if (typeof id !== 'string') return [`\`${field}\`: received ${describeValue(id)} (${typeof id}); ${expected}`];
  if (id.length === 0) return [`\`${field}\`: received an empty string; ${expected}`];
  if (encoder.encode(id).length > MAX_ID_BYTES) return [`\`${field}\`: received ${id.length} characters (${describeValue(id)}); ${expected}: ids are at most ${MAX_ID_BYTES} bytes`];
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) return [`\`${field}\`: received ${describeValue(id)} with a control character; ${expected}`];
  return [];
}
