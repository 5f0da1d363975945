/** Schedules: each rule with its next runs (zone and UTC, DST marked), last runs, policies and actions; a "try an
 * expression" box that shows the next runs as you type, with the validation errors inline. */
import { ApiError, get, post, type Page as ApiPage, type RunTime, type ScheduleView } from '../api.ts';
import { confirmAction } from '../confirm.ts';
import { fill, h } from '../dom.ts';
import { badge, timeEl } from '../format.ts';
import type { Page } from '../main.ts';

/** Wait after the last keystroke before asking the server. */
const TYPING_PAUSE_MS = 200;

export const schedulesPage: Page = async ({ config, main }) => {
  const list = h('div', { class: 'schedules' });
  const message = h('p', { role: 'status', class: 'muted' });
  const expanded = new Set<string>();
  fill(main, h('h1', {}, 'Schedules'), tryBox(), message, list);

  async function act(id: string, action: 'pause' | 'resume' | 'trigger' | 'delete') {
    const texts = {
      pause: ['Pause schedule?', `"${id}" spawns nothing until resumed; its queued occurrences that have not started are cancelled.`, 'Pause'],
      resume: ['Resume schedule?', `"${id}" runs again from its next slot; slots missed while paused are skipped.`, 'Resume'],
      trigger: ['Trigger now?', `A one-off job of "${id}"'s task and payload runs now; the schedule itself is unchanged.`, 'Trigger now'],
      delete: ['Delete schedule?', `"${id}" is deleted, with its queued occurrences that have not started. Jobs already run stay.`, 'Delete'],
    } as const;
    const [title, text, ok] = texts[action];
    if (!(await confirmAction(title, text, ok))) return;
    try {
      await post(`/api/schedules/${encodeURIComponent(id)}/${action}`);
      fill(message, `${ok}: done (${id}).`);
      await load();
    } catch (error) {
      fill(message, h('span', { class: 'error', role: 'alert' }, (error as Error).message));
    }
  }

  async function load() {
    const page = await get<ApiPage<ScheduleView>>('/api/schedules', { limit: '100' });
    const details = await Promise.all([...expanded].map((id) => get<ScheduleView>(`/api/schedules/${encodeURIComponent(id)}`).catch(() => undefined)));
    const detailOf = new Map(details.filter((d): d is ScheduleView => !!d).map((d) => [d.id, d]));
    if (page.items.length === 0) return fill(list, h('p', { class: 'empty' }, 'No schedules yet: create one with scheduler.schedule(...) or `sundial schedule`.'));
    fill(list, ...page.items.map((s) => card(detailOf.get(s.id) ?? s)));
  }

  function card(s: ScheduleView): HTMLElement {
    const open = expanded.has(s.id);
    return h('article', { class: 'card', 'data-schedule': s.id, 'aria-labelledby': `s-${s.id}` },
      h('header', { class: 'row' },
        h('h2', { id: `s-${s.id}`, class: 'mono' }, s.id), badge(s.state),
        h('span', { class: 'muted' }, `${s.task} · queue ${s.queue}`),
      ),
      h('p', {}, h('code', {}, s.cron !== undefined ? s.cron : `every ${s.every} s`), s.cron !== undefined ? ` in ${s.zone}` : '',
        h('span', { class: 'muted' }, ` · misfire ${s.misfire} · overlap ${s.overlap} · ${s.runs} runs so far`)),
      s.nextRuns.length > 0 ? runTable('Next runs', s.nextRuns, s.zone) : h('p', { class: 'muted' }, s.state === 'paused' ? 'Paused: no next run.' : 'Ended: no next run.'),
      s.lastRuns.length > 0 && h('div', {}, h('h3', {}, open ? 'Last runs' : 'Last run'),
        h('ul', { class: 'last-runs' }, ...s.lastRuns.map((r) => h('li', {}, timeEl(r.at), ' ', r.outcome === 'gone' ? h('span', { class: 'muted' }, 'skipped or expired') : r.outcome === 'pending' ? h('span', { class: 'muted' }, 'pending') : h('a', { href: `#/jobs/${encodeURIComponent(r.jobId)}` }, badge(r.outcome)))))),
      h('div', { class: 'row actions' },
        h('button', { type: 'button', class: 'secondary', 'aria-expanded': open, onclick: () => { if (open) expanded.delete(s.id); else expanded.add(s.id); void load(); } }, open ? 'Fewer details' : 'Last 5 runs'),
        !config.readOnly && (s.state === 'paused'
          ? h('button', { type: 'button', onclick: () => act(s.id, 'resume') }, 'Resume')
          : h('button', { type: 'button', onclick: () => act(s.id, 'pause') }, 'Pause')),
        !config.readOnly && h('button', { type: 'button', class: 'secondary', onclick: () => act(s.id, 'trigger') }, 'Trigger now'),
        !config.readOnly && h('button', { type: 'button', class: 'danger', onclick: () => act(s.id, 'delete') }, 'Delete'),
      ),
    );
  }

  await load();
  return load;
};

/** The next runs of a rule, in its zone and in UTC, with DST changes marked. */
function runTable(caption: string, runs: readonly RunTime[], zone: string): HTMLElement {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'runs' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, `${zone}`), h('th', { scope: 'col' }, 'UTC'), h('th', { scope: 'col' }, 'Note'))),
    h('tbody', {}, ...runs.map((r) => h('tr', { class: r.dstChange ? 'dst' : '' },
      h('td', { 'data-label': zone }, `${r.local} (${r.offset})`),
      h('td', { 'data-label': 'UTC' }, `${r.utc.slice(0, 19).replace('T', ' ')}`),
      h('td', { 'data-label': 'Note' }, r.dstChange ? h('strong', {}, `DST: ${r.dstChange}`) : ''),
    ))),
  ));
}

/** "Try an expression": cron + zone, or an interval; next runs as you type, problems inline. */
function tryBox(): HTMLElement {
  const zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  const cron = h('input', { id: 'try-cron', name: 'cron', placeholder: '0 9 * * MON-FRI', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'try-result' });
  const zone = h('input', { id: 'try-zone', name: 'timezone', list: 'zones', value: 'UTC', autocomplete: 'off', 'aria-describedby': 'try-result' });
  const every = h('input', { id: 'try-every', name: 'every', placeholder: '5m (instead of cron)', autocomplete: 'off', 'aria-describedby': 'try-result' });
  const result = h('div', { id: 'try-result', 'aria-live': 'polite' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;
  const update = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const mine = ++asked;
      if (!cron.value.trim() && !every.value.trim()) return fill(result, h('p', { class: 'muted' }, 'Type a cron expression (5 fields, or AWS cron(...)) or an interval.'));
      try {
        const { runs } = await get<{ runs: RunTime[] }>('/api/next-runs', every.value.trim() ? { every: every.value.trim() } : { cron: cron.value, timezone: zone.value.trim() || 'UTC' });
        if (mine === asked) fill(result, runTable('Next 5 runs', runs, every.value.trim() ? 'UTC' : zone.value.trim() || 'UTC'));
      } catch (error) {
        if (mine !== asked) return;
        const problems = error instanceof ApiError && error.problems.length > 0 ? error.problems : [(error as Error).message];
        fill(result, h('ul', { class: 'error problems', role: 'alert' }, ...problems.map((p) => h('li', {}, p))));
      }
    }, TYPING_PAUSE_MS);
  };
  for (const input of [cron, zone, every]) input.addEventListener('input', update);
  update();
  return h('section', { class: 'card try', 'aria-labelledby': 'try-title' },
    h('h2', { id: 'try-title' }, 'Try an expression'),
    h('div', { class: 'filters' },
      h('label', { for: 'try-cron' }, h('span', {}, 'Cron'), cron),
      h('label', { for: 'try-zone' }, h('span', {}, 'Time zone'), zone),
      h('label', { for: 'try-every' }, h('span', {}, 'Or every'), every),
    ),
    h('datalist', { id: 'zones' }, ...zones.map((z) => h('option', { value: z }))),
    result,
  );
}
