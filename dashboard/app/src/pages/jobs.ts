/** The jobs list: filters (state, task, queue, due range), search by id or unique key, cursor pages, bulk actions. */
import { get, post, type Job, type Page as ApiPage } from '../api.ts';
import { confirmAction } from '../confirm.ts';
import { fill, h } from '../dom.ts';
import { badge, relative, timeEl } from '../format.ts';
import type { Page } from '../main.ts';

const FILTERS = ['state', 'task', 'queue', 'dueAfter', 'dueBefore', 'q'] as const;

export const jobsPage: Page = async ({ config, main, params }) => {
  const filter = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ''])) as Record<(typeof FILTERS)[number], string>;
  // Cursors of the pages before the current one, for "Previous".
  const cursors: string[] = [];
  let cursor: string | undefined;
  let page: ApiPage<Job> = { items: [] };

  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter jobs', onsubmit: (e: Event) => apply(e) },
    field('State', h('select', { name: 'state' }, h('option', { value: '' }, 'any'), ...config.states.map((s) => h('option', { value: s, selected: s === filter.state }, s)))),
    field('Task', h('input', { name: 'task', value: filter.task, placeholder: 'send-email', autocomplete: 'off' })),
    field('Queue', h('select', { name: 'queue' }, h('option', { value: '' }, 'any'), ...config.queues.map((q) => h('option', { value: q, selected: q === filter.queue }, q)))),
    field('Due after', h('input', { name: 'dueAfter', type: 'datetime-local', value: toLocalInput(filter.dueAfter) })),
    field('Due before', h('input', { name: 'dueBefore', type: 'datetime-local', value: toLocalInput(filter.dueBefore) })),
    field('Id or unique key', h('input', { name: 'q', value: filter.q, placeholder: '01K…, or a unique key with its task filter (or task/key)', autocomplete: 'off' })),
    h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Apply'), h('a', { href: '#/jobs', class: 'button secondary' }, 'Clear')),
  );
  const table = h('div', { class: 'table-wrap' });
  const pager = h('nav', { class: 'row pager', 'aria-label': 'Pages' });
  const bulk = h('div', { class: 'row bulk actions' });
  const status = h('p', { class: 'muted', role: 'status' });
  fill(main, h('h1', {}, 'Jobs'), form, bulk, status, table, pager);

  if (!config.readOnly && !filter.q) {
    fill(bulk,
      h('button', { type: 'button', class: 'secondary', onclick: () => runBulk('cancel') }, 'Cancel all matching…'),
      h('button', { type: 'button', class: 'secondary', onclick: () => runBulk('retry') }, 'Retry all matching…'),
    );
  }

  function apply(event: Event) {
    event.preventDefault();
    const data = new FormData(form);
    const next = new URLSearchParams();
    for (const f of FILTERS) {
      let value = String(data.get(f) ?? '').trim();
      if (value && (f === 'dueAfter' || f === 'dueBefore')) value = new Date(value).toISOString();
      if (value) next.set(f, value);
    }
    location.hash = `#/jobs${next.size ? `?${next}` : ''}`;
  }

  async function load(): Promise<void> {
    page = await get<ApiPage<Job>>('/api/jobs', { ...filter, limit: '50', cursor });
    const now = Date.now();
    fill(table,
      page.items.length === 0
        ? h('p', { class: 'empty' }, filter.q ? `No job has the id or unique key "${filter.q}".` : 'No jobs match these filters.')
        : h('table', { class: 'jobs' },
            h('caption', { class: 'sr-only' }, 'Jobs'),
            h('thead', {}, h('tr', {}, ...['Job', 'Task', 'Queue', 'State', 'Due', 'Attempts'].map((c) => h('th', { scope: 'col' }, c)))),
            h('tbody', {}, ...page.items.map((job) => h('tr', { 'data-job': job.id },
              h('td', { 'data-label': 'Job' }, h('a', { href: `#/jobs/${encodeURIComponent(job.id)}`, class: 'mono' }, job.id)),
              h('td', { 'data-label': 'Task' }, job.task),
              h('td', { 'data-label': 'Queue' }, job.queue),
              h('td', { 'data-label': 'State' }, badge(job.state)),
              h('td', { 'data-label': 'Due' }, timeEl(job.dueAt), h('span', { class: 'muted' }, ` (${relative(job.dueAt, now)})`)),
              h('td', { 'data-label': 'Attempts' }, `${job.attempt}/${job.maxAttempts}`),
            ))),
          ),
    );
    fill(status, `${page.items.length} job${page.items.length === 1 ? '' : 's'} on page ${cursors.length + 1}${page.cursor ? '' : ' (last page)'}`);
    fill(pager,
      h('button', { type: 'button', class: 'secondary', disabled: cursors.length === 0, onclick: () => turn(-1) }, '← Previous'),
      h('button', { type: 'button', class: 'secondary', disabled: !page.cursor, onclick: () => turn(1) }, 'Next →'),
    );
  }

  async function turn(direction: 1 | -1) {
    if (direction === 1 && page.cursor) {
      cursors.push(cursor ?? '');
      cursor = page.cursor;
    } else if (direction === -1) {
      cursor = cursors.pop() || undefined;
    }
    await load();
  }

  async function runBulk(action: 'cancel' | 'retry') {
    const described = FILTERS.filter((f) => filter[f]).map((f) => `${f} = ${filter[f]}`).join(', ') || 'no filter: every job';
    const applies = action === 'cancel' ? 'scheduled or retrying' : 'failed';
    if (!(await confirmAction(`${action === 'cancel' ? 'Cancel' : 'Retry'} all matching jobs?`, `Every ${applies} job matching (${described}) is ${action === 'cancel' ? 'cancelled' : 'run again'}.`, action === 'cancel' ? 'Cancel them' : 'Retry them'))) return;
    let done = 0;
    let skipped = 0;
    let next: string | undefined;
    const { q: _q, ...listFilter } = filter;
    do {
      const result: { done: number; skipped: number; cursor?: string } = await post(`/api/bulk/${action}`, { filter: listFilter, cursor: next });
      done += result.done;
      skipped += result.skipped;
      next = result.cursor;
      fill(status, `${action}: ${done} done, ${skipped} skipped${next ? '…' : ''}`);
    } while (next);
    await load();
    fill(status, `${action === 'cancel' ? 'Cancelled' : 'Retried'} ${done} job${done === 1 ? '' : 's'} (${skipped} had moved on).`);
  }

  await load();
  return load;
};

function field(label: string, control: HTMLElement): HTMLLabelElement {
  return h('label', {}, h('span', {}, label), control);
}

/** An ISO instant as a `datetime-local` value in the viewer's zone. */
function toLocalInput(iso: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
