/**
 * AWS schedule expressions, as EventBridge rules and EventBridge Scheduler take them, so an EventBridge user pastes
 * theirs unchanged: `cron(minutes hours day-of-month month day-of-week year)` and `rate(value unit)`.
 *
 * AWS's cron differs from Vixie cron: six fields with a year, day of week 1–7 with 1 = Sunday, one of the two day
 * fields must be `?`, and the day rules `L` (last day of the month; in day of week, Saturday, or `5L` the last
 * Thursday), `W` (`15W`: the weekday nearest the 15th, never crossing into another month) and `#` (`2#1`: the first
 * Monday). The fields expand with the same code as sundial's cron (`expandField`), and the result is evaluated by
 * `nextCronMs` in the schedule's time zone under the same DST policy (docs/scheduling.md).
 */
import { expandField, followsAbsoluteTime, impossibleDayProblem, type CronFields, type FieldSpec } from './cron.ts';
import { describeValue } from './validation.ts';

/** Which AWS expression a string is, by its prefix; `undefined` for anything else (a plain cron, a duration). */
export type AwsExpressionKind = 'cron' | 'rate' | 'at';

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface AwsField {
  readonly spec: FieldSpec;
  /** The wildcards AWS allows in the field, as its documentation lists them. */
  readonly wildcards: string;
}

const AWS_FIELDS: readonly AwsField[] = [
  { spec: { name: 'minutes', min: 0, max: 59, example: '0, 0/15, 5,35, 10-20' }, wildcards: ', - * /' },
  { spec: { name: 'hours', min: 0, max: 23, example: '9, 0/2, 9-17' }, wildcards: ', - * /' },
  { spec: { name: 'day-of-month', min: 1, max: 31, example: '1, 1-7, ?, L, 15W' }, wildcards: ', - * ? / L W' },
  { spec: { name: 'month', min: 1, max: 12, names: MONTH_NAMES, example: '1, JAN, JAN-MAR, 1/3' }, wildcards: ', - * /' },
  { spec: { name: 'day-of-week', min: 1, max: 7, names: DAY_NAMES, example: '2, MON-FRI, ?, 6L, 2#1 (1 = SUN)' }, wildcards: ', - * ? L #' },
  { spec: { name: 'year', min: 1970, max: 2199, example: '*, 2027, 2027-2030' }, wildcards: ', - * /' },
];
const CRON_FORM = 'expected cron(minutes hours day-of-month month day-of-week year) with six fields, such as cron(0 9 ? * MON-FRI *)';
const RATE_FORM = 'expected rate(value unit) with a whole number ≥ 1 and minute, minutes, hour, hours, day or days, such as rate(5 minutes) or rate(1 hour)';
const RATE_UNIT_SEC: Readonly<Record<string, number>> = { minute: 60, hour: 3600, day: 86_400 };

/**
 * The kind of AWS schedule expression `text` is (`cron(…)`, `rate(…)`, `at(…)`), or `undefined`.
 *
 * @example
 * ```ts
 * awsExpressionKind('cron(0 9 ? * MON-FRI *)'); // 'cron'
 * awsExpressionKind('0 9 * * MON');             // undefined
 * ```
 */
export function awsExpressionKind(text: unknown): AwsExpressionKind | undefined {
  if (typeof text !== 'string') return undefined;
  return /^\s*(cron|rate|at)\(/.exec(text)?.[1] as AwsExpressionKind | undefined;
}

/** A day rule of the two day fields; `undefined` day sets mean the field is `?` or `*`. */
type DayRule =
  | { kind: 'days'; daysOfMonth?: readonly number[]; daysOfWeek?: readonly number[] }
  | { kind: 'last-day-of-month' }
  | { kind: 'nearest-weekday'; day: number }
  | { kind: 'last-weekday-of-month'; dayOfWeek: number }
  | { kind: 'nth-weekday-of-month'; dayOfWeek: number; nth: number };

interface Expanded {
  readonly fields?: CronFields;
  readonly problems: string[];
}

/** Expands one plain field (no `L`, `W`, `#`) with the shared cron expansion; sets are sorted. */
function plain(text: string, field: AwsField, expression: string): { values: number[]; problems: string[] } {
  const { values, problems } = expandField(text, field.spec, expression);
  return { values: [...values].sort((a, b) => a - b), problems };
}

/** Problems with characters AWS does not allow in a field, before any expansion. */
function wildcardProblems(text: string, field: AwsField, expression: string): string[] {
  const allowed = new Set(field.wildcards.split(' '));
  const used = new Set(text.toUpperCase().replace(/[A-Z]{3}/g, (name) => (field.spec.names?.includes(name) ? '' : name)).match(/[^0-9]/g) ?? []);
  const wrong = [...used].filter((c) => !allowed.has(c));
  if (wrong.length === 0) return [];
  return [
    `cron ${describeValue(expression)}, ${field.spec.name} field ${describeValue(text)}: ${wrong.map((c) => describeValue(c)).join(', ')} not allowed here; ` +
      `allowed: ${field.spec.min}-${field.spec.max}${field.spec.names ? ` or ${field.spec.names[0]}-${field.spec.names.at(-1)}` : ''} and the wildcards ${field.wildcards} (e.g. ${field.spec.example})`,
  ];
}

/** One value of a day field through the shared expansion (so names and ranges are checked in one place). */
function single(text: string, field: AwsField, expression: string, what: string): { value?: number; problems: string[] } {
  const { values, problems } = plain(text, field, expression);
  if (problems.length > 0 || values.length !== 1) {
    return { problems: [`cron ${describeValue(expression)}, ${field.spec.name} field: ${what} ${describeValue(text)} is not one value from ${field.spec.min} to ${field.spec.max}`] };
  }
  return { value: values[0]!, problems: [] };
}

function dayRule(domText: string, dowText: string, expression: string): { rule?: DayRule; problems: string[] } {
  const [dom, dow] = [AWS_FIELDS[2]!, AWS_FIELDS[4]!];
  const where = `cron ${describeValue(expression)}`;
  if ((domText === '?') === (dowText === '?')) {
    return {
      problems: [
        `${where}: day-of-month ${describeValue(domText)} and day-of-week ${describeValue(dowText)}: exactly one of the two must be ?, as AWS requires ` +
          '(e.g. cron(0 9 ? * MON-FRI *) or cron(0 9 1 * ? *))',
      ],
    };
  }
  const special = /[LW#]/i;
  const text = domText === '?' ? dowText : domText;
  const field = domText === '?' ? dow : dom;
  if (!special.test(text)) {
    const { values, problems } = plain(text, field, expression);
    if (text === '*') return { rule: { kind: 'days' }, problems };
    // AWS numbers days of week 1 = SUN … 7 = SAT; sundial's fields use 0 = Sunday.
    return { rule: domText === '?' ? { kind: 'days', daysOfWeek: values.map((v) => v - 1) } : { kind: 'days', daysOfMonth: values }, problems };
  }
  if (text.includes(',') || text.includes('/')) {
    return { problems: [`${where}, ${field.spec.name} field ${describeValue(text)}: L, W and # stand alone in their field (no lists or steps), as in AWS; e.g. ${field.spec.example}`] };
  }
  const upper = text.toUpperCase();
  if (domText !== '?') {
    if (upper === 'L') return { rule: { kind: 'last-day-of-month' }, problems: [] };
    const w = /^(.+)W$/.exec(upper);
    if (w) {
      const { value, problems } = single(w[1]!, dom, expression, 'the day before W');
      return value === undefined ? { problems } : { rule: { kind: 'nearest-weekday', day: value }, problems };
    }
    return { problems: [`${where}, day-of-month field ${describeValue(text)}: expected L (last day of the month) or nW (weekday nearest day n, such as 15W)`] };
  }
  if (upper === 'L') return { rule: { kind: 'days', daysOfWeek: [6] }, problems: [] }; // the week's last day: Saturday
  const last = /^(.+)L$/.exec(upper);
  if (last) {
    const { value, problems } = single(last[1]!, dow, expression, 'the day before L');
    return value === undefined ? { problems } : { rule: { kind: 'last-weekday-of-month', dayOfWeek: value - 1 }, problems };
  }
  const nth = /^(.+)#(.*)$/.exec(upper);
  if (nth) {
    const { value, problems } = single(nth[1]!, dow, expression, 'the day before #');
    const n = /^[1-5]$/.test(nth[2]!) ? Number(nth[2]) : undefined;
    if (n === undefined) problems.push(`${where}, day-of-week field ${describeValue(text)}: the week after # must be 1 to 5 (2#1 is the first Monday)`);
    return value === undefined || n === undefined ? { problems } : { rule: { kind: 'nth-weekday-of-month', dayOfWeek: value - 1, nth: n }, problems };
  }
  return { problems: [`${where}, day-of-week field ${describeValue(text)}: expected L (Saturday), nL (the last day n of the month, such as 6L) or n#k (the k-th day n, such as 2#1)`] };
}

function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

/** The weekday nearest `day` in the month (Quartz's `W`: Saturday → Friday, Sunday → Monday, never leaving the month). */
function nearestWeekday(year: number, monthIndex: number, day: number): number {
  const last = daysInMonth(year, monthIndex);
  const d = Math.min(day, last);
  const dayOfWeek = new Date(Date.UTC(year, monthIndex, d)).getUTCDay();
  if (dayOfWeek === 6) return d === 1 ? 3 : d - 1;
  if (dayOfWeek === 0) return d === last ? d - 2 : d + 1;
  return d;
}

/** The day predicate of a rule that depends on the month (`L`, `W`, `nL`, `#`). */
function dayMatcher(rule: Exclude<DayRule, { kind: 'days' }>): (wall: Date) => boolean {
  return (wall) => {
    const [y, m, d, dow] = [wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate(), wall.getUTCDay()];
    switch (rule.kind) {
      case 'last-day-of-month':
        return d === daysInMonth(y, m);
      case 'nearest-weekday':
        return d === nearestWeekday(y, m, rule.day);
      case 'last-weekday-of-month':
        return dow === rule.dayOfWeek && d + 7 > daysInMonth(y, m);
      case 'nth-weekday-of-month':
        return dow === rule.dayOfWeek && Math.ceil(d / 7) === rule.nth;
    }
  };
}

const ALL_DAYS_OF_MONTH = Array.from({ length: 31 }, (_, i) => i + 1);
const ALL_DAYS_OF_WEEK = [0, 1, 2, 3, 4, 5, 6];

function expandCron(expression: unknown, field: string): Expanded {
  const text = typeof expression === 'string' ? expression.trim() : '';
  const inner = /^cron\((.*)\)$/.exec(text)?.[1]?.trim();
  if (inner === undefined || inner === '') return { problems: [`\`${field}\`: received ${describeValue(expression)}; ${CRON_FORM}`] };
  const parts = inner.split(/\s+/);
  if (parts.length !== 6) {
    return { problems: [`\`${field}\`: received ${describeValue(expression)} with ${parts.length} field${parts.length === 1 ? '' : 's'}; ${CRON_FORM}`] };
  }
  const problems = parts.flatMap((part, i) => wildcardProblems(part, AWS_FIELDS[i]!, text));
  if (problems.length > 0) return { problems: problems.map((p) => `\`${field}\`: ${p}`) };
  const [minutes, hours, months, years] = [0, 1, 3, 5].map((i) => plain(parts[i]!, AWS_FIELDS[i]!, text));
  const days = dayRule(parts[2]!, parts[4]!, text);
  problems.push(...[minutes, hours, months, years].flatMap((f) => f!.problems), ...days.problems);
  if (problems.length > 0 || days.rule === undefined) return { problems: problems.map((p) => `\`${field}\`: ${p}`) };
  const rule = days.rule;
  const domSet = rule.kind === 'days' ? rule.daysOfMonth : undefined;
  if (domSet) {
    const impossible = impossibleDayProblem(months!.values, domSet, text, field);
    if (impossible) return { problems: [impossible] };
  }
  const fields: CronFields = {
    seconds: [0],
    minutes: minutes!.values,
    hours: hours!.values,
    months: months!.values,
    daysOfMonth: domSet ?? ALL_DAYS_OF_MONTH,
    daysOfWeek: (rule.kind === 'days' ? rule.daysOfWeek : undefined) ?? ALL_DAYS_OF_WEEK,
    dayOfMonthRestricted: domSet !== undefined,
    dayOfWeekRestricted: rule.kind === 'days' && rule.daysOfWeek !== undefined,
    followsAbsoluteTime: followsAbsoluteTime(parts[1]!, hours!.values),
    ...(parts[5] === '*' ? {} : { years: years!.values }),
    ...(rule.kind === 'days' ? {} : { matchesDay: dayMatcher(rule) }),
  };
  return { fields, problems: [] };
}

/**
 * Every problem with an AWS `cron(…)` expression; `[]` when valid. Each names the field and what AWS allows there.
 *
 * @example
 * ```ts
 * awsCronProblems('cron(0 9 ? * MON-FRI *)'); // []
 * awsCronProblems('cron(0 9 * * MON *)');     // ['`cron`: … exactly one of the two must be ? …']
 * ```
 */
export function awsCronProblems(expression: unknown, field = 'cron'): string[] {
  return expandCron(expression, field).problems;
}

/**
 * Expands an AWS `cron(…)` expression into the fields `nextCronMs` evaluates. Throws nothing: call
 * `awsCronProblems` first (an invalid expression gives `undefined`).
 *
 * @example
 * ```ts
 * const fields = parseAwsCron('cron(0 9 ? * 2#1 *)')!; // 09:00 on the first Monday of each month
 * nextCronMs(fields, 'Europe/Rome', Date.parse('2027-01-01T00:00:00Z')); // Date.parse('2027-01-04T08:00:00Z')
 * ```
 */
export function parseAwsCron(expression: string): CronFields | undefined {
  return expandCron(expression, 'cron').fields;
}

function rate(expression: unknown, field: string): { everySec?: number; problems: string[] } {
  const text = typeof expression === 'string' ? expression.trim() : '';
  const match = /^rate\(\s*(\S+)\s+(\S+)\s*\)$/.exec(text);
  if (!match) return { problems: [`\`${field}\`: received ${describeValue(expression)}; ${RATE_FORM}`] };
  const [, valueText, unit] = match as unknown as [string, string, string];
  const problems: string[] = [];
  const value = /^[1-9]\d{0,8}$/.test(valueText) ? Number(valueText) : undefined;
  if (value === undefined) problems.push(`\`${field}\`: ${describeValue(text)}: value ${describeValue(valueText)} is not a whole number ≥ 1; ${RATE_FORM}`);
  const singular = unit.replace(/s$/, '');
  const seconds = RATE_UNIT_SEC[singular];
  if (seconds === undefined) {
    problems.push(`\`${field}\`: ${describeValue(text)}: unit ${describeValue(unit)} is not minute(s), hour(s) or day(s); ${RATE_FORM}`);
  } else if (value !== undefined && (value === 1) !== (unit === singular)) {
    // AWS rejects rate(1 minutes) and rate(5 minute): the unit is singular exactly when the value is 1.
    problems.push(`\`${field}\`: ${describeValue(text)}: write rate(${value} ${value === 1 ? singular : `${singular}s`}); AWS takes a singular unit for 1 and a plural one otherwise`);
  }
  return problems.length > 0 ? { problems } : { everySec: value! * seconds!, problems };
}

/**
 * Every problem with an AWS `rate(…)` expression; `[]` when valid.
 *
 * @example
 * ```ts
 * rateProblems('rate(5 minutes)'); // []
 * rateProblems('rate(1 hours)');   // ['`every`: "rate(1 hours)": write rate(1 hour); …']
 * ```
 */
export function rateProblems(expression: unknown, field = 'every'): string[] {
  return rate(expression, field).problems;
}

/**
 * The period of a valid `rate(…)` expression in seconds (call `rateProblems` first; an invalid one gives `undefined`).
 *
 * @example
 * ```ts
 * rateSeconds('rate(5 minutes)'); // 300
 * ```
 */
export function rateSeconds(expression: string): number | undefined {
  return rate(expression, 'every').everySec;
}
