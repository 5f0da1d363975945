/**
 * `npx tsx bench/dashboard-load.ts [--jobs=10000]`: the dashboard's page load times on the local stack holding
 * 10,000 jobs (9,500 due over the next day, 400 that completed, 100 that failed), in headless Chromium, plus the
 * front end's bundle size. Prints a table; a benchmark prints numbers and asserts nothing.
 */
import { fileURLToPath } from 'node:url';
import { bundleBytes, dashboardAssets } from '../dashboard/server/assets.ts';
import { startDashboard } from '../dashboard/server/http-server.ts';
import { startLocalStack } from '../infra/local/index.ts';
import { Scheduler, type JobRequest } from '../lib/index.ts';
import { launchChromium } from '../test/dashboard/browser.ts';

const TASKS = fileURLToPath(new URL('../test/dashboard/fixtures/tasks.ts', import.meta.url));
const total = Number(/--jobs=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 10_000);
const RUNS = 3;

const [stack, assets] = await Promise.all([startLocalStack({ workers: [TASKS], sweepEverySeconds: 5, onLog: () => undefined }), dashboardAssets()]);
const scheduler = Scheduler.fromEnv(stack.env);
const dashboard = await startDashboard({ scheduler, env: stack.env, onAction: () => undefined });
const browser = await launchChromium();
try {
  const failing = Math.round(total * 0.01);
  const completing = Math.round(total * 0.04);
  const requests: JobRequest[] = [
    ...Array.from({ length: total - failing - completing }, (_, i) => ({ task: 'greet', payload: { name: `future-${i}` }, options: { in: 3600 + (i % 86_400) } })),
    ...Array.from({ length: completing }, (_, i) => ({ task: 'greet', payload: { name: `now-${i}` } })),
    ...Array.from({ length: failing }, () => ({ task: 'flaky', payload: { succeedOn: 99 }, options: { maxAttempts: 1 } })),
  ];
  const enqueueStart = Date.now();
  for (let i = 0; i < requests.length; i += 500) await scheduler.enqueueMany(requests.slice(i, i + 500));
  console.log(`enqueued ${requests.length} jobs in ${((Date.now() - enqueueStart) / 1000).toFixed(1)} s`);
  await scheduler.schedule('nightly-report', 'greet', {}, { cron: '30 2 * * *', timezone: 'America/New_York' });
  // Let the near jobs run, so the failed filter and the charts have something to show.
  const settleUntil = Date.now() + 120_000;
  while (Date.now() < settleUntil) {
    const live = await scheduler.list({ state: 'scheduled', dueBefore: new Date(Date.now() + 60_000), limit: 10 });
    if (live.items.length === 0) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  const failed = (await scheduler.list({ state: 'failed', limit: 1 })).items[0];

  const page = await browser.context.newPage();
  const measure = async (label: string, hash: string, selector: string) => {
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await page.goto('about:blank');
      const start = Date.now();
      await page.goto(`${dashboard.url}${hash}`);
      await page.locator(selector).first().waitFor({ timeout: 60_000 });
      times.push(Date.now() - start);
    }
    times.sort((a, b) => a - b);
    return { page: label, 'median ms': times[Math.floor(RUNS / 2)], 'max ms': times.at(-1) };
  };
  const rows = [
    await measure('Jobs (all, first page of 50)', '#/jobs', 'table.jobs tbody tr'),
    await measure('Jobs filtered to failed', '#/jobs?state=failed', 'table.jobs tbody tr, p.empty'),
    await measure('Jobs filtered to task + due range', `#/jobs?task=greet&dueAfter=${new Date(Date.now() + 7_200_000).toISOString()}`, 'table.jobs tbody tr, p.empty'),
    ...(failed ? [await measure('One job', `#/jobs/${encodeURIComponent(failed.id)}`, 'table.attempts tbody tr')] : []),
    await measure('Schedules', '#/schedules', 'article[data-schedule] table.runs'),
    await measure('Health (queues + charts)', '#/health', 'svg.chart'),
  ];
  console.log(`\nDashboard page load on the local stack with ${total} jobs (Chromium headless, ${RUNS} runs each; navigation → content shown)`);
  console.table(rows);
  const bytes = bundleBytes(assets);
  console.log(`Front-end bundle: ${(bytes.js / 1024).toFixed(1)} KiB JS + ${(bytes.css / 1024).toFixed(1)} KiB CSS (minified, before gzip), no runtime dependency`);
} finally {
  await browser.close();
  await dashboard.stop();
  await stack.stop();
}
