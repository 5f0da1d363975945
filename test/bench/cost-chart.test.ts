import { describe, expect, it } from 'vitest';
import { costChartOf, costChartSvg, type CostBar } from '../../bench/cost-chart.ts';
import type { PathCost } from '../../bench/cost.ts';

const split = (over: Partial<CostBar['split']> = {}): CostBar['split'] => ({
  dynamodb: 2.5, sqs: 0.5, lambdaRequests: 0.1, lambdaDuration: 0.4, logs: 0.25, eventbridge: 0, ...over,
});
const cost = (path: PathCost['path'], over: Partial<PathCost> = {}): PathCost => ({
  path, jobs: 100, writeUnits: 4, readUnits: 0, reportedReadUnits: 0, sqsRequests: 1, lambdaInvocations: 0.5,
  billedMs: { consumer: 250, sweeper: 0 }, gbSeconds: 0.06, logBytes: 500, requests: {}, split: split(),
  usdPerMillion: 3.75, usdPerMillionAt128Mb: 3.5, ...over,
});

/** The `width` of every bar segment, in drawing order. */
function segmentWidths(svg: string): number[] {
  return [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="18"/g)].map((m) => Number(m[1]));
}

describe('costChartSvg', () => {
  it('draws one segment per service with a cost, with widths proportional to dollars on a whole-dollar axis', () => {
    const svg = costChartSvg([{ label: 'swept', split: split() }], []);
    const widths = segmentWidths(svg);
    expect(widths).toHaveLength(5); // eventbridge is 0: no segment
    // Axis $0–$4 (the total, $3.75, rounded up) over the plot width: DynamoDB's $2.5 is 2.5 / 0.5 = 5× SQS's $0.5.
    expect(widths[0]! / widths[1]!).toBeCloseTo(5, 1);
    expect(svg).toContain('$3.75');
    expect(svg).toContain('>$4</text>');
    expect(svg).not.toContain('>$5</text>');
  });

  it('puts every marker on the axis and widens the axis to reach one beyond the bars', () => {
    const svg = costChartSvg([{ label: 'cheap', split: split({ dynamodb: 0.2, sqs: 0, lambdaRequests: 0, lambdaDuration: 0, logs: 0 }) }], [
      { label: 'EventBridge Scheduler', usdPerMillion: 1.2 },
    ]);
    expect(svg).toContain('EventBridge Scheduler $1.20');
    expect(svg).toContain('>$2</text>');
    expect(svg).toContain('stroke-dasharray');
  });

  it('escapes labels, and lists in the legend only the services that appear', () => {
    const svg = costChartSvg([{ label: 'a <b> & "c"', split: split() }], []);
    expect(svg).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
    expect(svg).toContain('>CloudWatch Logs</text>');
    expect(svg).not.toContain('>EventBridge</text>');
  });
});

describe('costChartOf', () => {
  it('shows the swept job per density, then the other paths, with EventBridge Scheduler and the provisioned price as markers', () => {
    const density = {
      sweepIntervalSec: 60, windowSec: 120,
      points: [1, 10].map((jobsPerSecond) => ({
        jobsPerSecond, cost: cost('swept'),
        lateness: { path: 'swept', notCompleted: 0, early: 0, lateness: { count: 1, p50: 1, p90: 1, p99: 1, max: 1, min: 1, mean: 1 } },
      })),
    };
    const { bars, markers } = costChartOf({ cost: { paths: [cost('direct'), cost('recurring'), cost('eventbridge')], fixed: undefined as never }, density });
    expect(bars.map((b) => b.label)).toEqual(['one-off job, 1 due per second', 'one-off job, 10 due per second', 'recurring occurrence', 'EventBridge rule target']);
    expect(markers.map((m) => m.label)).toEqual(['EventBridge Scheduler + Lambda', 'one-off, 10/s, provisioned table (128 MB consumer)']);
    expect(markers[0]!.usdPerMillion).toBeCloseTo(1.2);
  });
});
