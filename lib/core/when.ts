/**
 * When a one-off job is due: `{ in }` (a duration from now), `{ at }` (an absolute instant) or neither (now).
 * Absolute times are UTC instants: a string must carry its offset, because "09:00" alone means a different instant in
 * every zone and silently picking the server's zone is how jobs end up an hour off.
 */
import { durationProblems, parseDurationMs } from './duration.ts';
import type { DurationInput } from './duration.ts';
import { assertValid, describeValue } from './validation.ts';

/** How far ahead a job may be scheduled: 10 years of 365.25 days. Farther is almost surely a units mistake. */
export const MAX_AHEAD_MS = 3_652.5 * 86_400_000;

/** A one-off job's timing: at most one of `in` and `at`; neither means now. */
export interface OneOffSpec {
  in?: DurationInput;
  at?: Date | string;
}

// date, 'T', time (minutes required, seconds and fraction optional), then the offset (Z, ±HH:MM or ±HHMM).
const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;
const LOCAL_PATTERN = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?$/;
const EXPECTED = 'expected a Date or an ISO-8601 string with an offset, such as "2026-11-23T09:00:00Z" or "2026-11-23T09:00:00+02:00"';

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function instant(input: unknown, field: string): { ms: number; problems: string[] } {
  const bad = (detail: string) => ({ ms: Number.NaN, problems: [`\`${field}\`: received ${describeValue(input)}${detail}; ${EXPECTED}`] });
  if (input instanceof Date) {
    const ms = input.getTime();
    return Number.isNaN(ms) ? bad('') : { ms, problems: [] };
  }
  if (typeof input !== 'string') return bad(` (${input === null ? 'null' : typeof input})`);
  const text = input.trim();
  if (LOCAL_PATTERN.test(text)) {
    return {
      ms: Number.NaN,
      problems: [
        `\`${field}\`: received ${describeValue(input)} without a UTC offset, which would mean a different instant in every time zone; add 'Z' for UTC or an offset such as '+02:00'`,
      ],
    };
  }
  const m = ISO_PATTERN.exec(text);
  if (!m) return bad('');
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [
    number, number, number, number, number, number,
  ];
  const fractionMs = Math.floor(Number(`0.${m[7] ?? '0'}`) * 1000);
  const offsetMin = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  const outOfRange =
    month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59 ||
    Number(m[10] ?? 0) > 23 || Number(m[11] ?? 0) > 59;
  if (outOfRange) return bad(' (a field is out of range)');
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, fractionMs) - offsetMin * 60_000;
  return { ms, problems: [] };
}

/** Problems with an absolute instant; `[]` when valid. See {@link parseInstantMs}. */
export function instantProblems(input: unknown, field: string): string[] {
  return instant(input, field).problems;
}

/**
 * Epoch milliseconds of a `Date` or an ISO-8601 string that carries `Z` or an offset (`+02:00`, `-0500`). A string
 * without an offset is rejected with a message that says to add one. Throws `ValidationError` naming `field`.
 */
export function parseInstantMs(input: unknown, field: string): number {
  const { ms, problems } = instant(input, field);
  assertValid(problems);
  return ms;
}

/** Every problem with a one-off spec at `nowMs`; `[]` when valid. */
export function oneOffProblems(spec: unknown, nowMs: number): string[] {
  return resolve(spec, nowMs).problems;
}

function resolve(spec: unknown, nowMs: number): { ms: number; problems: string[] } {
  if (spec === undefined || spec === null) return { ms: nowMs, problems: [] };
  if (typeof spec !== 'object' || Array.isArray(spec)) {
    return { ms: nowMs, problems: [`options: received ${describeValue(spec)}; expected an object such as { in: 30 } or { at: "2026-11-23T09:00:00Z" }`] };
  }
  const { in: delay, at } = spec as OneOffSpec;
  const problems: string[] = [];
  if (delay !== undefined && at !== undefined) {
    problems.push(`give either \`in\` or \`at\`, not both (received in: ${describeValue(delay)}, at: ${describeValue(at)}); remove one`);
  }
  const limit = `at most 10 years ahead (${new Date(nowMs + MAX_AHEAD_MS).toISOString()})`;
  let ms = nowMs;
  if (delay !== undefined) {
    const found = durationProblems(delay, 'in');
    problems.push(...found);
    if (found.length === 0) {
      const delayMs = parseDurationMs(delay, 'in');
      if (delayMs > MAX_AHEAD_MS) problems.push(`\`in\`: received ${describeValue(delay)}; expected ${limit}: check the units (a number is seconds)`);
      ms = nowMs + delayMs;
    }
  }
  if (at !== undefined) {
    const parsed = instant(at, 'at');
    problems.push(...parsed.problems);
    if (parsed.problems.length === 0) {
      if (parsed.ms > nowMs + MAX_AHEAD_MS) problems.push(`\`at\`: received ${describeValue(at)}; expected ${limit}`);
      // A past instant is due now: the caller asked for "no later than then", and it can still run.
      ms = Math.max(parsed.ms, nowMs);
    }
  }
  return { ms, problems };
}

/**
 * The epoch ms a one-off job is due: `nowMs + in`, `at` (a past `at` is due now, i.e. `nowMs`), or `nowMs` when neither
 * is given. Throws one `ValidationError` with every problem (both given, bad duration, no offset, beyond 10 years).
 */
export function resolveDueAtMs(spec: OneOffSpec, nowMs: number): number {
  const { ms, problems } = resolve(spec, nowMs);
  assertValid(problems);
  return ms;
}
