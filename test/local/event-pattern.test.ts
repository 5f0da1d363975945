import { describe, expect, it } from 'vitest';
import { assertSupportedPattern, eventPatternProblems, matchesEventPattern } from '../../infra/local/event-pattern.ts';
import { nextFiringMs } from '../../infra/local/scheduled-trigger.ts';
import { jsonPathValue, renderTemplate, targetInput } from '../../infra/local/target-input.ts';

const event = {
  id: 'e-1', source: 'shop', 'detail-type': 'Order Placed', resources: ['arn:a', 'arn:b'],
  detail: { total: 120, currency: 'EUR', tags: ['vip', 'eu'], customer: { tier: 'gold' }, note: null, city: 'Rome' },
};

describe('event patterns (the operators AWS documents)', () => {
  it.each([
    [{ source: ['shop'] }, true],
    [{ source: ['bank', 'shop'] }, true],
    [{ source: ['bank'] }, false],
    [{ detail: { customer: { tier: ['gold'] } } }, true],
    [{ detail: { tags: ['eu'] } }, true], // an array matches when any element does
    [{ detail: { note: [null] } }, true],
    [{ detail: { currency: [{ prefix: 'EU' }] } }, true],
    [{ detail: { currency: [{ suffix: 'UR' }] } }, true],
    [{ detail: { currency: [{ suffix: 'SD' }] } }, false],
    [{ 'detail-type': [{ 'equals-ignore-case': 'order placed' }] }, true],
    [{ detail: { city: [{ wildcard: 'R*e' }] } }, true],
    [{ detail: { city: [{ wildcard: 'M*' }] } }, false],
    [{ detail: { total: [{ numeric: ['>', 100, '<=', 120] }] } }, true],
    [{ detail: { total: [{ numeric: ['<', 100] }] } }, false],
    [{ detail: { total: [{ numeric: ['=', 120] }] } }, true],
    [{ detail: { total: [{ numeric: ['>=', 121] }] } }, false],
    [{ detail: { currency: [{ numeric: ['>', 0] }] } }, false],
    [{ detail: { currency: [{ 'anything-but': 'USD' }] } }, true],
    [{ detail: { currency: [{ 'anything-but': ['EUR', 'USD'] }] } }, false],
    [{ detail: { currency: [{ 'anything-but': { prefix: 'US' } }] } }, true],
    [{ detail: { currency: [{ 'anything-but': { suffix: 'UR' } }] } }, false],
    [{ detail: { total: [{ 'anything-but': { prefix: 'x' } }] } }, true],
    [{ detail: { tags: [{ 'anything-but': 'vip' }] } }, false],
    [{ detail: { missing: [{ 'anything-but': 'x' }] } }, false],
    [{ detail: { missing: [{ exists: false }] } }, true],
    [{ detail: { missing: [{ exists: true }] } }, false],
    [{ detail: { total: [{ exists: true }] } }, true],
    [{ detail: { total: [{ exists: false }] } }, false],
    [{ detail: { total: { nested: ['x'] } } }, false],
    [{ $or: [{ source: ['bank'] }, { detail: { total: [120] } }] }, true],
    [{ $or: [{ source: ['bank'] }, { detail: { total: [1] } }] }, false],
  ])('%j → %s', (pattern, expected) => {
    expect(eventPatternProblems(pattern)).toEqual([]);
    expect(matchesEventPattern(pattern as Record<string, unknown>, event)).toBe(expected);
  });

  it('rejects what it does not support, naming the field and the operator', () => {
    expect(eventPatternProblems({ detail: { ip: [{ cidr: '10.0.0.0/24' }] } })).toEqual([
      expect.stringMatching(/^detail\.ip: operator "cidr" is not supported locally; supported: exact values, prefix, suffix/),
    ]);
    expect(eventPatternProblems({ a: [{ prefix: { 'equals-ignore-case': 'x' } }], b: [[1]], c: [{ prefix: 'a', suffix: 'b' }], d: [{ exists: 1 }],
      e: [{ numeric: ['>', 'x'] }], f: [{ 'anything-but': { wildcard: 'x' } }], $or: [] })).toHaveLength(7);
    expect(eventPatternProblems([1])).toEqual([expect.stringMatching(/expected an object/)]);
    expect(() => assertSupportedPattern({ a: [{ cidr: 'x' }] }, 'R1')).toThrow(/rule R1, EventPattern a: operator "cidr"/);
    expect(() => assertSupportedPattern({ source: ['x'] }, 'R1')).not.toThrow();
  });
});

describe('target input (Input, InputPath, InputTransformer)', () => {
  it('renders as EventBridge does', () => {
    expect(jsonPathValue(event, '$.resources[1]')).toBe('arn:b');
    expect(jsonPathValue(event, '$.detail.customer.tier')).toBe('gold');
    expect(jsonPathValue(event, '$.detail.total.x')).toBeUndefined();
    expect(renderTemplate('{"a":<v>,"b":"id <v> \\"q\\"","c":<none>,"d":<missing>}', { v: 'x"y', none: undefined })).toBe(
      '{"a":"x\\"y","b":"id x\\"y \\"q\\"","c":null,"d":<missing>}',
    );
    expect(targetInput({ Input: '{"k":"<aws.scheduler.scheduled-time>"}' }, event, { 'aws.scheduler.scheduled-time': '2026-01-01T00:00:00Z' }))
      .toBe('{"k":"2026-01-01T00:00:00Z"}');
    expect(JSON.parse(targetInput({ InputPath: '$.detail.customer' }, event, {}))).toEqual({ tier: 'gold' });
    expect(JSON.parse(targetInput({ InputTransformer: { InputPathsMap: { t: '$.detail.total', all: '$' }, InputTemplate: '{"t":<t>,"e":<all>,"r":"<aws.events.rule-arn>"}' } }, event, { 'aws.events.rule-arn': 'arn:r' })))
      .toEqual({ t: 120, e: event, r: 'arn:r' });
    expect(JSON.parse(targetInput({}, event, {}))).toEqual(event);
    const { detail: _detail, ...envelope } = event;
    expect(JSON.parse(targetInput({ InputTransformer: { InputTemplate: '{"a":<aws.events.event>,"b":<aws.events.event.json>}' } }, event, {}))).toEqual({ a: envelope, b: event });
  });
});

describe('scheduled firings', () => {
  it.each([
    ['cron(0/1 * ? * * *)', 'UTC', '2026-01-01T12:00:30Z', '2026-01-01T12:01:00.000Z'],
    ['cron(0 9 ? * MON *)', 'Europe/Rome', '2026-01-01T00:00:00Z', '2026-01-05T08:00:00.000Z'],
    ['rate(5 minutes)', 'UTC', '2026-01-01T12:01:00Z', '2026-01-01T12:05:00.000Z'],
    ['at(2026-03-01T10:00:00)', 'America/New_York', '2026-01-01T00:00:00Z', '2026-03-01T15:00:00.000Z'],
  ])('%s in %s after %s', (expression, timezone, after, expected) => {
    expect(new Date(nextFiringMs(expression, timezone, Date.parse(after))!).toISOString()).toBe(expected);
  });

  it('ends, and rejects what AWS would reject', () => {
    expect(nextFiringMs('at(2026-03-01T10:00:00)', 'UTC', Date.parse('2026-06-01T00:00:00Z'))).toBeUndefined();
    expect(nextFiringMs('cron(0 0 1 1 ? 2020)', 'UTC', Date.parse('2026-06-01T00:00:00Z'))).toBeUndefined();
    expect(() => nextFiringMs('cron(0 9 * * MON *)', 'UTC', 0)).toThrow(/exactly one of the two must be \?/);
    expect(() => nextFiringMs('every 5 minutes', 'UTC', 0)).toThrow(/expected cron\(\.\.\.\), rate\(\.\.\.\) or at\(\.\.\.\)/);
    expect(() => nextFiringMs('at(tomorrow)', 'UTC', 0)).toThrow(/expected at\(yyyy-mm-ddThh:mm:ss\)/);
  });
});
