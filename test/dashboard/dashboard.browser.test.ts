/**
 * The dashboard as a person uses it: headless Chromium against `startDashboard` on the local stack (DynamoDB Local,
 * the SQS emulator, the bundled consumer). Screenshots go to a temp folder, or to docs/images/ with
 * SUNDIAL_UPDATE_SCREENSHOTS=1.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardAssets } from '../../dashboard/server/assets.ts';
import { startDashboard, type RunningDashboard } from '../../dashboard/server/http-server.ts';
import { startLocalStack, type LocalStack } from '../../infra/local/index.ts';
import { Scheduler } from '../../lib/index.ts';
import { eventually } from '../integration/support.ts';
import { launchChromium } from './browser.ts';

const TASKS = fileURLToPath(new URL('./fixtures/tasks.ts', import.meta.url));
const SHOTS = process.env.SUNDIAL_UPDATE_SCREENSHOTS ? fileURLToPath(new URL('../../docs/images/', import.meta.url)) : mkdtempSync(join(tmpdir(), 'sundial-shots-'));

let stack: LocalStack;
let scheduler: Scheduler;
let dashboard: RunningDashboard;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let flakyJobId: string;
const actions: string[] = [];
/** Page updates arrive by polling (5 s) and jobs run on a local Lambda that may start cold. */
const SOON = { timeout: 30_000 };

beforeAll(async () => {
  [stack] = await Promise.all([startLocalStack({ workers: [TASKS], sweepEverySeconds: 2, onLog: () => undefined }), dashboardAssets()]);
  scheduler = Scheduler.fromEnv(stack.env);
  dashboard = await startDashboard({ scheduler, env: stack.env, onAction: (r) => actions.push(`${r.action} ${r.target} ${r.caller} ${r.outcome}`) });
  // Enqueued first, so it has run and failed (on a consumer that may start cold) by the time its test opens it.
  // An explicit budget: the worker re-applies a budget inherited from the task's definition on every attempt.
  flakyJobId = (await scheduler.enqueue('flaky', { succeedOn: 2 }, { maxAttempts: 1 })).id;
  browser = await launchChromium();
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
  await stack?.stop();
  if (!process.env.SUNDIAL_UPDATE_SCREENSHOTS) rmSync(SHOTS, { recursive: true, force: true });
});

async function shot(name: string): Promise<void> {
  const path = join(SHOTS, `dashboard-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  expect(statSync(path).size).toBeGreaterThan(10_000);
}

describe('dashboard in Chromium', () => {
  it('shows enqueued jobs, and new ones appear without a reload', async () => {
    const names = ['ada', 'grace', 'edsger', 'barbara', 'donald', 'frances'];
    const jobs = await Promise.all(names.map((name, i) => scheduler.enqueue('greet', { name }, { in: `${10 + i * 7}m` })));
    await scheduler.enqueue('greet', { name: 'now' });
    await page.goto(`${dashboard.url}#/jobs`);
    for (const job of jobs) await expect.poll(() => page.locator(`tr[data-job="${job.id}"]`).count(), SOON).toBe(1);
    const late = await scheduler.enqueue('greet', { name: 'late' }, { in: '3h', unique: 'greet:late' });
    // Polling (every 5 s) brings it in; no reload.
    await page.locator(`tr[data-job="${late.id}"]`).waitFor({ timeout: 15_000 });
    await shot('jobs');
  });

  it('filters to failed jobs, opens one, retries it and sees it complete', async () => {
    const job = await scheduler.get(flakyJobId);
    await eventually(async () => ((await scheduler.get(job.id)).state === 'failed' ? true : undefined), 'the flaky job failed', 45_000);
    await page.goto(`${dashboard.url}#/jobs`);
    await page.getByLabel('State').selectOption('failed');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator(`tr[data-job="${job.id}"] a`).click();
    await expect.poll(() => page.locator('table.attempts').textContent(), SOON).toContain('planned failure on attempt 1');
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.locator('#confirm-ok').click();
    await expect.poll(() => page.locator('.actions .badge').textContent(), SOON).toBe('completed');
    await expect.poll(() => page.locator('table.attempts tbody tr').count(), SOON).toBe(2);
    expect(await page.locator('details.json').first().textContent()).toContain('"succeedOn": 2');
    await shot('job');
    expect(actions).toContain(`job.retry ${job.id} local:${userInfo().username} ok`);
  });

  it('pauses and resumes a schedule', async () => {
    await scheduler.schedule('nightly-report', 'greet', { name: 'report' }, { cron: '30 2 * * *', timezone: 'America/New_York' });
    await scheduler.schedule('heartbeat', 'greet', { name: 'beat' }, { every: '10m' });
    await page.goto(`${dashboard.url}#/schedules`);
    const card = page.locator('article[data-schedule="nightly-report"]');
    await expect.poll(() => card.locator('table.runs tbody tr').count(), SOON).toBe(5);
    await card.getByRole('button', { name: 'Pause' }).click();
    await page.locator('#confirm-ok').click();
    await expect.poll(() => card.locator('.badge').first().textContent(), SOON).toBe('paused');
    expect((await scheduler.getSchedule('nightly-report')).paused).toBe(true);
    await card.getByRole('button', { name: 'Resume' }).click();
    await page.locator('#confirm-ok').click();
    await expect.poll(() => card.locator('.badge').first().textContent(), SOON).toBe('active');
    expect((await scheduler.getSchedule('nightly-report')).paused).toBe(false);
  });

  it('shows the validation error of an invalid cron as you type, and the next runs of a valid one', async () => {
    await page.goto(`${dashboard.url}#/schedules`);
    await page.locator('#try-cron').fill('61 * * * *');
    await expect.poll(() => page.locator('#try-result [role=alert]').textContent(), SOON).toMatch(/61/);
    await page.locator('#try-cron').fill('30 2 * * *');
    await page.locator('#try-zone').fill('Europe/Rome');
    await expect.poll(() => page.locator('#try-result table.runs tbody tr').count(), SOON).toBe(5);
    // Monthly at 09:00 in New York: the run after the March change is marked, and shown at 09:00 on both sides.
    await page.locator('#try-cron').fill('0 9 1 * *');
    await page.locator('#try-zone').fill('America/New_York');
    await expect.poll(() => page.locator('#try-result table.runs tr.dst').textContent(), SOON).toContain('DST: UTC−05:00 → UTC−04:00');
    expect(await page.locator('#try-result table.runs tbody td:first-child').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/-03-01 09:00:00 \(UTC−05:00\)/), expect.stringMatching(/-04-01 09:00:00 \(UTC−04:00\)/)]),
    );
    await shot('schedules');
  });

  it('fits a phone screen and works from the keyboard', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${dashboard.url}#/jobs`);
    await page.locator('table.jobs tbody tr').first().waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    // Tab from the top of the page to the first job link, open it with Enter.
    let onJobLink = false;
    for (let presses = 0; presses < 40 && !onJobLink; presses++) {
      await page.keyboard.press('Tab');
      onJobLink = await page.evaluate<boolean>("document.activeElement?.closest('table.jobs a') != null");
    }
    expect(onJobLink).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate<string>('location.hash'), SOON).toMatch(/^#\/jobs\/.+/);
    await page.locator('dl.facts').waitFor();
    await page.setViewportSize({ width: 1280, height: 860 });
  });
});
