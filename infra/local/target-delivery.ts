/**
 * Delivery to the targets of rules and schedules: an SQS queue of the stack (`SendMessage` with the rendered input as
 * the body, as EventBridge does) or one of its functions (an asynchronous invocation with the input as the event).
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeployedQueue, TargetDefinition } from './deploy.ts';
import type { LocalFunction } from './lambda-runtime.ts';
import { targetInput } from './target-input.ts';

/**
 * Delivers events to targets of the deployed stack.
 *
 * @example
 * ```ts
 * const delivery = new TargetDelivery({ sqs, queues: deployed.queues, functions });
 * await delivery.deliver(rule.targets[0], event, { 'aws.events.rule-arn': rule.arn });
 * ```
 */
export class TargetDelivery {
  constructor(
    private readonly deps: {
      readonly sqs: SQSClient;
      readonly queues: readonly DeployedQueue[];
      readonly functions: ReadonlyMap<string, LocalFunction>;
    },
  ) {}

  async deliver(target: TargetDefinition, event: unknown, reserved: Readonly<Record<string, unknown>>): Promise<void> {
    const body = targetInput(target.input, event, reserved);
    if (target.kind === 'queue') {
      const queue = this.deps.queues.find((q) => q.logicalId === target.queueLogicalId)!;
      await this.deps.sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: body }));
      return;
    }
    let payload: unknown = body;
    try {
      payload = JSON.parse(body);
    } catch {
      // A text input (an InputTemplate that is not JSON) reaches the function as a string.
    }
    await this.deps.functions.get(target.functionLogicalId)!.invoke(payload);
  }
}
