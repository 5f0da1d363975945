/**
 * DynamoDB's item size, computed the way DynamoDB counts it (attribute names plus values, strings in UTF-8 bytes), so
 * the worker can tell whether a result fits before writing it and the memory store refuses what DynamoDB refuses.
 */

/** DynamoDB's item limit: 400 KB, attribute names included. */
export const MAX_ITEM_BYTES = 400 * 1024;

/**
 * Size in bytes of a document-client item. Numbers count their worst case (21 bytes); a list or map counts 3 bytes
 * plus 1 per element, as DynamoDB documents.
 *
 * @example
 * ```ts
 * itemSizeBytes({ pk: 'job#1', payload: '€' }); // 2 + 5 + 7 + 3 = 17
 * ```
 */
export function itemSizeBytes(item: object): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    total += Buffer.byteLength(name, 'utf8') + valueSizeBytes(value);
  }
  return total;
}

function valueSizeBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number' || typeof value === 'bigint') return 21;
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + valueSizeBytes(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + valueSizeBytes(v), 0);
  if (typeof value === 'object') return 3 + Object.keys(value).length + itemSizeBytes(value);
  return 0;
}
