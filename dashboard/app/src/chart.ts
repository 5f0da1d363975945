/** A small SVG line chart (no chart library: two charts of 60 points do not need one), with a data table fallback. */
import { h } from './dom.ts';

export interface Series {
  readonly name: string;
  /** null: no value that minute (a gap in the line). */
  readonly values: ReadonlyArray<number | null>;
  readonly className: string;
}

const W = 600;
const H = 160;
const PAD = { left: 56, right: 8, top: 10, bottom: 22 };
const NS = 'http://www.w3.org/2000/svg';

/**
 * A titled chart; screen readers get the last values in text (the SVG is decorative for them).
 *
 * @example
 * ```ts
 * lineChart('Jobs per minute', labels, [{ name: 'completed', values, className: 'c-ok' }], String);
 * ```
 */
export function lineChart(title: string, labels: readonly string[], series: readonly Series[], format: (v: number) => string): HTMLElement {
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = Math.max(1, ...all);
  const x = (i: number) => PAD.left + (i * (W - PAD.left - PAD.right)) / Math.max(1, labels.length - 1);
  const y = (v: number) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', 'aria-hidden': 'true', focusable: 'false' });
  for (const f of [0, 0.5, 1]) {
    svg.append(svgEl('line', { x1: PAD.left, x2: W - PAD.right, y1: y(max * f), y2: y(max * f), class: 'grid' }));
    svg.append(text(format(max * f), PAD.left - 4, y(max * f) + 4, 'end'));
  }
  for (const i of [0, Math.floor(labels.length / 2), labels.length - 1]) if (labels[i]) svg.append(text(labels[i]!, x(i), H - 6, 'middle'));
  for (const s of series) {
    let d = '';
    s.values.forEach((v, i) => {
      if (v === null) return;
      d += `${d && s.values[i - 1] !== null ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    });
    svg.append(svgEl('path', { d, class: `line ${s.className}` }));
  }
  const latest = series.map((s) => {
    const last = [...s.values].reverse().find((v) => v !== null);
    return `${s.name} ${last === undefined || last === null ? '—' : format(last)}`;
  });
  return h('figure', { class: 'chart-box' },
    h('figcaption', {}, title, ' ', ...series.map((s) => h('span', { class: `key ${s.className}` }, s.name))),
    svg,
    h('p', { class: 'sr-only' }, `Latest minute: ${latest.join(', ')}`),
  );
}

function svgEl(tag: string, attrs: Record<string, string | number>): SVGElement {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el as SVGElement;
}

function text(content: string, x: number, y: number, anchor: string): SVGElement {
  const el = svgEl('text', { x, y, 'text-anchor': anchor, class: 'axis' });
  el.textContent = content;
  return el;
}
