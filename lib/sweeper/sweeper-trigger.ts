/**
 * Pausing and resuming the sweeper by switching its EventBridge Scheduler trigger off and on. While it is
 * off no bucket or lane is swept and no schedule spawns; jobs already in SQS (the direct path, retries) still run.
 * Resuming lets the next sweep catch up from its cursors, so nothing due meanwhile is lost; recurring schedules follow
 * their misfire policy.
 */
import {
  GetScheduleCommand,
  UpdateScheduleCommand,
  type GetScheduleOutput,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { ConfigurationError } from '../core/errors.ts';

/** Where the sweeper's trigger lives. */
export interface SweeperTrigger {
  readonly client: SchedulerClient;
  /** Name of the EventBridge Scheduler schedule that invokes the sweeper every minute. */
  readonly scheduleName: string;
  /** Its schedule group. @default - the `default` group */
  readonly groupName?: string;
}

/** Whether the sweeper runs, as its trigger says. */
export interface SweeperStatus {
  readonly state: 'running' | 'paused';
  readonly scheduleName: string;
  readonly groupName: string;
  /** The trigger's rate, e.g. `rate(1 minute)`. */
  readonly scheduleExpression: string;
}

const DEFAULT_GROUP = 'default';

/**
 * Reads the trigger named by `SUNDIAL_SWEEP_SCHEDULE` (`<name>` or `<group>/<name>`), as set by the SundialScheduler
 * construct on the functions and in the stack's outputs.
 *
 * @example
 * ```ts
 * const target = sweeperTriggerFromEnv(new SchedulerClient({}), process.env);
 * await pauseSweeper(target);
 * ```
 */
export function sweeperTriggerFromEnv(
  client: SchedulerClient,
  env: Record<string, string | undefined> = process.env,
): SweeperTrigger {
  const raw = env.SUNDIAL_SWEEP_SCHEDULE ?? '';
  const match = /^(?:([\w.-]{1,64})\/)?([\w.-]{1,64})$/.exec(raw);
  if (!match) {
    throw new ConfigurationError(
      `SUNDIAL_SWEEP_SCHEDULE: received ${JSON.stringify(raw)}; expected the sweeper trigger's schedule name, as ` +
        `"<name>" or "<group>/<name>" (letters, digits, '.', '_', '-'): copy it from the stack output SweepScheduleName.`,
    );
  }
  return match[1] ? { client, groupName: match[1], scheduleName: match[2]! } : { client, scheduleName: match[2]! };
}

/**
 * Reports whether the sweeper's trigger is enabled.
 *
 * @example
 * ```ts
 * (await sweeperStatus(target)).state; // 'running' | 'paused'
 * ```
 */
export async function sweeperStatus(target: SweeperTrigger): Promise<SweeperStatus> {
  return statusOf(target, await getTrigger(target));
}

/**
 * Disables the sweeper's trigger. Idempotent: an already paused trigger is left as it is.
 *
 * @example
 * ```ts
 * await pauseSweeper(target); // → { state: 'paused', ... }
 * ```
 */
export async function pauseSweeper(target: SweeperTrigger): Promise<SweeperStatus> {
  return setTriggerState(target, 'DISABLED');
}

/**
 * Enables the sweeper's trigger again. Idempotent. The first sweep after it catches up from the saved cursors.
 *
 * @example
 * ```ts
 * await resumeSweeper(target); // → { state: 'running', ... }
 * ```
 */
export async function resumeSweeper(target: SweeperTrigger): Promise<SweeperStatus> {
  return setTriggerState(target, 'ENABLED');
}

async function setTriggerState(target: SweeperTrigger, state: 'ENABLED' | 'DISABLED'): Promise<SweeperStatus> {
  const current = await getTrigger(target);
  if (current.State === state) return statusOf(target, current);
  // UpdateSchedule replaces the whole schedule: send back everything GetSchedule returned, or the update would drop the
  // target, the time window or the time zone.
  await target.client.send(
    new UpdateScheduleCommand({
      Name: target.scheduleName,
      GroupName: groupOf(target),
      ScheduleExpression: current.ScheduleExpression,
      ScheduleExpressionTimezone: current.ScheduleExpressionTimezone,
      StartDate: current.StartDate,
      EndDate: current.EndDate,
      Description: current.Description,
      KmsKeyArn: current.KmsKeyArn,
      Target: current.Target,
      FlexibleTimeWindow: current.FlexibleTimeWindow,
      ActionAfterCompletion: current.ActionAfterCompletion,
      State: state,
    }),
  );
  return statusOf(target, { ...current, State: state });
}

async function getTrigger(target: SweeperTrigger): Promise<GetScheduleOutput> {
  try {
    return await target.client.send(new GetScheduleCommand({ Name: target.scheduleName, GroupName: groupOf(target) }));
  } catch (error) {
    // By name, not `instanceof`: the error may come from another copy of the SDK (the app's own client).
    if ((error as { name?: unknown } | undefined)?.name === 'ResourceNotFoundException') {
      throw new ConfigurationError(
        `The sweeper trigger "${target.scheduleName}" does not exist in schedule group "${groupOf(target)}": set ` +
          `SUNDIAL_SWEEP_SCHEDULE to the stack output SweepScheduleName ("<name>" or "<group>/<name>").`,
        { cause: error },
      );
    }
    throw error;
  }
}

function statusOf(target: SweeperTrigger, schedule: GetScheduleOutput): SweeperStatus {
  return {
    state: schedule.State === 'DISABLED' ? 'paused' : 'running',
    scheduleName: target.scheduleName,
    groupName: groupOf(target),
    scheduleExpression: schedule.ScheduleExpression ?? '',
  };
}

function groupOf(target: SweeperTrigger): string {
  return target.groupName ?? DEFAULT_GROUP;
}
