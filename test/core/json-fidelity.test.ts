import { describe, expect, it } from 'vitest';
import { ItemTooLargeError } from '../../lib/core/errors.ts';
import { idProblems, scheduleIdProblems } from '../../lib/core/ids.ts';
import { jsonFidelityProblems } from '../../lib/core/json-fidelity.ts';

describe('jsonFidelityProblems: values a JSON round trip would change', () => {
  it('passes plain data, null-prototype objects and undefined object properties', () => {
    expect(jsonFidelityProblems({ s: 'a', b: true, n: 1.5, z: null, list: [1, 'x', { deep: [] }], gone: undefined }, 'payload')).toEqual([]);
    expect(jsonFidelityProblems(Object.assign(Object.create(null), { a: 1 }), 'payload')).toEqual([]);
  });

  it.each([
    ['NaN', Number.NaN, /`payload` is NaN: JSON writes it as null/],
    ['Infinity', Number.POSITIVE_INFINITY, /`payload` is Infinity/],
    ['a BigInt', 10n, /`payload` is a BigInt: JSON cannot hold it/],
    ['undefined', undefined, /`payload` is undefined: JSON drops it/],
    ['a function', () => 1, /`payload` is a function/],
    ['a symbol', Symbol('s'), /`payload` is a symbol/],
    ['a Date', new Date(0), /`payload` is a Date: JSON turns it into a string; pass date.toISOString\(\)/],
    ['a Map', new Map([[1, 2]]), /`payload` is a Map: .*a Map or Set becomes \{\}/],
    ['a Set', new Set([1]), /`payload` is a Set/],
    ['an object whose prototype has no constructor', Object.create(Object.create(null)), /`payload` is an object with a prototype/],
    ['an object with symbol keys', { [Symbol('k')]: 1 }, /`payload` is an object with symbol keys/],
  ])('rejects %s, naming its path', (_, value, message) => {
    const problems = jsonFidelityProblems(value, 'payload');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('names the path of a nested problem, array holes and cycles', () => {
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    const list: unknown[] = [1];
    list.push(list);
    // eslint-disable-next-line no-sparse-arrays
    expect(jsonFidelityProblems({ items: [1, , { at: new Date(0) }] }, 'payload')).toEqual([
      '`payload.items` is an array with a hole at [1]: JSON writes null there; fill it',
      '`payload.items[2].at` is a Date: JSON turns it into a string; pass date.toISOString()',
    ]);
    expect(jsonFidelityProblems(cyclic, 'payload')).toEqual(['`payload.self` is a circular reference: JSON cannot hold cycles; pass a tree']);
    expect(jsonFidelityProblems(list, 'payload')).toEqual(['`payload[1]` is a circular reference: JSON cannot hold cycles; pass a tree']);
  });

  it('stops at ten problems', () => {
    expect(jsonFidelityProblems(Array.from({ length: 50 }, () => Number.NaN), 'payload')).toHaveLength(10);
  });
});

describe('scheduleIdProblems: a schedule id never has the form of a job id', () => {
  it.each([['u:k1'], ['01KAT0V8Q5Z3M9XW1C4H7N2R6B']])('refuses %s', (id) => {
    expect(scheduleIdProblems(id, 'scheduleId')[0]).toMatch(/^`scheduleId`: received .*form of a job id/);
  });

  it('accepts a name', () => {
    expect(scheduleIdProblems('weekly-report')).toEqual([]);
  });
});

describe('idProblems: ids checked before any I/O', () => {
  it.each([
    ['undefined', undefined, /^`id`: received undefined \(undefined\); expected a job or schedule id/],
    ['a number', 7, /^`id`: received 7 \(number\)/],
    ['an empty string', '', /^`id`: received an empty string/],
    ['1025 bytes', 'x'.repeat(1025), /received 1025 characters .*ids are at most 1024 bytes/],
    ['a control character', 'a\nb', /with a control character/],
  ])('refuses %s', (_, id, message) => {
    expect(idProblems(id, 'id')[0]).toMatch(message);
  });

  it('accepts job ids and schedule names', () => {
    expect([...idProblems('01KAT0V8Q5Z3M9XW1C4H7N2R6B', 'id'), ...idProblems('u:send-email/k', 'id'), ...idProblems('weekly-report', 'id')]).toEqual([]);
  });
});

describe('ItemTooLargeError', () => {
  it('says what was refused, with the size when known, and how to fix it', () => {
    expect(new ItemTooLargeError('job "j_1"', 412_000).message).toBe(
      "The write to job \"j_1\" was refused: the item would exceed DynamoDB's 400 KB item limit (412000 bytes). Store large data in S3 and keep its key.",
    );
    const error = new ItemTooLargeError('job "j_2"');
    expect(error.name).toBe('ItemTooLargeError');
    expect(error.message).toContain('item limit. Store');
  });
});
