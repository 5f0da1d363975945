/**
 * The dashboard's shell: hash routes (#/jobs, #/jobs/<id>, #/schedules, #/health), the config, and polling. Each page
 * renders into <main> and returns a refresh function that polling calls every `pollSeconds`.
 */
import './styles.css';
import { get, type Config } from './api.ts';
import { confirming } from './confirm.ts';
import { fill, h } from './dom.ts';
import { healthPage } from './pages/health.ts';
import { jobPage } from './pages/job.ts';
import { jobsPage } from './pages/jobs.ts';
import { schedulesPage } from './pages/schedules.ts';

export interface PageContext {
  readonly config: Config;
  readonly main: HTMLElement;
  /** Query parameters of the hash route. */
  readonly params: URLSearchParams;
}
export type Page = (context: PageContext, arg?: string) => Promise<() => Promise<void>>;

const main = document.getElementById('main')!;
const live = document.getElementById('live')!;
let refresh: (() => Promise<void>) | undefined;
let route = 0;

async function render(config: Config): Promise<void> {
  const mine = ++route;
  const [path = '', query = ''] = location.hash.replace(/^#/, '').split('?');
  const [, section = 'jobs', arg] = path.split('/').map(decodeURIComponent);
  document.querySelectorAll('[data-nav]').forEach((a) => a.toggleAttribute('aria-current', a.getAttribute('data-nav') === section));
  const page: Page = section === 'schedules' ? schedulesPage : section === 'health' ? healthPage : arg ? jobPage : jobsPage;
  refresh = undefined;
  try {
    const next = await page({ config, main, params: new URLSearchParams(query) }, arg);
    if (mine === route) refresh = next;
  } catch (error) {
    fill(main, h('p', { class: 'error', role: 'alert' }, (error as Error).message));
  }
  document.title = `sundial · ${section}`;
  stamp();
}

function stamp(): void {
  live.textContent = `updated ${new Date().toLocaleTimeString()}`;
}

async function start(): Promise<void> {
  const config = await get<Config>('/api/config');
  document.body.classList.toggle('read-only', config.readOnly);
  if (config.readOnly) document.querySelector('.top')!.append(h('span', { class: 'badge' }, 'read-only'));
  live.title = `refreshes every ${config.pollSeconds} s`;
  window.addEventListener('hashchange', () => {
    void render(config).then(() => main.focus());
  });
  await render(config);
  setInterval(() => {
    if (!refresh || confirming() || document.hidden) return;
    void refresh().then(stamp, () => (live.textContent = 'update failed, retrying'));
  }, config.pollSeconds * 1000);
}

void start();
