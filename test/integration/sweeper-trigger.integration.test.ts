/**
 * Pausing and resuming the sweeper through the EventBridge Scheduler API (issue 5, trigger control): the same calls
 * that switch the sweeper's trigger on AWS switch the local stack's trigger. Pausing switches the SHARED stack's
 * trigger, so every test that pauses lives in this one file (its tests run one after another), the CLI's `sweeper`
 * command's too; other files only see their swept jobs a few seconds later.
 */
import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../../bin/cli.ts';
import { dynamodbClient, schedulerClient } from '../../lib/aws-clients.ts';
import { sweeperTriggerFromEnv, sweeperStatus, pauseSweeper, resumeSweeper } from '../../lib/sweeper/sweeper-trigger.ts';
import { SWEEP_EVERY_SECONDS } from '../shared/stack-config.ts';
import { json, runCli } from '../cli/support.ts';
import { eventually, sleep, useSharedStack, type TestStack } from './support.ts';

/** The longest a sweep triggered before a pause may still run: its send-phase wait (< 1 s) and the sweep itself. */
const IN_FLIGHT_SWEEP_MS = 2_500;

let t: TestStack;
let target: ReturnType<typeof sweeperTriggerFromEnv>;
beforeAll(() => {
  t = useSharedStack();
  target = sweeperTriggerFromEnv(schedulerClient(t.env), t.env);
});
afterAll(async () => {
  await resumeSweeper(target);
  await t?.stop();
});

it('pauses and resumes the sweeper through the Scheduler API, from the library and the CLI', async () => {
  expect((await sweeperStatus(target)).state).toBe('running');
  expect((await pauseSweeper(target)).state).toBe('paused');
  try {
    // A sweep triggered just before the pause still runs: it waits for its send phase (under a second), then sweeps.
    await sleep(IN_FLIGHT_SWEEP_MS);
    // A job written by a caller's own transaction waits in its lane: only a sweep sends it.
    const items = t.scheduler.transactItems('record', { log: t.log, tag: 'lane' });
    await dynamodbClient(t.env).send(new TransactWriteItemsCommand({ TransactItems: items }));
    const id = items[0]!.Put!.Item!.sk!.S!;
    // "Paused" is the absence of sweeps, so this one check has to wait: three trigger periods and a second.
    await sleep((3 * SWEEP_EVERY_SECONDS + 1) * 1_000);
    expect(t.runs().some((r) => r.id === id)).toBe(false);

    const saved = process.env;
    process.env = { ...saved, ...t.env };
    try {
      const out: string[] = [];
      expect(await main(['sweeper', 'status', '--json'], { out: (l) => out.push(l), env: process.env })).toBe(0);
      expect(JSON.parse(out.join('\n'))).toMatchObject({ state: 'paused' });
      // The former command name still runs, with a one-line notice on stderr and stdout unchanged for scripts.
      const aliasOut: string[] = [];
      const aliasErr: string[] = [];
      expect(await main(['dispatch', 'status', '--json'], { out: (l) => aliasOut.push(l), err: (l) => aliasErr.push(l), env: process.env })).toBe(0);
      expect(aliasOut).toEqual(out);
      expect(aliasErr).toEqual(['sundial: `dispatch` is deprecated and will be removed in 1.0; use `sundial sweeper` (same actions and output).']);
    } finally {
      process.env = saved;
    }

    expect((await resumeSweeper(target)).state).toBe('running');
    await eventually(() => (t.runs().some((r) => r.id === id) ? true : undefined), 'the lane job ran after resume');
  } finally {
    await resumeSweeper(target);
  }
}, 60_000);

it('`sundial sweeper` shows, pauses and resumes the trigger, and refuses an unknown action', async () => {
  try {
    expect((await runCli(['sweeper', 'status'], { env: t.env })).out).toMatch(/^The sweeper is running \(trigger default\/\S+-sweep, rate\(1 minute\)\)$/);
    expect(json(await runCli(['sweeper', 'pause', '--json'], { env: t.env }))).toMatchObject({ state: 'paused', groupName: 'default' });
    expect((await runCli(['sweeper', 'status'], { env: t.env })).out).toMatch(/^The sweeper is paused/);
    expect(json(await runCli(['sweeper', 'resume', '--json'], { env: t.env }))).toMatchObject({ state: 'running' });
    expect((await runCli(['sweeper', 'sideways'], { env: t.env })).code).toBe(2);
  } finally {
    await resumeSweeper(target);
  }
});

it('a committed transaction\'s job due now runs without waiting for a sweep', async () => {
  await pauseSweeper(target); // no sweep can send it: only transact's post-commit send can
  try {
    await sleep(IN_FLIGHT_SWEEP_MS);
    const table = t.env.SUNDIAL_TABLE_NAME!;
    const [job] = await t.scheduler.transact(
      [{ Put: { TableName: table, Item: { pk: 'test#order', sk: 'o-1', total: 42 } } }],
      [{ task: 'record', payload: { log: t.log, tag: 'tx' } }],
      { format: 'document' },
    );
    await eventually(async () => ((await t.scheduler.get(job!.id)).state === 'completed' ? true : undefined), 'the transaction\'s job completed');
  } finally {
    await resumeSweeper(target);
  }
});
