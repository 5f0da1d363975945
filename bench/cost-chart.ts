/**
 * The picture of docs/cost.md: what a million jobs cost on each path, one stacked bar per path split by service, with
 * the anchors a reader compares against drawn as lines. Written by a plain full run and by `--render`, from the same
 * results as the tables, so the picture never disagrees with them. Pure: results in, SVG text out.
 */
import type { CostSplit, PathCost } from './cost.ts';
import { provisionedUsdPerMillion } from './cost.ts';
import { ANCHORS } from './prices.ts';
import type { BenchResults } from './report.ts';

/** One bar: a label and its dollars per million jobs by service. */
export interface CostBar {
  readonly label: string;
  readonly split: CostSplit;
}

/** A vertical line across the bars: a price to compare against. */
export interface CostMarker {
  readonly label: string;
  readonly usdPerMillion: number;
}

/** The services in the order they are stacked, with their legend names and colours (colour-blind-safe Okabe–Ito). */
const SEGMENTS: ReadonlyArray<{ key: keyof CostSplit; name: string; colour: string }> = [
  { key: 'dynamodb', name: 'DynamoDB', colour: '#0072B2' },
  { key: 'sqs', name: 'SQS', colour: '#E69F00' },
  { key: 'lambdaRequests', name: 'Lambda requests', colour: '#009E73' },
  { key: 'lambdaDuration', name: 'Lambda duration', colour: '#56B4E9' },
  { key: 'logs', name: 'CloudWatch Logs', colour: '#CC79A7' },
  { key: 'eventbridge', name: 'EventBridge', colour: '#D55E00' },
];

const WIDTH = 820;
const LABEL_WIDTH = 250;
const TOTAL_WIDTH = 60;
const ROW_HEIGHT = 30;
const BAR_HEIGHT = 18;
const TOP = 72;
const LEGEND_HEIGHT = 40;

/**
 * An SVG of stacked horizontal bars, one per path, on a shared dollar axis, with each marker as a dashed line.
 *
 * @example
 * ```ts
 * const svg = costChartSvg(
 *   [{ label: 'swept, 10 jobs/s', split: { dynamodb: 2.5, sqs: 0.44, lambdaRequests: 0.1, lambdaDuration: 0.45, logs: 0.26, eventbridge: 0 } }],
 *   [{ label: 'EventBridge Scheduler', usdPerMillion: 1.2 }],
 * );
 * writeFileSync('docs/images/cost-per-million.svg', svg);
 * ```
 */
export function costChartSvg(bars: readonly CostBar[], markers: readonly CostMarker[]): string {
  const plotWidth = WIDTH - LABEL_WIDTH - TOTAL_WIDTH - 20;
  const maxUsd = Math.max(1, ...bars.map((b) => totalOf(b.split)), ...markers.map((m) => m.usdPerMillion));
  const axisMax = Math.ceil(maxUsd);
  const x = (usd: number): number => LABEL_WIDTH + (usd / axisMax) * plotWidth;
  const plotBottom = TOP + bars.length * ROW_HEIGHT;
  const height = plotBottom + 24 + LEGEND_HEIGHT;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="20" y="20" font-size="14" font-weight="600">$ per million jobs, by service (us-east-1 prices, consumer at its default 256 MB)</text>`,
  ];
  for (let usd = 0; usd <= axisMax; usd++) {
    parts.push(`<line x1="${fixed(x(usd))}" y1="${TOP - 6}" x2="${fixed(x(usd))}" y2="${plotBottom}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${fixed(x(usd))}" y="${plotBottom + 16}" text-anchor="middle" fill="#555">$${usd}</text>`);
  }
  bars.forEach((bar, i) => {
    const y = TOP + i * ROW_HEIGHT;
    parts.push(`<text x="${LABEL_WIDTH - 8}" y="${y + BAR_HEIGHT / 2 + 4}" text-anchor="end">${escapeXml(bar.label)}</text>`);
    let from = 0;
    for (const segment of SEGMENTS) {
      const usd = bar.split[segment.key];
      if (usd <= 0) continue;
      parts.push(`<rect x="${fixed(x(from))}" y="${y}" width="${fixed(x(from + usd) - x(from))}" height="${BAR_HEIGHT}" fill="${segment.colour}"><title>${escapeXml(`${segment.name}: $${usd.toFixed(3)}`)}</title></rect>`);
      from += usd;
    }
    parts.push(`<text x="${fixed(x(from) + 6)}" y="${y + BAR_HEIGHT / 2 + 4}" fill="#222">$${from.toFixed(2)}</text>`);
  });
  markers.forEach((marker, i) => {
    const mx = fixed(x(marker.usdPerMillion));
    parts.push(`<line x1="${mx}" y1="${TOP - 10}" x2="${mx}" y2="${plotBottom}" stroke="#222" stroke-dasharray="4 3"/>`);
    // Labels alternate above the plot so that two close markers do not print over each other.
    parts.push(`<text x="${mx}" y="${TOP - 14 - (i % 2) * 14}" text-anchor="middle" font-size="11" fill="#222">${escapeXml(`${marker.label} $${marker.usdPerMillion.toFixed(2)}`)}</text>`);
  });
  const used = SEGMENTS.filter((s) => bars.some((b) => b.split[s.key] > 0));
  let lx = 20;
  for (const segment of used) {
    const ly = plotBottom + 34;
    parts.push(`<rect x="${lx}" y="${ly}" width="12" height="12" fill="${segment.colour}"/>`);
    parts.push(`<text x="${lx + 17}" y="${ly + 10}">${escapeXml(segment.name)}</text>`);
    // About 7 px a character at 12 px, plus the swatch and a gap.
    lx += 17 + segment.name.length * 7 + 24;
  }
  parts.push('</svg>', '');
  return parts.join('\n');
}

/**
 * The bars docs/cost.md shows, from a full run's results: the swept job at each production density, then the other
 * paths measured in their windows; the consumer at its deployed memory, as a user gets it by default. The markers are
 * EventBridge Scheduler's price and the swept job on a provisioned table at 10 jobs a second.
 *
 * @example
 * ```ts
 * const { bars, markers } = costChartOf(JSON.parse(readFileSync('bench/results/full-latest.json', 'utf8')));
 * ```
 */
export function costChartOf(results: Pick<BenchResults, 'cost' | 'density'>): { bars: CostBar[]; markers: CostMarker[] } {
  const bars: CostBar[] = [];
  for (const point of results.density?.points ?? []) bars.push({ label: `one-off job, ${point.jobsPerSecond} due per second`, split: point.cost.split });
  const shown: ReadonlyArray<[PathCost['path'], string]> = [
    ['direct, 50 callers', 'due within 15 min, 50 callers'],
    ['recurring', 'recurring occurrence'],
    ['transactional', 'in your transaction'],
    ['retried', 'retried once'],
    ['eventbridge', 'EventBridge rule target'],
  ];
  for (const [path, label] of shown) {
    const cost = results.cost.paths.find((c) => c.path === path);
    if (cost) bars.push({ label, split: cost.split });
  }
  const scheduler = ANCHORS.find((a) => a.name.startsWith('EventBridge Scheduler'));
  const markers: CostMarker[] = scheduler ? [{ label: 'EventBridge Scheduler + Lambda', usdPerMillion: scheduler.usdPerMillion }] : [];
  const ten = results.density?.points.find((p) => p.jobsPerSecond === 10);
  if (ten) markers.push({ label: 'one-off, 10/s, provisioned table (128 MB consumer)', usdPerMillion: provisionedUsdPerMillion(ten.cost) });
  return { bars, markers };
}

function totalOf(split: CostSplit): number {
  return SEGMENTS.reduce((sum, s) => sum + split[s.key], 0);
}

function fixed(n: number): string {
  return n.toFixed(1);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
