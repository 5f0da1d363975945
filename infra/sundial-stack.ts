/**
 * The stack `npx cdk deploy` deploys: one `SundialScheduler` and nothing else, so the template is exactly what the
 * construct provisions (the local stack deploys this same template to the emulators).
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { STACK_OUTPUT_VARIABLES } from './stack-outputs.ts';
import { SundialScheduler, type SundialSchedulerProps } from './sundial-scheduler.ts';

/** Properties of `SundialStack`. */
export interface SundialStackProps extends StackProps {
  /** Properties of the scheduler the stack holds (`tasksEntry` at least). */
  readonly scheduler: SundialSchedulerProps;
}

/**
 * A stack holding one `SundialScheduler` (construct id `Sundial`) and one output per setting the library reads, named
 * in `STACK_OUTPUT_VARIABLES`: `TableName` (SUNDIAL_TABLE_NAME), `QueueUrls` (SUNDIAL_QUEUES), `DeadLetterQueueUrls`
 * (SUNDIAL_DLQS), `SweepScheduleName` (SUNDIAL_SWEEP_SCHEDULE), `Shards`, `LookaheadSeconds`, `DirectHorizonSeconds`,
 * `RetentionDays`.
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
    const deadLetterUrls = this.toJsonString(Object.fromEntries(Object.entries(this.scheduler.deadLetterQueues).map(([n, q]) => [n, q.queueUrl])));
    // Outputs live in the stack, not the construct, so their keys stay plain (no path hash) and a stack holding two
    // schedulers can name its own. `sundial --stack NAME` reads them back (infra/stack-outputs.ts).
    for (const [key, variable] of Object.entries(STACK_OUTPUT_VARIABLES)) {
      new CfnOutput(this, key, { value: variable === 'SUNDIAL_DLQS' ? deadLetterUrls : env[variable]!, description: variable });
    }
  }
}
