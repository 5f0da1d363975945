/** Health: the sweeper's status (pause/resume), queue depth / in-flight / DLQ per queue (redrive), throughput and lateness charts. */
import { get, post } from '../api.ts';
import { lineChart } from '../chart.ts';
import { confirmAction } from '../confirm.ts';
import { fill, h } from '../dom.ts';
import { badge, duration } from '../format.ts';
import type { Page } from '../main.ts';

interface Health {
  queues: Array<{ name: string; depth: number; inFlight: number; delayed: number; deadLetters?: number }>;
  sweeper?: { state: 'running' | 'paused'; scheduleName: string; scheduleExpression: string } | { error: string };
}
interface Throughput {
  points: Array<{ minute: number; completed: number; failed: number; p50Ms?: number; p99Ms?: number }>;
  sampled: boolean;
}

/** The charts read many jobs: they refresh on every sixth poll (30 s), the counts on every poll. */
const CHART_EVERY_POLLS = 6;

export const healthPage: Page = async ({ config, main }) => {
  let polls = 0;
  const sweeperBox = h('section', { class: 'card', 'aria-labelledby': 'sweeper-title' });
  const queuesBox = h('section', { class: 'card', 'aria-labelledby': 'queues-title' });
  const charts = h('section', { class: 'card', 'aria-labelledby': 'charts-title' });
  const message = h('p', { role: 'status', class: 'muted' });
  fill(main, h('h1', {}, 'Health'), message, sweeperBox, queuesBox, charts);

  async function act(path: string, title: string, text: string, ok: string) {
    if (!(await confirmAction(title, text, ok))) return;
    try {
      const result = await post<Record<string, unknown>>(path);
      fill(message, `${ok}: done${'retried' in result ? ` (${result.retried} retried, ${result.skipped} skipped)` : ''}.`);
      await load();
    } catch (error) {
      fill(message, h('span', { class: 'error', role: 'alert' }, (error as Error).message));
    }
  }

  async function load() {
    const charted = polls++ % CHART_EVERY_POLLS === 0 ? loadCharts() : Promise.resolve();
    const health = await get<Health>('/api/health');
    const d = health.sweeper;
    fill(sweeperBox, h('h2', { id: 'sweeper-title' }, 'Sweeper'),
      !d ? h('p', { class: 'muted' }, 'The sweeper trigger is not configured (SUNDIAL_SWEEP_SCHEDULE).')
        : 'error' in d ? h('p', { class: 'error' }, d.error)
        : h('div', { class: 'row' }, badge(d.state), h('span', { class: 'muted' }, `${d.scheduleName} · ${d.scheduleExpression}`),
            !config.readOnly && (d.state === 'running'
              ? h('button', { type: 'button', class: 'danger', onclick: () => act('/api/sweeper/pause', 'Pause the sweeper?', 'The sweeper stops: nothing waiting in the table is sent and no schedule spawns until resumed. Jobs already in SQS still run.', 'Pause sweeper') }, 'Pause sweeper')
              : h('button', { type: 'button', onclick: () => act('/api/sweeper/resume', 'Resume the sweeper?', 'The next sweep catches up from where it stopped.', 'Resume sweeper') }, 'Resume sweeper'))),
    );
    fill(queuesBox, h('h2', { id: 'queues-title' }, 'Queues'),
      health.queues.length === 0 ? h('p', { class: 'muted' }, 'No queues configured (SUNDIAL_QUEUES).') :
      h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ...['Queue', 'Depth', 'In flight', 'Delayed', 'Dead letters', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, ...health.queues.map((q) => h('tr', {},
          h('td', { 'data-label': 'Queue' }, q.name), h('td', { 'data-label': 'Depth' }, q.depth), h('td', { 'data-label': 'In flight' }, q.inFlight),
          h('td', { 'data-label': 'Delayed' }, q.delayed), h('td', { 'data-label': 'Dead letters' }, q.deadLetters ?? '—'),
          h('td', {}, !config.readOnly && (q.deadLetters ?? 0) > 0 && h('button', { type: 'button', class: 'secondary', onclick: () => act(`/api/queues/${encodeURIComponent(q.name)}/redrive`, `Redrive ${q.name}?`, 'Each failed job whose copy is on the dead-letter queue runs again, and the copy is deleted.', 'Redrive') }, 'Redrive')),
        ))),
      )),
    );
    await charted;
  }

  async function loadCharts() {
    if (!charts.hasChildNodes()) fill(charts, h('h2', { id: 'charts-title' }, 'Last hour, per minute'), h('p', { class: 'muted' }, 'Reading the jobs…'));
    const series = await get<Throughput>('/api/throughput');
    const labels = series.points.map((p) => new Date(p.minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
    fill(charts, h('h2', { id: 'charts-title' }, 'Last hour, per minute'),
      series.sampled && h('p', { class: 'muted' }, 'Busy hour: the charts show a sample of the jobs.'),
      h('p', { class: 'muted' }, `Refreshed every ${CHART_EVERY_POLLS * config.pollSeconds} s.`),
      lineChart('Attempts ended per minute', labels, [
        { name: 'completed', values: series.points.map((p) => p.completed), className: 'c-ok' },
        { name: 'failed', values: series.points.map((p) => p.failed), className: 'c-bad' },
      ], (v) => String(Math.round(v))),
      lineChart('Start lateness per minute', labels, [
        { name: 'p50', values: series.points.map((p) => p.p50Ms ?? null), className: 'c-ok' },
        { name: 'p99', values: series.points.map((p) => p.p99Ms ?? null), className: 'c-warn' },
      ], duration),
    );
  }

  await load();
  return load;
};
