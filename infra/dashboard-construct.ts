/**
 * The deployed dashboard (`dashboard: true` on `SundialScheduler`): a Lambda behind a function URL with `AWS_IAM`
 * auth that serves the page and a read-only API. Actions live in a second function, created only when
 * `grantDashboardActions` is first called: without that grant no dashboard function can write anything, and the
 * action function's URL admits only the principals granted.
 */
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** What the dashboard needs of the scheduler construct (`SundialScheduler` has all of it). */
export interface DashboardSource {
  readonly table: dynamodb.ITable;
  readonly queues: Readonly<Record<string, sqs.IQueue>>;
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  readonly environment: Readonly<Record<string, string>>;
  readonly sweepSchedule: scheduler.ISchedule;
  grantRead(grantee: iam.IGrantable): void;
  grantEnqueue(grantee: iam.IGrantable): void;
  grantSweeperControl(grantee: iam.IGrantable): void;
}

export interface SundialDashboardProps {
  readonly source: DashboardSource;
  /** Runtime, architecture, handler and the dashboard's pre-bundled code (handler and page). */
  readonly functionDefaults: Pick<lambda.FunctionProps, 'runtime' | 'architecture' | 'handler' | 'code'>;
  /** Called with each function created (the scheduler acknowledges the cdk-nag findings all its functions share). */
  readonly onFunction?: (fn: lambda.Function) => void;
}

/**
 * The dashboard's functions and URLs.
 *
 * @example
 * ```ts
 * const sundial = new SundialScheduler(this, 'Sundial', { dashboard: true });
 * sundial.grantDashboardRead(new iam.Role(...));
 * sundial.grantDashboardActions(opsRole); // creates the action function and lets opsRole call its URL
 * ```
 */
export class SundialDashboard extends Construct {
  /** Serves the page and the read-only API. */
  readonly readFunction: lambda.Function;
  readonly readUrl: lambda.FunctionUrl;
  private actions?: { fn: lambda.Function; url: lambda.FunctionUrl };

  constructor(scope: Construct, id: string, private readonly props: SundialDashboardProps) {
    super(scope, id);
    const { source } = props;
    this.readFunction = this.dashboardFunction('ReadFunction', true);
    source.grantRead(this.readFunction);
    for (const queue of [...Object.values(source.queues), ...Object.values(source.deadLetterQueues)]) {
      queue.grant(this.readFunction, 'sqs:GetQueueAttributes');
    }
    iam.Grant.addToPrincipal({ grantee: this.readFunction, actions: ['scheduler:GetSchedule'], resourceArns: [source.sweepSchedule.scheduleArn] });
    this.readUrl = this.readFunction.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    new CfnOutput(this, 'Url', { value: this.readUrl.url, description: 'sundial dashboard (read-only; IAM auth: grantDashboardRead)' });
  }

  /**
   * Lets `principal` open the read-only dashboard (`lambda:InvokeFunctionUrl` on its URL).
   *
   * @example
   * ```ts
   * dashboard.grantRead(developersRole);
   * ```
   */
  grantRead(principal: iam.IGrantable): iam.Grant {
    return this.readUrl.grantInvokeUrl(principal);
  }

  /**
   * Lets `principal` use the dashboard with its actions (cancel, retry, run now, bulk, schedule control, pausing the sweeper,
   * DLQ redrive) through the action function's URL, which this first call creates.
   *
   * @example
   * ```ts
   * dashboard.grantActions(opsRole);
   * ```
   */
  grantActions(principal: iam.IGrantable): iam.Grant {
    return this.actionFunction().url.grantInvokeUrl(principal);
  }

  private actionFunction(): { fn: lambda.Function; url: lambda.FunctionUrl } {
    if (this.actions) return this.actions;
    const { source } = this.props;
    const fn = this.dashboardFunction('ActionFunction', false);
    source.grantEnqueue(fn); // reads, conditional puts, updates and deletes (a schedule) of job and schedule items, and sends
    for (const queue of Object.values(source.queues)) queue.grant(fn, 'sqs:GetQueueAttributes');
    for (const dlq of Object.values(source.deadLetterQueues)) dlq.grantConsumeMessages(fn); // redrive
    source.grantSweeperControl(fn);
    const url = fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    new CfnOutput(this, 'ActionsUrl', { value: url.url, description: 'sundial dashboard with actions (IAM auth: grantDashboardActions)' });
    this.actions = { fn, url };
    return this.actions;
  }

  private dashboardFunction(id: string, readOnly: boolean): lambda.Function {
    const fn = new lambda.Function(this, id, {
      ...this.props.functionDefaults,
      description: `sundial: dashboard${readOnly ? ' (read-only)' : ' with actions'}`,
      timeout: Duration.seconds(30),
      memorySize: 512,
      environment: {
        ...this.props.source.environment,
        SUNDIAL_DLQS: Stack.of(this).toJsonString(Object.fromEntries(Object.entries(this.props.source.deadLetterQueues).map(([n, q]) => [n, q.queueUrl]))),
        SUNDIAL_DASHBOARD_READ_ONLY: String(readOnly),
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    this.props.onFunction?.(fn);
    return fn;
  }
}
