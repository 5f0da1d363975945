/**
 * What the dashboard reports on, read from the environment the construct (or the local stack) sets: the queues with
 * their DLQs, the sweeper's trigger, and the SQS client. Shared by the local server and the Lambda handler.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { schedulerClient, sqsClient } from '../../lib/aws-clients.ts';
import { readConfig } from '../../lib/config.ts';
import { sweeperTriggerFromEnv, type SweeperTrigger } from '../../lib/sweeper/sweeper-trigger.ts';
import type { QueueTarget } from './queue-health.ts';

/**
 * The queues (with their DLQs), sweeper trigger and SQS client the environment names; what it does not name is left
 * out (the page hides that part) rather than failing the whole dashboard.
 *
 * @example
 * ```ts
 * const { queues } = deploymentOf(stack.env);
 * ```
 */
export function deploymentOf(env: Record<string, string | undefined>): { queues: QueueTarget[]; sweeper?: SweeperTrigger; sqs: SQSClient } {
  let queues: QueueTarget[] = [];
  try {
    const config = readConfig(env);
    queues = Object.entries(config.queueUrls).map(([name, url]) => ({
      name,
      url,
      ...(config.deadLetterUrls[name] ? { deadLetterUrl: config.deadLetterUrls[name] } : {}),
    }));
  } catch {
    // Not configured: no queue health.
  }
  const sweeper = env.SUNDIAL_SWEEP_SCHEDULE ? sweeperTriggerFromEnv(schedulerClient(env), env) : undefined;
  return { queues, sqs: sqsClient(env), ...(sweeper ? { sweeper } : {}) };
}
