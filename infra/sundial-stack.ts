/**
 * The stack `npx cdk deploy` deploys: one `SundialScheduler` and nothing else, so the template is exactly what the
 * construct provisions (the local stack deploys this same template to the emulators).
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { SundialScheduler, type SundialSchedulerProps } from './sundial-scheduler.ts';

/** Properties of `SundialStack`. */
export interface SundialStackProps extends StackProps {
  /**
   * Properties of the scheduler the stack holds.
   *
   * @default - the construct's defaults: one "default" queue and the project's example tasks
   */
  readonly scheduler?: SundialSchedulerProps;
}

/**
 * A stack holding one `SundialScheduler` (construct id `Sundial`).
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

  constructor(scope: Construct, id: string, props: SundialStackProps = {}) {
    const { scheduler, ...stackProps } = props;
    super(scope, id, { description: 'sundial: serverless job scheduler (DynamoDB + SQS + Lambda)', ...stackProps });
    this.scheduler = new SundialScheduler(this, 'Sundial', scheduler);
  }
}
