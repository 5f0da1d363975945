/**
 * Every CLI command, in the order `sundial --help` lists them. Adding a command: a module in this folder and one line
 * here.
 */
import type { Command } from '../command.ts';
import { cancelCommand } from './cancel.ts';
import { completionCommand } from './completion.ts';
import { dashboardCommand } from './dashboard.ts';
import { devCommand } from './dev.ts';
import { enqueueCommand } from './enqueue.ts';
import { getCommand } from './get.ts';
import { importCommand } from './import.ts';
import { importEventBridgeCommand } from './import-eventbridge.ts';
import { listCommand } from './list.ts';
import { nextRunsCommand } from './next-runs.ts';
import { retryCommand } from './retry.ts';
import { scheduleCommand } from './schedule.ts';
import { deprecatedDispatchCommand, sweeperCommand } from './sweeper.ts';
import { watchCommand } from './watch.ts';
import { pauseCommand, resumeCommand } from './schedule-control.ts';

export const COMMANDS: readonly Command[] = [
  devCommand,
  enqueueCommand,
  scheduleCommand,
  listCommand,
  getCommand,
  cancelCommand,
  pauseCommand,
  resumeCommand,
  retryCommand,
  nextRunsCommand,
  sweeperCommand,
  importCommand,
  importEventBridgeCommand,
  watchCommand,
  dashboardCommand,
  completionCommand(() => COMMANDS),
];

/** Former command names still accepted (each warns on stderr); not listed in help or completion. */
export const DEPRECATED_COMMANDS: readonly Command[] = [deprecatedDispatchCommand];
