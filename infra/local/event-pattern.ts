/**
 * EventBridge event patterns, matched locally (no well-kept matcher exists on npm). Supported, as AWS documents them:
 * exact values (strings, numbers, booleans, null; any of a list), `prefix`, `suffix`, `anything-but` (a value, a list,
 * or `{ prefix }` / `{ suffix }`), `numeric` (`=`, `>`, `>=`, `<`, `<=`, paired for ranges), `exists`,
 * `equals-ignore-case`, `wildcard` (`*`), and `$or`. An array in the event matches when any element does. Anything
 * else (`cidr`, nested `prefix: { equals-ignore-case }`, …) is rejected when the stack deploys, naming the operator.
 */
import { ValidationError } from '../../lib/core/errors.ts';

type Matcher = unknown;
const NUMERIC_OPERATORS = new Set(['=', '>', '>=', '<', '<=']);
const SUPPORTED = ['prefix', 'suffix', 'anything-but', 'numeric', 'exists', 'equals-ignore-case', 'wildcard'];

/**
 * Every problem with a pattern; `[]` when this matcher supports it.
 *
 * @example
 * ```ts
 * eventPatternProblems({ source: ['shop'], detail: { ip: [{ cidr: '10.0.0.0/24' }] } });
 * // ['detail.ip: operator "cidr" is not supported locally; supported: exact values, prefix, suffix, …']
 * ```
 */
export function eventPatternProblems(pattern: unknown, path = ''): string[] {
  if (typeof pattern !== 'object' || pattern === null || Array.isArray(pattern)) {
    return [`${path || 'pattern'}: expected an object of fields, received ${JSON.stringify(pattern)}`];
  }
  return Object.entries(pattern).flatMap(([key, value]) => {
    const where = path ? `${path}.${key}` : key;
    if (key === '$or') {
      return Array.isArray(value) && value.length > 0
        ? value.flatMap((branch, i) => eventPatternProblems(branch, `${where}[${i}]`))
        : [`${where}: expected a non-empty array of patterns`];
    }
    if (Array.isArray(value)) return value.flatMap((matcher) => matcherProblems(matcher, where));
    return eventPatternProblems(value, where);
  });
}

function matcherProblems(matcher: Matcher, where: string): string[] {
  if (typeof matcher !== 'object' || matcher === null) return [];
  if (Array.isArray(matcher)) return [`${where}: a list inside a list of values is not an event pattern`];
  const entries = Object.entries(matcher);
  if (entries.length !== 1) return [`${where}: a matcher object holds exactly one operator, received ${JSON.stringify(matcher)}`];
  const [operator, operand] = entries[0]!;
  const unsupported = `${where}: operator ${JSON.stringify(operator)} is not supported locally; supported: exact values, ${SUPPORTED.join(', ')} and $or`;
  switch (operator) {
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
    case 'wildcard':
      return typeof operand === 'string' ? [] : [`${unsupported} (with a string operand)`];
    case 'exists':
      return typeof operand === 'boolean' ? [] : [`${where}: exists takes true or false`];
    case 'numeric':
      return numericProblems(operand, where);
    case 'anything-but': {
      if (typeof operand === 'object' && operand !== null && !Array.isArray(operand)) {
        const [inner, value] = Object.entries(operand)[0] ?? [];
        return (inner === 'prefix' || inner === 'suffix') && typeof value === 'string' && Object.keys(operand).length === 1
          ? []
          : [`${where}: anything-but takes a value, a list of values, { prefix } or { suffix } here`];
      }
      return [];
    }
    default:
      return [unsupported];
  }
}

function numericProblems(operand: unknown, where: string): string[] {
  const ok =
    Array.isArray(operand) &&
    operand.length > 0 &&
    operand.length % 2 === 0 &&
    operand.every((item, i) => (i % 2 === 0 ? NUMERIC_OPERATORS.has(item as string) : typeof item === 'number'));
  return ok ? [] : [`${where}: numeric takes operator/number pairs such as [">", 0, "<=", 5]`];
}

/**
 * Throws `ValidationError` unless the pattern is supported (the local deployer calls it for each rule).
 *
 * @example
 * ```ts
 * assertSupportedPattern({ source: ['shop'] }, 'OrdersRule');
 * ```
 */
export function assertSupportedPattern(pattern: unknown, rule: string): void {
  const problems = eventPatternProblems(pattern);
  if (problems.length > 0) throw new ValidationError(problems.map((p) => `rule ${rule}, EventPattern ${p}`));
}

/**
 * Whether `event` matches `pattern` (a supported pattern: see `eventPatternProblems`).
 *
 * @example
 * ```ts
 * matchesEventPattern({ source: ['shop'], detail: { total: [{ numeric: ['>', 100] }] } }, { source: 'shop', detail: { total: 120 } }); // true
 * ```
 */
export function matchesEventPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  return Object.entries(pattern).every(([key, value]) => {
    if (key === '$or') return (value as Record<string, unknown>[]).some((branch) => matchesEventPattern(branch, event));
    const field = typeof event === 'object' && event !== null ? (event as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(value)) return matchesField(value, field);
    return matchesEventPattern(value as Record<string, unknown>, field);
  });
}

function matchesField(matchers: readonly Matcher[], field: unknown): boolean {
  if (field === undefined) return matchers.some((m) => isOperator(m, 'exists') && (m as { exists: boolean }).exists === false);
  const values = Array.isArray(field) ? field : [field];
  return matchers.some((matcher) => {
    // exists and anything-but judge the field as a whole; the others match when any element of an array does.
    if (isOperator(matcher, 'exists')) return (matcher as { exists: boolean }).exists;
    if (isOperator(matcher, 'anything-but')) return values.every((v) => !anythingBut((matcher as Record<string, unknown>)['anything-but'], v));
    return values.some((v) => matchesValue(matcher, v));
  });
}

function isOperator(matcher: Matcher, operator: string): boolean {
  return typeof matcher === 'object' && matcher !== null && operator in matcher;
}

/** True when `value` is one of what anything-but excludes. */
function anythingBut(operand: unknown, value: unknown): boolean {
  if (Array.isArray(operand)) return operand.some((o) => o === value);
  if (typeof operand === 'object' && operand !== null) {
    const { prefix, suffix } = operand as { prefix?: string; suffix?: string };
    if (typeof value !== 'string') return false;
    return prefix !== undefined ? value.startsWith(prefix) : value.endsWith(suffix!);
  }
  return operand === value;
}

function matchesValue(matcher: Matcher, value: unknown): boolean {
  if (typeof matcher !== 'object' || matcher === null) return matcher === value;
  const [operator, operand] = Object.entries(matcher)[0]!;
  const text = typeof value === 'string' ? value : undefined;
  switch (operator) {
    case 'prefix':
      return text !== undefined && text.startsWith(operand as string);
    case 'suffix':
      return text !== undefined && text.endsWith(operand as string);
    case 'equals-ignore-case':
      return text !== undefined && text.toLowerCase() === (operand as string).toLowerCase();
    case 'wildcard':
      return text !== undefined && wildcardRegExp(operand as string).test(text);
    default: // numeric
      return typeof value === 'number' && numericMatches(operand as (string | number)[], value);
  }
}

function wildcardRegExp(pattern: string): RegExp {
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`, 's');
}

function numericMatches(pairs: readonly (string | number)[], value: number): boolean {
  for (let i = 0; i < pairs.length; i += 2) {
    const bound = pairs[i + 1] as number;
    const ok = { '=': value === bound, '>': value > bound, '>=': value >= bound, '<': value < bound, '<=': value <= bound }[pairs[i] as '='];
    if (!ok) return false;
  }
  return true;
}
