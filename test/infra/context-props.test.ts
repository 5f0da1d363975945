import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { schedulerPropsFromContext } from '../../infra/context-props.ts';
import { ValidationError } from '../../lib/core/errors.ts';

const from = (context: Record<string, unknown>) => schedulerPropsFromContext((key) => context[key]);

describe('schedulerPropsFromContext', () => {
  it('returns no props for an empty context (the construct defaults apply)', () => {
    expect(from({})).toEqual({});
  });

  it('reads command-line strings and cdk.json values alike', () => {
    const props = from({
      tasksEntry: 'src/a.ts, src/b.ts',
      queues: '{"default":{},"emails":{"maxConcurrency":5}}',
      shards: '16',
      lookaheadSeconds: 120,
      retentionDays: '3',
      consumerTimeoutSeconds: '30',
      sweepIntervalMinutes: 1,
    });
    expect(props.tasksEntry).toEqual(['src/a.ts', 'src/b.ts']);
    expect(props.queues).toEqual({ default: {}, emails: { maxConcurrency: 5 } });
    expect(props.shards).toBe(16);
    expect(props.lookahead?.toSeconds()).toBe(120);
    expect(props.retention?.toDays()).toBe(3);
    expect(props.consumerTimeout?.toSeconds()).toBe(30);
    expect(props.sweepInterval?.toSeconds()).toBe(Duration.minutes(1).toSeconds());
    expect(from({ tasksEntry: '["x.ts","y.ts"]' }).tasksEntry).toEqual(['x.ts', 'y.ts']);
    expect(from({ queues: { default: { batchSize: 5 } } }).queues).toEqual({ default: { batchSize: 5 } });
  });

  it('reports every unreadable value at once', () => {
    let error: unknown;
    try {
      from({ shards: 'many', queues: '{"default": {"speed": 1}}', tasksEntry: '[1]', lookaheadSeconds: '' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const problems = (error as ValidationError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/`shards`: received "many"; expected a number, e\.g\. -c shards=10/);
    expect(problems.join('\n')).toMatch(/`queues`: received .*speed.*expected a JSON object of queue name/);
    expect(problems.join('\n')).toMatch(/`tasksEntry`: received "\[1\]"/);
    expect(problems.join('\n')).toMatch(/`lookaheadSeconds`: received ""/);
  });
});
