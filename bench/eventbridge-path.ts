/**
 * The `eventbridge` path: jobs made from EventBridge events, in the two designs the target could use.
 *
 * - `eventbridge` (what `sundial.ruleTarget` / `scheduleTarget` do): EventBridge sends the event message straight into
 *   the sundial queue (one SendMessage, billed to the queue's owner: counted here as the service would make it), and
 *   the consumer creates the job on first receipt and runs it (lib/worker/event-message.ts).
 * - `eventbridge-ingest` (the alternative): EventBridge invokes a small ingest function (one Lambda request), which
 *   records the job and sends its message (`recordEventJob`, exactly the calls it would make, through the metered
 *   client); then the consumer runs it as any direct job.
 *
 * Both pay for the event itself (`events.PutEvents`, or one EventBridge Scheduler invocation: both $1.00 per million).
 */
import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { uniqueJobId } from '../lib/core/ids.ts';
import { EVENT_MESSAGE_FORMAT, eventJobKey } from '../lib/worker/event-message.ts';
import type { BenchStack } from './bench-stack.ts';
import { mapLimit, sleep } from './stats.ts';
import { runWindow, type Window } from './windows.ts';

const RULE_ARN = 'arn:aws:events:us-east-1:000000000000:rule/bench-orders';

/** The event message the rule target's input transformer writes for one event (infra/eventbridge-targets.ts). */
function eventMessage(task: string, eventId: string, nowMs: number): string {
  const event = { version: '0', id: eventId, 'detail-type': 'order placed', source: 'shop', time: new Date(nowMs).toISOString(), detail: { order: eventId } };
  return JSON.stringify({ sundial: EVENT_MESSAGE_FORMAT, task, source: RULE_ARN, eventId, time: event.time, payload: event, options: { queue: 'default' } });
}

/**
 * Runs both windows with `jobs` events each (the queue-target design first).
 *
 * @example
 * ```ts
 * const [queueTarget, ingest] = await runEventBridgeWindows(bench, benchRecord.name, 100);
 * ```
 */
export async function runEventBridgeWindows(bench: BenchStack, task: string, jobs: number): Promise<[Window, Window]> {
  const queueUrl = bench.config.queueUrls.default!;
  const events = () => Array.from({ length: jobs }, () => randomUUID());
  const idOf = (eventId: string) => uniqueJobId(task, eventJobKey({ source: RULE_ARN, task, eventId }));
  const queueTarget = await runWindow(bench, 'eventbridge', { sweeper: false }, async () => {
    const ids = await mapLimit(events(), 16, async (eventId) => {
      bench.meter.recordOther('events', 'PutEvents');
      // EventBridge's delivery: one SendMessage of the rendered input into the queue.
      bench.meter.recordSqs('SendMessage');
      await bench.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: eventMessage(task, eventId, Date.now()) }));
      return idOf(eventId);
    });
    // The jobs exist once the consumer has received their messages: the window reads them from then on.
    while ((await mapLimit(ids, 8, (id) => bench.reader.get(id).then(() => false, () => true))).some(Boolean)) await sleep(200);
    return { ids, lastDueAtMs: Date.now() };
  });
  const ingest = await runWindow(bench, 'eventbridge-ingest', { sweeper: false }, async () => {
    const ids = await mapLimit(events(), 16, async (eventId) => {
      bench.meter.recordOther('events', 'PutEvents');
      bench.meter.recordInvocation('IngestFunction');
      const { job } = await bench.scheduler.recordEventJob(task, { order: eventId }, { unique: eventJobKey({ source: RULE_ARN, task, eventId }) });
      return job.id;
    });
    return { ids, lastDueAtMs: Date.now() };
  });
  return [queueTarget, ingest];
}
