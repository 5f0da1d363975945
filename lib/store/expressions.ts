/**
 * Conditions and updates as data. Each store operation describes its condition and its update once (in
 * `write-rules.ts`); the DynamoDB adapter compiles them to expression strings and the memory adapter evaluates them
 * on its items, so the two adapters cannot disagree about what a write requires or changes.
 *
 * Only the operators whose DynamoDB semantics are simple to mirror exist here: on DynamoDB, a comparison with a
 * missing attribute is false, and so it is in `evaluateCondition`.
 */
import { StoredItemError } from '../core/errors.ts';

/** A scalar that can appear in a condition. */
export type ConditionValue = string | number | boolean;

/** A condition on one item, mirroring DynamoDB's ConditionExpression. */
export type Condition =
  | { readonly op: 'exists' | 'notExists'; readonly attr: string }
  | { readonly op: 'eq' | 'ne' | 'lt' | 'le' | 'ge'; readonly attr: string; readonly value: ConditionValue }
  | { readonly op: 'in'; readonly attr: string; readonly values: readonly ConditionValue[] }
  | { readonly op: 'and' | 'or'; readonly conditions: readonly Condition[] };

/**
 * A change to one item, mirroring DynamoDB's UpdateExpression (SET / REMOVE).
 *
 * @example
 * ```ts
 * const update: AttributeUpdate = { set: { state: 'running' }, increment: { attempt: 1 }, remove: ['leaseUntilMs'] };
 * ```
 */
export interface AttributeUpdate {
  /** Attributes set to literal values (`undefined` values are skipped, not removed). */
  readonly set?: Readonly<Record<string, unknown>>;
  /** `target = if_not_exists(target, value)`: kept when the item has it (`undefined` values are skipped). */
  readonly setIfAbsent?: Readonly<Record<string, unknown>>;
  /** `target = if_not_exists(target, 0) + n`. */
  readonly increment?: Readonly<Record<string, number>>;
  /** `target = target + source`: both attributes must exist. */
  readonly addAttribute?: Readonly<Record<string, string>>;
  /** `target = source` (the source attribute must exist). */
  readonly copy?: Readonly<Record<string, string>>;
  readonly remove?: readonly string[];
}

/** @example `exists('pk')` → `attribute_exists(#pk)` */
export const exists = (attr: string): Condition => ({ op: 'exists', attr });
/** @example `notExists('pk')` → `attribute_not_exists(#pk)` */
export const notExists = (attr: string): Condition => ({ op: 'notExists', attr });
/** @example `eq('state', 'failed')` → `#state = :v0` */
export const eq = (attr: string, value: ConditionValue): Condition => ({ op: 'eq', attr, value });
/** @example `lt('leaseUntilMs', nowMs)` → `#leaseUntilMs < :v0` */
/** `attr <> value`; write `or(notExists(attr), ne(attr, value))` where a missing attribute must count as different. */
export const ne = (attr: string, value: ConditionValue): Condition => ({ op: 'ne', attr, value });
export const lt = (attr: string, value: ConditionValue): Condition => ({ op: 'lt', attr, value });
/** @example `le('dueAtMs', untilMs)` → `#dueAtMs <= :v0` */
export const le = (attr: string, value: ConditionValue): Condition => ({ op: 'le', attr, value });
/** @example `ge('dueAtMs', afterMs)` → `#dueAtMs >= :v0` */
export const ge = (attr: string, value: ConditionValue): Condition => ({ op: 'ge', attr, value });
/** @example `isIn('state', ['scheduled', 'retrying'])` → `#state IN (:v0, :v1)` */
export const isIn = (attr: string, values: readonly ConditionValue[]): Condition => ({ op: 'in', attr, values });
/** @example `and(exists('pk'), eq('state', 'failed'))` */
export const and = (...conditions: Condition[]): Condition => ({ op: 'and', conditions });
/** @example `or(notExists('pk'), isIn('state', ENDED_STATES))` */
export const or = (...conditions: Condition[]): Condition => ({ op: 'or', conditions });

/**
 * Collects `#name` and `:value` placeholders while expressions are compiled, so that a condition, an update and a key
 * condition of one request share one set of placeholders (reserved words such as `state` and `queue` never appear).
 *
 * @example
 * ```ts
 * const b = new ExpressionBuilder();
 * const ConditionExpression = b.condition(eq('state', 'failed'));
 * const request = { ConditionExpression, ...b.attributes() };
 * ```
 */
export class ExpressionBuilder {
  private readonly names = new Map<string, string>();
  private readonly values: Record<string, unknown> = {};
  private valueCount = 0;

  /** The placeholder of an attribute name. */
  name(attr: string): string {
    let placeholder = this.names.get(attr);
    if (placeholder === undefined) {
      placeholder = `#n${this.names.size}`;
      this.names.set(attr, placeholder);
    }
    return placeholder;
  }

  /** A fresh placeholder for a value. */
  value(value: unknown): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** Compiles a condition to a ConditionExpression / FilterExpression string. */
  condition(condition: Condition): string {
    switch (condition.op) {
      case 'exists':
        return `attribute_exists(${this.name(condition.attr)})`;
      case 'notExists':
        return `attribute_not_exists(${this.name(condition.attr)})`;
      case 'eq':
        return `${this.name(condition.attr)} = ${this.value(condition.value)}`;
      case 'ne':
        return `${this.name(condition.attr)} <> ${this.value(condition.value)}`;
      case 'lt':
        return `${this.name(condition.attr)} < ${this.value(condition.value)}`;
      case 'le':
        return `${this.name(condition.attr)} <= ${this.value(condition.value)}`;
      case 'ge':
        return `${this.name(condition.attr)} >= ${this.value(condition.value)}`;
      case 'in':
        return `${this.name(condition.attr)} IN (${condition.values.map((v) => this.value(v)).join(', ')})`;
      case 'and':
      case 'or':
        return condition.conditions.map((c) => `(${this.condition(c)})`).join(condition.op === 'and' ? ' AND ' : ' OR ');
    }
  }

  /** Compiles an update to an UpdateExpression string. */
  update(update: AttributeUpdate): string {
    const sets: string[] = [];
    for (const [attr, value] of Object.entries(update.set ?? {})) {
      if (value !== undefined) sets.push(`${this.name(attr)} = ${this.value(value)}`);
    }
    for (const [attr, value] of Object.entries(update.setIfAbsent ?? {})) {
      if (value !== undefined) sets.push(`${this.name(attr)} = if_not_exists(${this.name(attr)}, ${this.value(value)})`);
    }
    for (const [attr, n] of Object.entries(update.increment ?? {})) {
      const name = this.name(attr);
      sets.push(`${name} = if_not_exists(${name}, ${this.value(0)}) + ${this.value(n)}`);
    }
    for (const [attr, source] of Object.entries(update.addAttribute ?? {})) {
      sets.push(`${this.name(attr)} = ${this.name(attr)} + ${this.name(source)}`);
    }
    for (const [attr, source] of Object.entries(update.copy ?? {})) {
      sets.push(`${this.name(attr)} = ${this.name(source)}`);
    }
    const removes = (update.remove ?? []).map((attr) => this.name(attr));
    return [sets.length > 0 ? `SET ${sets.join(', ')}` : '', removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '']
      .filter((part) => part !== '')
      .join(' ');
  }

  /** The `ExpressionAttributeNames` / `ExpressionAttributeValues` of everything compiled so far. */
  attributes(): { ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } {
    const ExpressionAttributeNames = Object.fromEntries([...this.names].map(([attr, placeholder]) => [placeholder, attr]));
    // DynamoDB rejects an empty ExpressionAttributeValues map.
    return this.valueCount > 0
      ? { ExpressionAttributeNames, ExpressionAttributeValues: { ...this.values } }
      : { ExpressionAttributeNames };
  }
}

/** Evaluates a condition on an item (undefined: no item) the way DynamoDB does. */
export function evaluateCondition(condition: Condition, item: Readonly<Record<string, unknown>> | undefined): boolean {
  const read = (attr: string): unknown => item?.[attr];
  switch (condition.op) {
    case 'exists':
      return read(condition.attr) !== undefined;
    case 'notExists':
      return read(condition.attr) === undefined;
    case 'eq':
      return read(condition.attr) === condition.value;
    case 'ne':
      return read(condition.attr) !== undefined && read(condition.attr) !== condition.value;
    case 'lt':
    case 'le':
    case 'ge': {
      const actual = read(condition.attr);
      // DynamoDB compares only values of the same type; anything else (including a missing attribute) is false.
      if (typeof actual !== typeof condition.value || (typeof actual !== 'number' && typeof actual !== 'string')) return false;
      const a = actual as number | string;
      const b = condition.value as number | string;
      return condition.op === 'lt' ? a < b : condition.op === 'le' ? a <= b : a >= b;
    }
    case 'in':
      return condition.values.includes(read(condition.attr) as ConditionValue);
    case 'and':
      return condition.conditions.every((c) => evaluateCondition(c, item));
    case 'or':
      return condition.conditions.some((c) => evaluateCondition(c, item));
  }
}

/** Applies an update to a copy of an item (an absent item becomes a new one with `key`), the way DynamoDB does. */
export function applyUpdate(
  item: Readonly<Record<string, unknown>> | undefined,
  key: Readonly<Record<string, unknown>>,
  update: AttributeUpdate,
): Record<string, unknown> {
  const next: Record<string, unknown> = structuredClone({ ...item, ...key });
  // DynamoDB evaluates every operand against the item as it was before the update.
  const before = structuredClone(next);
  for (const [attr, value] of Object.entries(update.set ?? {})) {
    if (value !== undefined) next[attr] = structuredClone(value);
  }
  for (const [attr, value] of Object.entries(update.setIfAbsent ?? {})) {
    if (value !== undefined && before[attr] === undefined) next[attr] = structuredClone(value);
  }
  for (const [attr, n] of Object.entries(update.increment ?? {})) {
    next[attr] = ((before[attr] as number | undefined) ?? 0) + n;
  }
  for (const [attr, source] of Object.entries(update.addAttribute ?? {})) {
    next[attr] = requireNumber(before, attr) + requireNumber(before, source);
  }
  for (const [attr, source] of Object.entries(update.copy ?? {})) {
    if (before[source] === undefined) {
      throw new StoredItemError(itemKey(before), `has no attribute "${source}" for the update to copy (DynamoDB rejects this too); it was not written by sundial: delete it or rewrite it with sundial`);
    }
    next[attr] = structuredClone(before[source]);
  }
  for (const attr of update.remove ?? []) delete next[attr];
  return next;
}

function requireNumber(item: Readonly<Record<string, unknown>>, attr: string): number {
  const value = item[attr];
  if (typeof value !== 'number') {
    throw new StoredItemError(itemKey(item), `has ${JSON.stringify(value)} in attribute "${attr}" where the update adds a number; it was not written by sundial: delete it or rewrite it with sundial`);
  }
  return value;
}

/** How an item is named in an error: its key. */
function itemKey(item: Readonly<Record<string, unknown>>): string {
  return `(pk ${JSON.stringify(item.pk)}, sk ${JSON.stringify(item.sk)})`;
}
