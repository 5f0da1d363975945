/**
 * Whether a value survives a JSON round trip unchanged. `JSON.stringify` silently turns a `Map` into `{}`, drops
 * functions, writes `NaN` as `null` and a `Date` as a string: a task would then receive something other than what the
 * caller passed. These values are rejected instead, each problem naming its path.
 */

/**
 * Problems with `value` as JSON data, each naming its path (`payload.items[2].at`). Plain objects, arrays, strings,
 * booleans, null and finite numbers pass; an `undefined` object property is allowed (JSON omits it, and reading it
 * gives `undefined` either way).
 *
 * @example
 * ```ts
 * jsonFidelityProblems({ when: new Date(0), tags: new Set() }, 'payload');
 * // ['`payload.when` is a Date: JSON turns it into a string; pass date.toISOString()', '`payload.tags` is a Set: …']
 * ```
 */
export function jsonFidelityProblems(value: unknown, path: string): string[] {
  const problems: string[] = [];
  walk(value, path, new Set(), problems);
  return problems;
}

/** Stop after this many problems: one message listing thousands helps nobody. */
const MAX_PROBLEMS = 10;

function walk(value: unknown, path: string, ancestors: Set<object>, problems: string[]): void {
  if (problems.length >= MAX_PROBLEMS) return;
  const problem = (what: string, fix: string): void => void problems.push(`\`${path}\` is ${what}: ${fix}`);
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) problem(String(value), 'JSON writes it as null; pass a finite number, or null');
      return;
    case 'bigint':
      return problem('a BigInt', 'JSON cannot hold it; pass it as a string');
    case 'undefined':
      return problem('undefined', 'JSON drops it (or writes null in an array); pass null');
    case 'function':
      return problem('a function', 'JSON drops it; pass data only');
    case 'symbol':
      return problem('a symbol', 'JSON drops it; pass a string');
  }
  if (value === null) return;
  const object = value as object;
  if (ancestors.has(object)) return problem('a circular reference', 'JSON cannot hold cycles; pass a tree');
  if (Array.isArray(object)) {
    ancestors.add(object);
    for (let i = 0; i < object.length; i++) {
      if (!(i in object)) problem(`an array with a hole at [${i}]`, 'JSON writes null there; fill it');
      else walk(object[i], `${path}[${i}]`, ancestors, problems);
    }
    ancestors.delete(object);
    return;
  }
  const proto = Object.getPrototypeOf(object) as object | null;
  if (proto !== Object.prototype && proto !== null) {
    const kind = (object as { constructor?: { name?: string } }).constructor?.name || 'an object with a prototype';
    const fix = object instanceof Date ? 'JSON turns it into a string; pass date.toISOString()' : 'JSON keeps only its own enumerable fields (a Map or Set becomes {}); pass a plain object or array';
    return problem(/^[A-Z]/.test(kind) ? `a ${kind}` : kind, fix);
  }
  if (Object.getOwnPropertySymbols(object).length > 0) problem('an object with symbol keys', 'JSON drops them; use string keys');
  ancestors.add(object);
  for (const [key, child] of Object.entries(object)) {
    if (child === undefined) continue;
    walk(child, `${path}.${key}`, ancestors, problems);
  }
  ancestors.delete(object);
}
