/**
 * Cron expressions: validation with messages that quote the bad part, expansion into value sets, and the next
 * matching instant in an IANA time zone under sundial's DST policy (docs/scheduling.md):
 *
 * - fixed local times (the hour field lists specific hours: `0 9 * * *`, `30 1,13 * * *`) fire exactly once per
 *   matching local time: in a spring-forward gap at the instant the gap ends, in a repeated hour on its first pass;
 * - schedules that step through the hours (hour field `*`, a step such as `*\/2`, or all 24 hours) follow absolute
 *   time: they fire in both passes of a repeated hour and not at all in a gap.
 *
 * Matching is computed here from the field sets and `Intl` offsets rather than delegated to cron-parser, whose
 * `next()` mishandles repeated hours and whose parser accepts `*\/5` as a full expression and rejects `0,7`.
 */
import { ValidationError } from './errors.ts';
import { gapEndMs, instantsAtWallTime, offsetMs } from './timezone.ts';
import { describeValue } from './validation.ts';

/** An expanded cron expression. Sets are sorted ascending; days of week are 0–6 with 0 = Sunday. */
export interface CronFields {
  readonly seconds: readonly number[];
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: readonly number[];
  readonly months: readonly number[];
  readonly daysOfWeek: readonly number[];
  /** False when the field is `*` or `?` (or starts with `*`): then only the other day field restricts days. */
  readonly dayOfMonthRestricted: boolean;
  readonly dayOfWeekRestricted: boolean;
  /** True when the hour field steps through hours, so the schedule follows absolute time across DST changes. */
  readonly followsAbsoluteTime: boolean;
  /** Years that match (AWS's year field), ascending; absent when every year does. */
  readonly years?: readonly number[];
  /**
   * Decides the day instead of the two day sets, for day rules that depend on the month (AWS's `L`, `W`, `#`); given a
   * wall date (UTC fields), true when it matches.
   */
  readonly matchesDay?: (wall: Date) => boolean;
}

/** One cron field: its name in messages, its range, its names (index 0 = `min` when `min` is 1) and an example. */
export interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly example: string;
  /** Day of week 0–7 where 7 is Sunday again (Vixie); `*` then means 0–6. */
  readonly sundayIsSeven?: boolean;
}

const SECOND: FieldSpec = { name: 'second', min: 0, max: 59, example: '0, */10, 0-30' };
const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59, example: '0, */15, 0,30, 10-20' },
  { name: 'hour', min: 0, max: 23, example: '9, */2, 9-17' },
  { name: 'day of month', min: 1, max: 31, example: '1, 15, 1-7, */2' },
  { name: 'month', min: 1, max: 12, example: '1, JAN, JAN-MAR, */3', names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 7, example: '1, MON, MON-FRI, 0 or 7 = Sunday', names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], sundayIsSeven: true },
];
const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MAX_EXPRESSION_LENGTH = 256;
const FORM = 'expected 5 fields "minute hour day-of-month month day-of-week" (or 6 with seconds first), such as "0 9 * * MON-FRI"';
// Days each month can have (February: 29, in leap years).
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function parseValue(text: string, spec: FieldSpec): number | undefined {
  if (/^\d+$/.test(text) && text.length <= Math.max(2, String(spec.max).length)) {
    const value = Number(text);
    return value >= spec.min && value <= spec.max ? value : undefined;
  }
  const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  return index < 0 ? undefined : index + (spec.min === 1 ? 1 : 0);
}

/**
 * Expands one field (values, names, `*`, `?`, lists, ranges, steps); problems quote the expression, the field and the
 * allowed form. Shared with AWS schedule expressions, which add their own day rules around it.
 *
 * @example
 * ```ts
 * expandField('*\/15', { name: 'minute', min: 0, max: 59, example: '0' }, '*\/15 * * * *').values; // Set {0, 15, 30, 45}
 * ```
 */
export function expandField(text: string, spec: FieldSpec, expression: string): { values: Set<number>; problems: string[] } {
  const values = new Set<number>();
  const problems: string[] = [];
  const where = `cron ${describeValue(expression)}, ${spec.name} field ${describeValue(text)}`;
  const allowed = `allowed: ${spec.min}-${spec.max}${spec.names ? ` or ${spec.names[0]}-${spec.names.at(-1)}` : ''}, *, lists, ranges a-b and steps /n (e.g. ${spec.example})`;
  for (const item of text.split(',')) {
    const match = /^([^/]*)(?:\/(.*))?$/.exec(item)!;
    const [, base = '', stepText] = match;
    let from: number | undefined;
    let to: number | undefined;
    if (base === '*' || base === '?') {
      [from, to] = [spec.min, spec.sundayIsSeven ? 6 : spec.max];
    } else if (base.includes('-')) {
      const [a = '', b = '', ...rest] = base.split('-');
      from = parseValue(a, spec);
      to = rest.length === 0 ? parseValue(b, spec) : undefined;
      if (from === undefined || to === undefined) {
        problems.push(`${where}: range ${describeValue(item)} is not valid; ${allowed}`);
        continue;
      }
      if (from > to) {
        problems.push(`${where}: range ${describeValue(base)} runs backwards; write it as a list of two ranges (e.g. 22-23,0-2), ${allowed}`);
        continue;
      }
    } else {
      from = parseValue(base, spec);
      if (from === undefined) {
        const hint = /^[LW#H]|[LW#H]$|#/i.test(base) ? ' (L, W, # and H are not supported)' : '';
        problems.push(`${where}: ${describeValue(item)} is not a valid value${hint}; ${allowed}`);
        continue;
      }
      // `5/15` means from 5 to the end in steps of 15, as in cron-parser and Quartz.
      to = stepText === undefined ? from : spec.sundayIsSeven ? 6 : spec.max;
    }
    let step = 1;
    if (stepText !== undefined) {
      step = /^\d{1,2}$/.test(stepText) ? Number(stepText) : 0;
      if (step < 1 || step > spec.max - spec.min + 1) {
        problems.push(`${where}: step ${describeValue(stepText)} is not valid; expected a whole number from 1 to ${spec.max - spec.min + 1}, ${allowed}`);
        continue;
      }
    }
    for (let v = from; v <= to; v += step) values.add(spec.sundayIsSeven && v === 7 ? 0 : v);
  }
  return { values, problems };
}

function sorted(values: Set<number>): number[] {
  return [...values].sort((a, b) => a - b);
}

function expand(expression: unknown, field: string): { fields?: CronFields; problems: string[] } {
  if (typeof expression !== 'string' || expression.trim() === '' || expression.length > MAX_EXPRESSION_LENGTH) {
    return { problems: [`\`${field}\`: received ${describeValue(expression)}; ${FORM}`] };
  }
  const trimmed = expression.trim();
  const source = trimmed.startsWith('@') ? MACROS[trimmed.toLowerCase()] : trimmed;
  if (source === undefined) {
    return { problems: [`\`${field}\`: received ${describeValue(expression)}, an unknown macro; expected one of ${Object.keys(MACROS).join(', ')}, or ${FORM}`] };
  }
  const parts = source.split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) {
    return { problems: [`\`${field}\`: received ${describeValue(expression)} with ${parts.length} field${parts.length === 1 ? '' : 's'}; ${FORM}`] };
  }
  const specs = parts.length === 6 ? [SECOND, ...FIELDS] : FIELDS;
  const expanded = parts.map((part, i) => expandField(part, specs[i]!, trimmed));
  const problems = expanded.flatMap((e) => e.problems);
  if (problems.length > 0) return { problems: problems.map((p) => `\`${field}\`: ${p}`) };
  const sets = expanded.map((e) => sorted(e.values));
  const [seconds, minutes, hours, daysOfMonth, months, daysOfWeek] = (parts.length === 6 ? sets : [[0], ...sets]) as number[][] as [
    number[], number[], number[], number[], number[], number[],
  ];
  const dayParts = parts.slice(-3);
  const dayOfMonthRestricted = !/^[*?]/.test(dayParts[0]!);
  const dayOfWeekRestricted = !/^[*?]/.test(dayParts[2]!);
  const fields: CronFields = {
    seconds, minutes, hours, daysOfMonth, months, daysOfWeek, dayOfMonthRestricted, dayOfWeekRestricted,
    followsAbsoluteTime: followsAbsoluteTime(parts.at(-4)!, hours),
  };
  // Only day-of-month can make an expression impossible (day-of-week matches some day of every month).
  const impossible = dayOfWeekRestricted ? undefined : impossibleDayProblem(months, daysOfMonth, expression, field);
  return impossible ? { problems: [impossible] } : { fields, problems: [] };
}

/**
 * The DST policy's split (docs/scheduling.md): an hour field that steps through the hours (`*`, `?`, a step, or all
 * 24 hours) follows absolute time; one that lists fixed hours fires once per local time.
 *
 * @example
 * ```ts
 * followsAbsoluteTime('*\/2', [0, 2, 4]); // true
 * followsAbsoluteTime('9', [9]);          // false
 * ```
 */
export function followsAbsoluteTime(hourText: string, hours: readonly number[]): boolean {
  return /^[*?]|\//.test(hourText) || hours.length === 24;
}

/**
 * The problem when no month given has any of the days of month given (`0 0 30 2 *`); `undefined` when some does.
 *
 * @example
 * ```ts
 * impossibleDayProblem([2], [30, 31], '0 0 30,31 2 *', 'cron'); // '`cron`: cron "0 0 30,31 2 *" never matches: ...'
 * ```
 */
export function impossibleDayProblem(months: readonly number[], daysOfMonth: readonly number[], expression: string, field: string): string | undefined {
  if (months.some((m) => daysOfMonth.some((d) => d <= MONTH_DAYS[m - 1]!))) return undefined;
  return `\`${field}\`: cron ${describeValue(expression)} never matches: no month given has day ${daysOfMonth.join(',')}; fix the day-of-month or month field`;
}

/**
 * Every problem with a cron expression; `[]` when valid. Exactly 5 fields (or 6 with seconds first), or a macro
 * (`@daily`, `@hourly`, ...). Each problem quotes the expression, the field and the allowed form.
 */
export function cronProblems(expression: unknown, field = 'cron'): string[] {
  return expand(expression, field).problems;
}

/** Validates and expands a cron expression. Throws `ValidationError` with every problem. */
export function parseCron(expression: string, field = 'cron'): CronFields {
  const { fields, problems } = expand(expression, field);
  if (!fields) throw new ValidationError(problems);
  return fields;
}

function dayMatches(fields: CronFields, wall: Date): boolean {
  if (fields.matchesDay) return fields.matchesDay(wall);
  const dom = fields.daysOfMonth.includes(wall.getUTCDate());
  const dow = fields.daysOfWeek.includes(wall.getUTCDay());
  // Vixie cron: when both day fields are restricted, a day matching either one matches; otherwise both must match
  // (an unrestricted `*` matches every day anyway, a `*\/2` still filters).
  return fields.dayOfMonthRestricted && fields.dayOfWeekRestricted ? dom || dow : dom && dow;
}

/** The first wall time ≥ `wallMs` (whole seconds, wall-clock-as-UTC scale) that the fields match, ignoring zones. */
export function nextWallMatch(fields: CronFields, wallMs: number): number {
  let t = Math.ceil(wallMs / 1000) * 1000;
  // Terminates: validation guarantees a matching day within 8 years (29 February across a non-leap century year), or
  // 28 years for AWS day rules such as the fifth Monday of February; past the last year of a year field: +Infinity.
  for (;;) {
    const d = new Date(t);
    const [y, mo, day, h, mi, s] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
    if (fields.years && !fields.years.includes(y)) {
      const year = fields.years.find((v) => v > y);
      if (year === undefined) return Number.POSITIVE_INFINITY;
      t = Date.UTC(year, 0, 1);
    } else if (!fields.months.includes(mo + 1)) t = Date.UTC(y, mo + 1, 1);
    else if (!dayMatches(fields, d)) t = Date.UTC(y, mo, day + 1);
    else if (!fields.hours.includes(h)) t = Date.UTC(y, mo, day, h + 1);
    else if (!fields.minutes.includes(mi)) t = Date.UTC(y, mo, day, h, mi + 1);
    else if (!fields.seconds.includes(s)) {
      const next = fields.seconds.find((v) => v > s);
      t = next === undefined ? Date.UTC(y, mo, day, h, mi + 1) : Date.UTC(y, mo, day, h, mi, next);
    } else return t;
  }
}

// Wider than any offset change in the tz database for years we schedule (Antarctica/Troll: 2 h), so sampling the
// offset this far either side of an instant finds any change that could reorder wall times near it.
const TRANSITION_MARGIN_MS = 4 * 3_600_000;

/** How far wall time falls back around `ms` (0 where the offset is steady or springs forward). */
function fallBackAround(timezone: string, ms: number): number {
  const before = offsetMs(timezone, ms - TRANSITION_MARGIN_MS);
  const after = offsetMs(timezone, ms + TRANSITION_MARGIN_MS);
  return Math.max(0, before - after);
}

/** The instants a matching wall time fires at, under the DST policy. */
function firingsOf(fields: CronFields, timezone: string, wallMs: number): number[] {
  return fields.followsAbsoluteTime ? instantsAtWallTime(timezone, wallMs) : [fixedWallTimeInstant(timezone, wallMs)];
}

/**
 * When a fixed local time happens, under the DST policy: its first pass in a repeated hour, the gap's end in a
 * spring-forward gap.
 *
 * @example
 * ```ts
 * fixedWallTimeInstant('America/New_York', Date.UTC(2026, 2, 8, 2, 30)); // Date.parse('2026-03-08T07:00:00Z')
 * ```
 */
export function fixedWallTimeInstant(timezone: string, wallMs: number): number {
  return instantsAtWallTime(timezone, wallMs)[0] ?? gapEndMs(timezone, wallMs);
}

/**
 * The first instant strictly after `afterMs` at which the expression fires in `timezone`, under the DST policy;
 * `+Infinity` when it never fires again (a year field that has run out).
 *
 * @example
 * ```ts
 * const daily = parseCron('30 2 * * *');
 * // 02:30 does not exist in New York on 2026-03-08: it fires when the gap ends, 03:00 EDT.
 * nextCronMs(daily, 'America/New_York', Date.parse('2026-03-07T12:00:00Z')); // Date.parse('2026-03-08T07:00:00Z')
 * ```
 */
export function nextCronMs(fields: CronFields, timezone: string, afterMs: number): number {
  // After a fall-back, an instant after `afterMs` can show an earlier wall time (the repeated hour), and a later wall
  // time can fire before an earlier one's second pass: scan from that much earlier, and that much past the best.
  let wall = nextWallMatch(fields, afterMs + offsetMs(timezone, afterMs) + 1 - fallBackAround(timezone, afterMs));
  let best = Number.POSITIVE_INFINITY;
  for (;;) {
    if (wall === Number.POSITIVE_INFINITY) return best;
    for (const instant of firingsOf(fields, timezone, wall)) if (instant > afterMs && instant < best) best = instant;
    if (best !== Number.POSITIVE_INFINITY && wall >= best + offsetMs(timezone, best) + fallBackAround(timezone, best)) return best;
    wall = nextWallMatch(fields, wall + 1000);
  }
}

