import { describe, expect, it } from 'vitest';
import { emfMetrics } from '../../bench/emf.ts';

const emf = (directives: unknown[], values: Record<string, unknown>) => JSON.stringify({ _aws: { Timestamp: 1, CloudWatchMetrics: directives }, ...values });

describe('emfMetrics', () => {
  it('names one metric per name and dimension set, with the dimension values of the document', () => {
    const line = emf(
      [{ Namespace: 'Sundial', Dimensions: [['service'], ['service', 'queue']], Metrics: [{ Name: 'JobsStarted' }, { Name: 'LatenessMs' }] }],
      { service: 'sundial', queue: 'default', JobsStarted: 1, LatenessMs: 4 },
    );
    expect(emfMetrics(line)).toEqual([
      'Sundial/JobsStarted{service=sundial}',
      'Sundial/JobsStarted{service=sundial,queue=default}',
      'Sundial/LatenessMs{service=sundial}',
      'Sundial/LatenessMs{service=sundial,queue=default}',
    ]);
  });

  it('a directive without dimensions publishes each metric once', () => {
    expect(emfMetrics(emf([{ Namespace: 'N', Metrics: [{ Name: 'M' }] }], { M: 1 }))).toEqual(['N/M{}']);
  });

  it.each([
    ['a plain log line', '{"level":"INFO","message":"Job started"}'],
    ['text', 'START RequestId: 1 Version: $LATEST'],
    ['broken JSON that mentions _aws', '{"_aws": '],
  ])('finds none in %s', (_name, line) => {
    expect(emfMetrics(line)).toEqual([]);
  });
});
