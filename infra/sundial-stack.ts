/**
 * The stack `npx cdk deploy` deploys: one `SundialScheduler` and nothing else, so the template is exactly what the
 * construct provisions (the local stack deploys this same template to the emulators).
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { SundialScheduler, type SundialSchedulerProps } from './sundial-scheduler.ts';

/** Properties of `SundialStack`. */
export interface SundialStackProps extends StackProps {
  /** Properties of the scheduler the stack holds (`tasksEntry` at least). */
  readonly scheduler: SundialSchedulerProps;
}

/**
 * A stack holding one `SundialScheduler` (construct id `Sundial`) and outputs named after the environment variables
 * they fill: `TableName` (SUNDIAL_TABLE_NAME), `QueueUrls` (SUNDIAL_QUEUES), `DeadLetterQueueUrls` (SUNDIAL_DLQS),
 * `SweepScheduleName` (SUNDIAL_SWEEP_SCHEDULE).
 *
 * @example
 * ```ts
 * const app = new App();
 * new SundialStack(app, 'Sundial', { scheduler: { tasksEntry: 'src/tasks.ts' } });
 * app.synth();
 * ```
 */
export class SundialStack extends Stack {
  /** The scheduler this stack deploys. */
  readonly scheduler: SundialScheduler;

  constructor(scope: Construct, id: string, props: SundialStackProps) {
    const { scheduler, ...stackProps } = props;
    super(scope, id, { description: 'sundial: serverless job scheduler (DynamoDB + SQS + Lambda)', ...stackProps });
    this.scheduler = new SundialScheduler(this, 'Sundial', scheduler);
    const env = this.scheduler.environment;
    // Outputs live in the stack, not the construct, so their keys stay plain (no path hash) and a stack holding two
    // schedulers can name its own.
    new CfnOutput(this, 'TableName', { value: env.SUNDIAL_TABLE_NAME!, description: 'SUNDIAL_TABLE_NAME' });
    new CfnOutput(this, 'QueueUrls', { value: env.SUNDIAL_QUEUES!, description: 'SUNDIAL_QUEUES: queue name → URL' });
    new CfnOutput(this, 'DeadLetterQueueUrls', {
      value: this.toJsonString(Object.fromEntries(Object.entries(this.scheduler.deadLetterQueues).map(([n, q]) => [n, q.queueUrl]))),
      description: 'SUNDIAL_DLQS: queue name → dead-letter queue URL',
    });
    new CfnOutput(this, 'SweepScheduleName', { value: env.SUNDIAL_SWEEP_SCHEDULE!, description: 'SUNDIAL_SWEEP_SCHEDULE' });
  }
}
