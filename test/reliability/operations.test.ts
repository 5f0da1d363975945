/**
 * Medium 7 and Low 13 of issue 11: concurrency limits, alarms, retention and log groups of the synthesized template,
 * and the visibility-timeout rule; plus the metric a sweep emits when it cannot take the lease.
 */
import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { buildStack, logicalId } from '../infra/helpers.ts';
import { MemoryJobQueue } from '../../lib/queue/memory-queue.ts';
import { MemoryJobStore } from '../../lib/store/memory-store.ts';
import { createSweeperHandler, SWEEPER_METRICS } from '../../lib/sweeper/sweeper-handler.ts';
import { sweepConfigFrom } from '../../lib/sweeper/sweep-config.ts';
import { lambdaContext, storedMetrics, T0 } from '../worker/harness.ts';

describe('operational defaults of the template', () => {
  const { stack, template } = buildStack();
  const sweeperId = logicalId(stack.scheduler.sweeper);
  const consumerId = logicalId(stack.scheduler.consumer);

  it('caps the consumer event source by default and reserves concurrency for the sweeper', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: Match.anyValue() } });
    const sweeper = template.toJSON().Resources[sweeperId].Properties;
    expect(sweeper.ReservedConcurrentExecutions).toBeGreaterThanOrEqual(1);
  });

  it('keeps main-queue messages 14 days (as long as their DLQ), and sets visibility to 6 × the consumer timeout', () => {
    const queue = template.toJSON().Resources[logicalId(stack.scheduler.queues.default!)].Properties;
    expect(queue.MessageRetentionPeriod).toBe(14 * 86_400);
    expect(queue.VisibilityTimeout).toBe(6 * 60);
  });

  it('never retries the sweeper asynchronously (the next sweep resumes from the cursors)', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: sweeperId },
      MaximumRetryAttempts: 0,
    });
  });

  it('gives every function a log group with retention', () => {
    for (const id of [sweeperId, consumerId]) {
      const fn = template.toJSON().Resources[id].Properties;
      const group = template.toJSON().Resources[fn.LoggingConfig?.LogGroup?.Ref];
      expect(group?.Type, id).toBe('AWS::Logs::LogGroup');
      expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });

  it.each([
    ['oldest message age', 'ApproximateAgeOfOldestMessage'],
    ['throttles', 'Throttles'],
    ['the sweeper not running', 'Invocations'],
    ['lateness', 'LatenessMs'],
    ['sweeps that could not take the lease', SWEEPER_METRICS.skipped],
  ])('alarms on %s', (_what, metricName) => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) => a.Properties.MetricName === metricName);
    expect(alarms.length).toBeGreaterThan(0);
  });

  it('rejects a visibility timeout equal to the consumer timeout (longer is required; the default is 6×)', () => {
    expect(() => buildStack({ consumerTimeout: Duration.minutes(1), visibilityTimeout: Duration.minutes(1) })).toThrow(/equal to `consumerTimeout`/);
    expect(() => buildStack({ consumerTimeout: Duration.minutes(1), visibilityTimeout: Duration.minutes(2) })).not.toThrow();
  });
});

describe('a sweep that cannot take the lease', () => {
  it('emits a metric instead of only logging', async () => {
    const store = new MemoryJobStore({ shards: 2 });
    await store.acquireSweep('someone-else', T0, T0 + 60_000);
    const metrics = new Metrics({ namespace: 'SundialTest', serviceName: 'sweeper' });
    const handler = createSweeperHandler({
      store,
      queue: new MemoryJobQueue(),
      clock: { nowMs: () => T0 + 1_000 },
      config: sweepConfigFrom({ shards: 2, lookaheadSec: 90 }),
      metrics: Object.assign(metrics, { publishStoredMetrics: () => undefined }),
      sleep: async () => {},
    } as never);
    const report = await handler({}, lambdaContext());
    expect(report.skipped).toBe(true);
    expect(storedMetrics(metrics)[SWEEPER_METRICS.skipped]).toEqual([1]);
  });
});
