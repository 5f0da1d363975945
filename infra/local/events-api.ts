/**
 * EventBridge `PutEvents` on the default bus, answered locally: each entry becomes an event in AWS's shape, every
 * enabled rule of the template whose `EventPattern` matches it (event-pattern.ts) delivers it to its targets, with
 * their input settings. Other EventBridge actions get a "not emulated" error naming them.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventRuleDefinition } from './deploy.ts';
import { matchesEventPattern } from './event-pattern.ts';
import { readBody, replyJson, replyNotEmulated, requestAction, signedService, type LocalApi } from './local-api.ts';
import { awsTime } from './scheduled-trigger.ts';
import type { TargetDelivery } from './target-delivery.ts';

interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
  EventBusName?: string;
  Time?: string | number;
}

/**
 * The local EventBridge API.
 *
 * @example
 * ```ts
 * const api = new LocalEventsApi({ region, account, rules: deployed.eventRules, delivery });
 * ```
 */
export class LocalEventsApi implements LocalApi {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly options: {
      readonly region: string;
      readonly account: string;
      readonly rules: readonly EventRuleDefinition[];
      readonly delivery: TargetDelivery;
      /** Times each matching event is delivered: EventBridge delivers at least once, and tests model the duplicates. */
      readonly deliveriesPerEvent?: number;
      readonly onError?: (error: unknown) => void;
    },
  ) {}

  handles(request: IncomingMessage): boolean {
    return signedService(request) === 'events' || String(request.headers['x-amz-target'] ?? '').startsWith('AWSEvents.');
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const action = requestAction(request);
    if (action !== 'PutEvents') return replyNotEmulated(response, 'events', action);
    const body = JSON.parse((await readBody(request)) || '{}') as { Entries?: PutEventsEntry[] };
    const results = await Promise.all((body.Entries ?? []).map((entry) => this.put(entry)));
    replyJson(response, 200, { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results }, undefined, 'application/x-amz-json-1.1');
  }

  /** Waits for the deliveries under way (SQS sends, function invocations). */
  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  private async put(entry: PutEventsEntry): Promise<{ EventId: string } | { ErrorCode: string; ErrorMessage: string }> {
    const missing = (['Source', 'DetailType', 'Detail'] as const).filter((k) => typeof entry[k] !== 'string' || entry[k] === '');
    if (missing.length > 0) return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter(s) ${missing.join(', ')} not specified.` };
    if (![undefined, 'default'].includes(entry.EventBusName) && !String(entry.EventBusName).endsWith(':event-bus/default')) {
      return { ErrorCode: 'NotEmulated', ErrorMessage: `Event bus ${entry.EventBusName} is not emulated by the local stack (only the default bus).` };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail!);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    const nowMs = Date.now();
    const timeMs = entry.Time === undefined ? nowMs : typeof entry.Time === 'number' ? entry.Time * 1000 : Date.parse(entry.Time);
    const event = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: this.options.account,
      time: awsTime(Number.isNaN(timeMs) ? nowMs : timeMs),
      region: this.options.region,
      resources: entry.Resources ?? [],
      detail,
    };
    for (const rule of this.options.rules) {
      if (!rule.enabled || !matchesEventPattern(rule.pattern, event)) continue;
      const reserved = { 'aws.events.rule-arn': rule.arn, 'aws.events.rule-name': rule.name, 'aws.events.event.ingestion-time': awsTime(nowMs) };
      for (let copy = 0; copy < (this.options.deliveriesPerEvent ?? 1); copy++) {
        for (const target of rule.targets) {
          const delivery = this.options.delivery.deliver(target, event, reserved).catch((error: unknown) => this.options.onError?.(error));
          const tracked = delivery.finally(() => this.inFlight.delete(tracked));
          this.inFlight.add(tracked);
        }
      }
    }
    return { EventId: event.id };
  }
}
