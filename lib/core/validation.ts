/**
 * Shared validation helpers: the name rule for tasks, queues and schedule ids, and the one way problems become a
 * `ValidationError`. Every validator in sundial collects problems as strings first, so a caller can report all of them
 * at once.
 */
import { ValidationError } from './errors.ts';

/** Longest task name, queue name or schedule id. */
export const MAX_NAME_LENGTH = 128;

const NAME_PATTERN = /^[A-Za-z0-9._:-]+$/;

/** Renders a received value for an error message: strings quoted, objects as JSON, the rest as `String(value)`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : `Date(${value.toISOString()})`;
  if (typeof value === 'object' && value !== null) {
    try {
      const json = JSON.stringify(value);
      return json.length > 80 ? `${json.slice(0, 77)}...` : json;
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

/**
 * Problems with a task name, queue name or schedule id: 1–128 characters of `[A-Za-z0-9._:-]`. `#` is excluded
 * because it separates a schedule id from the fire time in occurrence job ids (`<scheduleId>#<fireAtMs>`).
 */
export function nameProblems(value: unknown, field: string): string[] {
  const expected = `expected 1–${MAX_NAME_LENGTH} characters of A-Z a-z 0-9 . _ : -`;
  if (typeof value !== 'string') {
    return [`\`${field}\`: received ${describeValue(value)} (${typeof value}); ${expected}, such as "send-email"`];
  }
  if (value.length === 0) return [`\`${field}\`: received an empty string; ${expected}, such as "send-email"`];
  if (value.length > MAX_NAME_LENGTH) {
    return [`\`${field}\`: received ${value.length} characters (${describeValue(value)}); ${expected}: shorten it`];
  }
  if (!NAME_PATTERN.test(value)) {
    const bad = [...new Set([...value].filter((ch) => !NAME_PATTERN.test(ch)))].map((ch) => JSON.stringify(ch));
    return [`\`${field}\`: received ${describeValue(value)} containing ${bad.join(', ')}; ${expected}: replace those characters`];
  }
  return [];
}

/** Throws one `ValidationError` listing every problem, if there are any. */
export function assertValid(problems: readonly string[]): void {
  if (problems.length > 0) throw new ValidationError(problems);
}
