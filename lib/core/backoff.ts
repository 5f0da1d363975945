/**
 * Retry policy: how many attempts a job gets and how long it waits between them (DESIGN §5 forms).
 */
import { ValidationError } from './errors.ts';
import { assertValid, describeValue } from './validation.ts';

/**
 * How long to wait before the next attempt:
 * - `{ type: 'exponential', baseSeconds?, maxSeconds? }`: full jitter, a random delay in [0, min(max, base × 2^(n−1))).
 * - `{ type: 'fixed', seconds }`: the same delay every time.
 * - `[1, 5, 30]`: delay n is entry n−1; the last entry repeats.
 */
export type BackoffSpec =
  | { readonly type: 'exponential'; readonly baseSeconds?: number; readonly maxSeconds?: number }
  | { readonly type: 'fixed'; readonly seconds: number }
  | readonly number[];

/** Default `baseSeconds` of an exponential backoff. */
export const DEFAULT_BACKOFF_BASE_SECONDS = 1;
/** Default `maxSeconds` of an exponential backoff: 1 hour. */
export const DEFAULT_BACKOFF_MAX_SECONDS = 3600;
/** Longest single delay accepted anywhere in a backoff: 7 days (a job retried later than that is better rescheduled). */
export const MAX_BACKOFF_SECONDS = 7 * 86_400;
/** Longest delay array accepted (it only needs as many entries as attempts, and attempts are at most 100). */
export const MAX_BACKOFF_STEPS = 100;
/** Most attempts a job may have. */
export const MAX_ATTEMPTS_LIMIT = 100;

/**
 * The default backoff: exponential with full jitter, base 1 s, capped at 1 h — attempt n waits a random time in
 * [0, min(3600, 2^(n−1))) seconds, which spreads a burst of failures instead of retrying them in lockstep.
 */
export const DEFAULT_BACKOFF: BackoffSpec = Object.freeze({
  type: 'exponential',
  baseSeconds: DEFAULT_BACKOFF_BASE_SECONDS,
  maxSeconds: DEFAULT_BACKOFF_MAX_SECONDS,
} as const);

/** Attempts a job gets when the caller does not say: 3 (the first run and two retries). */
export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * A source of uniform random numbers in [0, 1), injected so jitter and ids are reproducible in tests.
 *
 * @example
 * ```ts
 * const random: RandomSource = Math.random;
 * ```
 */
export type RandomSource = () => number;

const FORMS = "{ type: 'exponential', baseSeconds?, maxSeconds? }, { type: 'fixed', seconds } or an array of seconds such as [1, 5, 30]";

function secondsProblem(value: unknown, path: string, allowZero: boolean): string | undefined {
  const ok = typeof value === 'number' && Number.isFinite(value) && (allowZero ? value >= 0 : value > 0) && value <= MAX_BACKOFF_SECONDS;
  return ok
    ? undefined
    : `\`${path}\`: received ${describeValue(value)}; expected seconds ${allowZero ? '≥ 0' : '> 0'} and ≤ ${MAX_BACKOFF_SECONDS} (7 days)`;
}

function unknownKeys(input: object, allowed: readonly string[], field: string): string[] {
  return Object.keys(input)
    .filter((key) => !allowed.includes(key))
    .map((key) => `\`${field}.${key}\`: unknown option; expected only ${allowed.join(', ')}`);
}

/** Every problem with a backoff spec; `[]` when valid (`undefined` is valid: it means {@link DEFAULT_BACKOFF}). */
export function backoffProblems(input: unknown, field = 'backoff'): string[] {
  if (input === undefined) return [];
  if (Array.isArray(input)) {
    if (input.length === 0 || input.length > MAX_BACKOFF_STEPS) {
      return [`\`${field}\`: received an array of ${input.length} delays; expected 1–${MAX_BACKOFF_STEPS} delays in seconds, such as [1, 5, 30]`];
    }
    return input.flatMap((value, i) => secondsProblem(value, `${field}[${i}]`, true) ?? []);
  }
  if (typeof input !== 'object' || input === null) return [`\`${field}\`: received ${describeValue(input)}; expected ${FORMS}`];
  const spec = input as Record<string, unknown>;
  if (spec['type'] === 'exponential') {
    const problems = [
      ...unknownKeys(spec, ['type', 'baseSeconds', 'maxSeconds'], field),
      ...(spec['baseSeconds'] === undefined ? [] : [secondsProblem(spec['baseSeconds'], `${field}.baseSeconds`, false) ?? []].flat()),
      ...(spec['maxSeconds'] === undefined ? [] : [secondsProblem(spec['maxSeconds'], `${field}.maxSeconds`, false) ?? []].flat()),
    ];
    const base = (spec['baseSeconds'] as number | undefined) ?? DEFAULT_BACKOFF_BASE_SECONDS;
    const max = (spec['maxSeconds'] as number | undefined) ?? DEFAULT_BACKOFF_MAX_SECONDS;
    if (problems.length === 0 && max < base) {
      problems.push(`\`${field}\`: maxSeconds (${max}) is below baseSeconds (${base}); raise maxSeconds or lower baseSeconds`);
    }
    return problems;
  }
  if (spec['type'] === 'fixed') {
    return [...unknownKeys(spec, ['type', 'seconds'], field), ...[secondsProblem(spec['seconds'], `${field}.seconds`, true) ?? []].flat()];
  }
  return [`\`${field}.type\`: received ${describeValue(spec['type'])}; expected 'exponential' or 'fixed' (backoff forms: ${FORMS})`];
}

/**
 * A validated copy of a backoff spec (`undefined` → {@link DEFAULT_BACKOFF}). Throws `ValidationError` with every problem.
 */
export function validateBackoff(input: unknown, field = 'backoff'): BackoffSpec {
  assertValid(backoffProblems(input, field));
  if (input === undefined) return DEFAULT_BACKOFF;
  if (Array.isArray(input)) return Object.freeze([...(input as number[])]);
  const spec = input as Exclude<BackoffSpec, readonly number[]>;
  if (spec.type === 'fixed') return Object.freeze({ type: 'fixed', seconds: spec.seconds });
  return Object.freeze({
    type: 'exponential',
    baseSeconds: spec.baseSeconds ?? DEFAULT_BACKOFF_BASE_SECONDS,
    maxSeconds: spec.maxSeconds ?? DEFAULT_BACKOFF_MAX_SECONDS,
  });
}

/**
 * Problems with a `maxAttempts` value: an integer 1–100 (`undefined` is valid: it means {@link DEFAULT_MAX_ATTEMPTS}).
 */
export function maxAttemptsProblems(input: unknown, field = 'maxAttempts'): string[] {
  if (input === undefined) return [];
  const ok = typeof input === 'number' && Number.isInteger(input) && input >= 1 && input <= MAX_ATTEMPTS_LIMIT;
  return ok ? [] : [`\`${field}\`: received ${describeValue(input)}; expected an integer from 1 to ${MAX_ATTEMPTS_LIMIT} (1 = no retries)`];
}

/** A validated `maxAttempts` (`undefined` → {@link DEFAULT_MAX_ATTEMPTS}). Throws `ValidationError`. */
export function validateMaxAttempts(input: unknown, field = 'maxAttempts'): number {
  assertValid(maxAttemptsProblems(input, field));
  return (input as number | undefined) ?? DEFAULT_MAX_ATTEMPTS;
}

/**
 * Delay in ms before the next attempt, after `attempt` attempts have run (attempt ≥ 1). Exponential: full jitter,
 * `random() × min(max, base × 2^(attempt−1))`; fixed: `seconds`; array: entry `attempt − 1`, the last entry repeated.
 * Whole milliseconds. Throws `ValidationError` for an attempt that is not an integer ≥ 1.
 */
export function backoffDelayMs(spec: BackoffSpec, attempt: number, random: RandomSource): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new ValidationError(`\`attempt\`: received ${describeValue(attempt)}; expected an integer ≥ 1 (attempts already run)`);
  }
  if (Array.isArray(spec)) {
    const steps = spec as readonly number[];
    return Math.round(steps[Math.min(attempt, steps.length) - 1]! * 1000);
  }
  const form = spec as Exclude<BackoffSpec, readonly number[]>;
  if (form.type === 'fixed') return Math.round(form.seconds * 1000);
  const base = form.baseSeconds ?? DEFAULT_BACKOFF_BASE_SECONDS;
  const max = form.maxSeconds ?? DEFAULT_BACKOFF_MAX_SECONDS;
  // 2 ** 1024 is Infinity, which Math.min caps at max: no overflow to worry about.
  const capSeconds = Math.min(max, base * 2 ** (attempt - 1));
  return Math.floor(random() * capSeconds * 1000);
}
