/** One job: facts, timeline, payload, result, attempts (with lateness, errors and stack heads) and its actions. */
import { get, post, type Job } from '../api.ts';
import { confirmAction } from '../confirm.ts';
import { fill, h } from '../dom.ts';
import { badge, duration, jsonBlock, local, timeEl, utc, viewerZone } from '../format.ts';
import type { Page } from '../main.ts';

export const jobPage: Page = async ({ config, main }, id) => {
  const actions = h('div', { class: 'row actions' });
  const message = h('p', { role: 'status', class: 'muted' });
  const body = h('div');
  fill(main, h('p', {}, h('a', { href: '#/jobs' }, '← Jobs')), h('h1', { class: 'mono' }, id!), actions, message, body);

  async function act(action: 'cancel' | 'retry' | 'run-now', title: string, text: string) {
    if (!(await confirmAction(title, text, title.replace(/\?$/, '')))) return;
    try {
      const job = await post<Job>(`/api/jobs/${encodeURIComponent(id!)}/${action}`);
      if (job.id !== id) {
        location.hash = `#/jobs/${encodeURIComponent(job.id)}`;
        return;
      }
      fill(message, `${title.replace(/\?$/, '')}: done.`);
      await load();
    } catch (error) {
      fill(message, h('span', { class: 'error', role: 'alert' }, (error as Error).message));
    }
  }

  async function load() {
    const job = await get<Job>(`/api/jobs/${encodeURIComponent(id!)}`);
    const waiting = job.state === 'scheduled' || job.state === 'retrying';
    fill(actions,
      badge(job.state),
      !config.readOnly && waiting && h('button', { type: 'button', onclick: () => act('run-now', 'Run now?', 'The job is cancelled where it waits and enqueued again, due now.') }, 'Run now'),
      !config.readOnly && job.state === 'failed' && h('button', { type: 'button', onclick: () => act('retry', 'Retry?', `The job runs again now with ${job.maxAttempts - job.attempt > 0 ? 'its remaining' : 'a new'} attempt budget.`) }, 'Retry'),
      !config.readOnly && waiting && h('button', { type: 'button', class: 'danger', onclick: () => act('cancel', 'Cancel job?', 'It will never run, even if its message is already in SQS.') }, 'Cancel job'),
    );
    const lateness = job.startedAt ? Date.parse(job.startedAt) - Date.parse(job.dueAt) : undefined;
    fill(body,
      h('dl', { class: 'facts' },
        ...fact('Task', job.task),
        ...fact('Queue', job.queue),
        ...fact('Due (UTC)', utc(job.dueAt)),
        ...fact(`Due (${viewerZone})`, local(job.dueAt)),
        ...fact('Attempts', `${job.attempt} of ${job.maxAttempts}`),
        ...(job.uniqueKey ? fact('Unique key', job.uniqueKey) : []),
        ...(job.scheduleId ? fact('Schedule', h('a', { href: '#/schedules' }, job.scheduleId)) : []),
        ...(lateness !== undefined ? fact('Latest start lateness', duration(Math.max(0, lateness))) : []),
      ),
      h('h2', {}, 'Timeline'),
      h('ol', { class: 'timeline' },
        step('Enqueued', job.createdAt),
        step('Sent to SQS', job.sentAt),
        step('Claimed (started)', job.startedAt),
        step(job.state === 'completed' ? 'Completed' : job.state === 'failed' ? 'Failed' : job.state === 'cancelled' ? 'Cancelled' : 'Ended', job.finishedAt),
      ),
      jsonBlock('Payload', job.payload),
      job.result !== undefined && jsonBlock('Result', job.result),
      job.lastError && h('section', { class: 'last-error' }, h('h2', {}, 'Last error'), h('pre', { class: 'error' }, `${job.lastError.name}: ${job.lastError.message}`)),
      h('h2', {}, 'Attempts'),
      !job.attempts?.length
        ? h('p', { class: 'muted' }, job.attempt === 0 ? 'Not started yet.' : 'No attempt has ended yet.')
        : h('div', { class: 'table-wrap' }, h('table', { class: 'attempts' },
            h('thead', {}, h('tr', {}, ...['#', 'Due', 'Started', 'Lateness', 'Ran for', 'Outcome', 'Error'].map((c) => h('th', { scope: 'col' }, c)))),
            h('tbody', {}, ...job.attempts.map((a) => h('tr', {},
              h('td', { 'data-label': '#' }, a.attempt),
              h('td', { 'data-label': 'Due' }, timeEl(a.dueAtMs)),
              h('td', { 'data-label': 'Started' }, timeEl(a.startedAtMs)),
              h('td', { 'data-label': 'Lateness' }, duration(Math.max(0, a.startedAtMs - a.dueAtMs))),
              h('td', { 'data-label': 'Ran for' }, duration(a.endedAtMs - a.startedAtMs)),
              h('td', { 'data-label': 'Outcome' }, badge(a.outcome)),
              h('td', { 'data-label': 'Error' }, a.error
                ? h('details', {}, h('summary', {}, `${a.error.name}: ${a.error.message}`), h('pre', {}, a.error.stackHead ?? '(no stack)'))
                : '—'),
            ))),
          )),
    );
  }

  await load();
  return load;
};

function fact(term: string, value: string | Node): HTMLElement[] {
  return [h('dt', {}, term), h('dd', {}, value)];
}

function step(label: string, at: string | undefined): HTMLLIElement {
  return h('li', { class: at ? 'done' : 'pending' }, h('span', {}, label), at ? timeEl(at) : h('span', { class: 'muted' }, '—'));
}
