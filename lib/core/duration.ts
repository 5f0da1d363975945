/**
 * Durations as callers write them: seconds as a number (`30`), a string with units (`'90s'`, `'5m'`, `'1h30m'`,
 * `'500ms'`, `'1d'`), or an object (`{ minutes: 5 }`). Internally every duration is whole milliseconds.
 */
import { assertValid, describeValue } from './validation.ts';

/** A duration as callers may write it. A bare number is seconds. */
export type DurationInput =
  | number
  | string
  | { days?: number; hours?: number; minutes?: number; seconds?: number; milliseconds?: number };

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
const OBJECT_UNIT_MS = { days: 86_400_000, hours: 3_600_000, minutes: 60_000, seconds: 1000, milliseconds: 1 } as const;
const STRING_PATTERN = /^(?:\d+(?:\.\d+)?(?:ms|d|h|m|s))+$/;
const PART_PATTERN = /(\d+(?:\.\d+)?)(ms|d|h|m|s)/g;
const EXPECTED = 'expected seconds ≥ 0 as a number (30), a string with units ("90s", "5m", "1h30m", "500ms", "1d") or an object ({ minutes: 5 })';

type Parsed = { readonly ms: number; readonly problems: string[] };

function parse(input: unknown, field: string): Parsed {
  const bad = (detail: string): Parsed => ({ ms: 0, problems: [`\`${field}\`: received ${describeValue(input)}${detail}; ${EXPECTED}`] });
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) return bad('');
    return { ms: Math.round(input * 1000), problems: [] };
  }
  if (typeof input === 'string') {
    const text = input.trim().toLowerCase();
    if (!STRING_PATTERN.test(text)) {
      return bad(/^\d+(\.\d+)?$/.test(text) ? ' (a string without a unit)' : '');
    }
    let ms = 0;
    for (const [, amount, unit] of text.matchAll(PART_PATTERN)) ms += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
    return { ms: Math.round(ms), problems: [] };
  }
  if (typeof input === 'object' && input !== null && !Array.isArray(input) && !(input instanceof Date)) {
    const problems: string[] = [];
    let ms = 0;
    const entries = Object.entries(input);
    if (entries.length === 0) return bad(' (no unit given)');
    for (const [key, value] of entries) {
      if (!(key in OBJECT_UNIT_MS)) {
        problems.push(`\`${field}.${key}\`: unknown unit; expected one of ${Object.keys(OBJECT_UNIT_MS).join(', ')}`);
      } else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        problems.push(`\`${field}.${key}\`: received ${describeValue(value)}; expected a number ≥ 0, such as { ${key}: 5 }`);
      } else {
        ms += value * OBJECT_UNIT_MS[key as keyof typeof OBJECT_UNIT_MS];
      }
    }
    return { ms: Math.round(ms), problems };
  }
  return bad(` (${input === null ? 'null' : typeof input})`);
}

/**
 * Every problem with a duration; `[]` when it is valid. For callers that validate many fields and report all at once.
 */
export function durationProblems(input: unknown, field: string): string[] {
  return parse(input, field).problems;
}

/**
 * A duration in whole milliseconds (rounded). Throws `ValidationError` naming `field` when the input is not a duration.
 */
export function parseDurationMs(input: unknown, field: string): number {
  const { ms, problems } = parse(input, field);
  assertValid(problems);
  return ms;
}
