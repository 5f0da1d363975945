/**
 * Recurring schedules: a cron expression in an IANA time zone, or a fixed interval anchored at its first slot.
 */
import { awsCronProblems, awsExpressionKind, parseAwsCron, rateProblems, rateSeconds } from './aws-schedule-expression.ts';
import { fixedWallTimeInstant, nextCronMs, parseCron, cronProblems } from './cron.ts';
import type { CronFields } from './cron.ts';
import { durationProblems, parseDurationMs } from './duration.ts';
import type { DurationInput } from './duration.ts';
import { timezoneProblems } from './timezone.ts';
import { instantProblems, parseInstantMs } from './when.ts';
import { assertValid, describeValue } from './validation.ts';

/** The stored rule of a schedule: cron in a zone, or an interval in whole seconds. */
export type RecurrenceRule = { readonly cron: string; readonly timezone: string } | { readonly everySec: number };

/**
 * A recurring spec as callers write it: exactly one of `cron` (with optional `timezone`, default UTC) and `every`.
 * `cron` also takes AWS's `cron(…)` and `rate(…)` expressions, and `every` a `rate(…)`, as EventBridge writes them.
 */
export interface RecurringSpec {
  cron?: string;
  timezone?: string;
  every?: DurationInput;
  startAt?: Date | string;
  endAt?: Date | string;
  maxRuns?: number;
}

/** A validated recurring spec. */
export interface NormalizedRecurrence {
  rule: RecurrenceRule;
  startAtMs?: number;
  endAtMs?: number;
  maxRuns?: number;
}

/** Time zone of a cron rule when the spec gives none. */
export const DEFAULT_TIMEZONE = 'UTC';
/** Longest interval: one year (longer is a cron job, or a units mistake). */
export const MAX_EVERY_SEC = 366 * 86_400;
/** Most dates `nextRuns` returns at once. */
export const MAX_NEXT_RUNS = 10_000;

const cache = new Map<string, CronFields>();

function fieldsOf(cron: string): CronFields {
  let fields = cache.get(cron);
  if (!fields) {
    // Schedules repeat the same few expressions; the bound only guards against unbounded growth.
    if (cache.size >= 1000) cache.clear();
    fields = awsExpressionKind(cron) === 'cron' ? parseAwsCron(cron)! : parseCron(cron);
    cache.set(cron, fields);
  }
  return fields;
}

function specProblems(spec: unknown): string[] {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    return [`recurrence: received ${describeValue(spec)}; expected an object such as { cron: '0 9 * * MON', timezone: 'America/New_York' } or { every: '5m' }`];
  }
  const { cron, timezone, every, startAt, endAt, maxRuns } = spec as RecurringSpec;
  const problems: string[] = [];
  if ((cron === undefined) === (every === undefined)) {
    problems.push(`give exactly one of \`cron\` and \`every\` (received ${cron === undefined ? 'neither' : 'both'}), such as { cron: '0 9 * * *' } or { every: '5m' }`);
  }
  const cronKind = awsExpressionKind(cron);
  if (cronKind === 'at' || awsExpressionKind(every) === 'at') {
    problems.push(`received ${describeValue(cron ?? every)}, a one-time AWS schedule: enqueue a job with { at: '2026-12-01T09:00:00Z' } instead`);
  } else if (cronKind === 'rate') problems.push(...rateProblems(cron, 'cron'));
  else if (cronKind === 'cron') problems.push(...awsCronProblems(cron));
  else if (cron !== undefined) problems.push(...cronProblems(cron));
  const interval = cronKind === 'rate' || every !== undefined;
  if (timezone !== undefined) {
    problems.push(...timezoneProblems(timezone));
    if (interval) problems.push('`timezone` applies only to `cron`: an `every` interval (or a rate expression) is absolute time; remove `timezone`');
  }
  const rate = [cron, every].find((text) => awsExpressionKind(text) === 'rate');
  const everyKind = awsExpressionKind(every);
  if (everyKind === 'rate') problems.push(...rateProblems(every));
  if (everyKind === 'cron') problems.push(`\`every\`: received ${describeValue(every)}, a cron expression; pass it as \`cron\``);
  if (interval && (everyKind === undefined || everyKind === 'rate')) {
    const found = rate !== undefined ? [] : durationProblems(every, 'every');
    problems.push(...found);
    const ms = rate !== undefined ? (rateSeconds(rate as string) ?? 1) * 1000 : found.length === 0 ? parseDurationMs(every, 'every') : 1000;
    if (ms % 1000 !== 0 || ms < 1000 || ms > MAX_EVERY_SEC * 1000) {
      problems.push(`\`every\`: received ${describeValue(rate ?? every)}; expected whole seconds from 1 s to ${MAX_EVERY_SEC} s (366 days), such as 300 or '5m'`);
    }
  }
  const startProblems = startAt === undefined ? [] : instantProblems(startAt, 'startAt');
  const endProblems = endAt === undefined ? [] : instantProblems(endAt, 'endAt');
  problems.push(...startProblems, ...endProblems);
  if (startAt !== undefined && endAt !== undefined && startProblems.length + endProblems.length === 0) {
    if (parseInstantMs(endAt, 'endAt') <= parseInstantMs(startAt, 'startAt')) {
      problems.push(`\`endAt\` (${describeValue(endAt)}) is not after \`startAt\` (${describeValue(startAt)}); move endAt later`);
    }
  }
  // A safe integer: DynamoDB (and JSON) keep larger numbers only approximately.
  if (maxRuns !== undefined && !(Number.isSafeInteger(maxRuns) && maxRuns >= 1)) {
    problems.push(`\`maxRuns\`: received ${describeValue(maxRuns)}; expected a whole number from 1 to ${Number.MAX_SAFE_INTEGER}, or leave it out for no limit`);
  }
  return problems;
}

/**
 * Validates a recurring spec; throws one `ValidationError` with every problem. Cron rules get `timezone` (default
 * `'UTC'`); intervals become whole seconds.
 */
export function parseRecurrence(spec: RecurringSpec): NormalizedRecurrence {
  assertValid(specProblems(spec));
  const rate = [spec.cron, spec.every].find((text) => awsExpressionKind(text) === 'rate') as string | undefined;
  const rule: RecurrenceRule =
    rate !== undefined
      ? { everySec: rateSeconds(rate)! }
      : spec.cron !== undefined
        ? { cron: spec.cron.trim(), timezone: spec.timezone ?? DEFAULT_TIMEZONE }
        : { everySec: parseDurationMs(spec.every, 'every') / 1000 };
  const normalized: NormalizedRecurrence = { rule };
  if (spec.startAt !== undefined) normalized.startAtMs = parseInstantMs(spec.startAt, 'startAt');
  const endAtMs = Math.min(
    spec.endAt === undefined ? Number.POSITIVE_INFINITY : parseInstantMs(spec.endAt, 'endAt'),
    'cron' in rule ? yearFieldEndMs(rule) : Number.POSITIVE_INFINITY,
  );
  if (endAtMs !== Number.POSITIVE_INFINITY) normalized.endAtMs = endAtMs;
  if (spec.maxRuns !== undefined) normalized.maxRuns = spec.maxRuns;
  return normalized;
}

/**
 * Where an AWS year field runs out: the first instant of the year after its last one, in the rule's zone. Stored as
 * the schedule's end, so a schedule ends (rather than searching forever) once its years are over.
 */
function yearFieldEndMs(rule: { cron: string; timezone: string }): number {
  const lastYear = fieldsOf(rule.cron).years?.at(-1);
  if (lastYear === undefined) return Number.POSITIVE_INFINITY;
  return fixedWallTimeInstant(rule.timezone, Date.UTC(lastYear + 1, 0, 1));
}

/**
 * Problems with a recurring spec; `[]` when valid. For callers that report all fields at once.
 *
 * @example
 * ```ts
 * recurrenceProblems({ cron: '0 9 * *', every: 60 }); // both-given and 4-fields problems
 * ```
 */
export function recurrenceProblems(spec: unknown): string[] {
  return specProblems(spec);
}

/**
 * The slot strictly after `afterMs`. `every`: `anchorMs + k × everySec` (never drifts; the anchor is slot 0, so before
 * it the answer is the anchor). Cron: the next firing in the rule's zone under the DST policy (docs/scheduling.md).
 */
export function nextOccurrenceMs(rule: RecurrenceRule, afterMs: number, anchorMs: number): number {
  if ('everySec' in rule) {
    if (afterMs < anchorMs) return anchorMs;
    const stepMs = rule.everySec * 1000;
    return anchorMs + (Math.floor((afterMs - anchorMs) / stepMs) + 1) * stepMs;
  }
  return nextCronMs(fieldsOf(rule.cron), rule.timezone, afterMs);
}

/**
 * First slot of a new schedule created at `nowMs`: `every` → `startAt`, or `nowMs + every` rounded up to the whole
 * second (also its anchor); cron → the first firing ≥ `startAt`, or > `nowMs` without one. `undefined` when that is
 * not before `endAt`.
 */
export function firstOccurrenceMs(rec: NormalizedRecurrence, nowMs: number): number | undefined {
  const first =
    'everySec' in rec.rule
      ? rec.startAtMs ?? everyAnchorMs(rec.rule.everySec, nowMs)
      : nextOccurrenceMs(rec.rule, rec.startAtMs === undefined ? nowMs : rec.startAtMs - 1, nowMs);
  return rec.endAtMs !== undefined && first >= rec.endAtMs ? undefined : first;
}

/**
 * Slot 0 of an `every` rule without `startAt`, counted from `fromMs`: one interval later, rounded up to the whole
 * second. Whole seconds because SQS delays are whole seconds: such a slot's message becomes visible just before it is
 * due (the sweeper sends at its send phase), so the consumer waits a quarter of a second for it rather than whatever
 * fraction of a second the schedule happened to be created at; and "every 5 minutes" reads as on the second.
 */
function everyAnchorMs(everySec: number, fromMs: number): number {
  return Math.ceil(fromMs / 1000) * 1000 + everySec * 1000;
}

/**
 * The next `count` occurrences of a recurring spec strictly after `from`, honouring `startAt`, `endAt` and `maxRuns`
 * (counted from `startAt` when given, else from `from`). For `every` without `startAt` the first slot is `from + every`
 * rounded up to the whole second, as for a schedule created at `from`.
 * Throws `ValidationError` with every problem of the spec and options.
 *
 * @example
 * ```ts
 * nextRuns({ cron: '0 9 * * MON', timezone: 'America/New_York' }, { from: new Date('2026-11-23T00:00:00Z'), count: 2 });
 * // [2026-11-23T14:00:00.000Z, 2026-11-30T14:00:00.000Z]
 * ```
 */
export function nextRuns(spec: RecurringSpec, options: { from: Date | number; count: number }): Date[] {
  const problems = specProblems(spec);
  const from = options?.from;
  const fromOk = from instanceof Date ? !Number.isNaN(from.getTime()) : typeof from === 'number' && Number.isFinite(from);
  if (!fromOk) problems.push(`\`from\`: received ${describeValue(from)}; expected a Date or epoch milliseconds`);
  const count = options?.count;
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_NEXT_RUNS)) {
    problems.push(`\`count\`: received ${describeValue(count)}; expected a whole number from 1 to ${MAX_NEXT_RUNS}`);
  }
  assertValid(problems);
  const rec = parseRecurrence(spec);
  const fromMs = from instanceof Date ? from.getTime() : (from as number);
  const anchorMs = rec.startAtMs ?? ('everySec' in rec.rule ? everyAnchorMs(rec.rule.everySec, fromMs) : fromMs);
  const limit = rec.maxRuns ?? Number.POSITIVE_INFINITY;
  const runs: Date[] = [];
  let index: number;
  let slot: number;
  if (rec.startAtMs === undefined) {
    [index, slot] = [0, nextOccurrenceMs(rec.rule, fromMs, anchorMs)];
  } else if ('everySec' in rec.rule) {
    // Jump straight to the first slot after `from`: its index is what maxRuns counts.
    slot = nextOccurrenceMs(rec.rule, Math.max(fromMs, rec.startAtMs - 1), anchorMs);
    index = Math.round((slot - anchorMs) / (rec.rule.everySec * 1000));
  } else {
    [index, slot] = [0, nextOccurrenceMs(rec.rule, rec.startAtMs - 1, anchorMs)];
    while (slot <= fromMs && index < limit) [index, slot] = [index + 1, nextOccurrenceMs(rec.rule, slot, anchorMs)];
  }
  while (runs.length < count && index < limit && (rec.endAtMs === undefined || slot < rec.endAtMs)) {
    runs.push(new Date(slot));
    [index, slot] = [index + 1, nextOccurrenceMs(rec.rule, slot, anchorMs)];
  }
  return runs;
}
