import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../lib/core/errors.ts';
import { readConfig } from '../../lib/config.ts';

const base = { SUNDIAL_TABLE_NAME: 'sundial', SUNDIAL_QUEUES: '{"default":"http://127.0.0.1:1/q"}' };

describe('readConfig: SUNDIAL_PRECISION', () => {
  it.each([
    [undefined, 'millisecond'],
    ['', 'millisecond'],
    ['millisecond', 'millisecond'],
    ['second', 'second'],
  ])('%j reads as %s', (value, precision) => {
    expect(readConfig({ ...base, ...(value === undefined ? {} : { SUNDIAL_PRECISION: value }) }).precision).toBe(precision);
  });

  it('rejects anything else, naming the variable and the allowed values', () => {
    expect(() => readConfig({ ...base, SUNDIAL_PRECISION: 'ms' })).toThrow(ConfigurationError);
    expect(() => readConfig({ ...base, SUNDIAL_PRECISION: 'ms' })).toThrow(/SUNDIAL_PRECISION is "ms": set it to "millisecond" \(the default\) or "second"/);
  });
});
