/**
 * What an EventBridge rule or an EventBridge Scheduler schedule hands its target, as AWS renders it: the event itself,
 * a constant `Input`, an `InputPath`, or an `InputTransformer` (`InputPathsMap` + `InputTemplate`), with the reserved
 * variables (`<aws.events.rule-arn>`, `<aws.events.event.json>`, `<aws.scheduler.scheduled-time>`, …).
 */

/** The input settings of a target, as in the template. */
export interface TargetInputSettings {
  readonly Input?: string;
  readonly InputPath?: string;
  readonly InputTransformer?: { readonly InputPathsMap?: Record<string, string>; readonly InputTemplate: string };
}

/**
 * The value at a simple JSON path (`$`, `$.detail.order`, `$.resources[0]`) of `value`; `undefined` when absent.
 *
 * @example
 * ```ts
 * jsonPathValue({ detail: { order: 7 } }, '$.detail.order'); // 7
 * ```
 */
export function jsonPathValue(value: unknown, path: string): unknown {
  const steps = path.replace(/^\$/, '').match(/\.[^.[\]]+|\[\d+\]/g) ?? [];
  let current = value;
  for (const step of steps) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[step.startsWith('[') ? Number(step.slice(1, -1)) : step.slice(1)];
  }
  return current;
}

/**
 * Replaces each `<name>` of a template with its value: inside a JSON string as text, elsewhere as a JSON value (as
 * EventBridge does; an absent value becomes `null` there and empty text in a string).
 *
 * @example
 * ```ts
 * renderTemplate('{"id":<id>,"rule":"<aws.events.rule-arn>"}', { id: 'e-1', 'aws.events.rule-arn': 'arn:…' }); // '{"id":"e-1","rule":"arn:…"}'
 * ```
 */
export function renderTemplate(template: string, values: Readonly<Record<string, unknown>>): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === '"' && template[i - 1] !== '\\') inString = !inString;
    const match = c === '<' ? /^<([A-Za-z0-9_.\-]+)>/.exec(template.slice(i)) : null;
    if (match && match[1]! in values) {
      const value = values[match[1]!];
      out += inString ? JSON.stringify(typeof value === 'string' ? value : (value ?? '')).slice(1, -1) : JSON.stringify(value ?? null);
      i += match[0].length - 1;
    } else out += c;
  }
  return out;
}

/**
 * The body a target receives (a string: SQS sends it as is, Lambda parses it when it is JSON).
 *
 * @example
 * ```ts
 * targetInput({ InputPath: '$.detail' }, event, { 'aws.events.rule-arn': ruleArn }); // JSON of event.detail
 * ```
 */
export function targetInput(settings: TargetInputSettings, event: unknown, reserved: Readonly<Record<string, unknown>>): string {
  if (settings.Input !== undefined) return renderTemplate(settings.Input, reserved);
  if (settings.InputPath !== undefined) return JSON.stringify(jsonPathValue(event, settings.InputPath) ?? null);
  if (settings.InputTransformer !== undefined) {
    // AWS: `aws.events.event` is the event without its detail, `aws.events.event.json` the whole event.
    const { detail: _detail, ...withoutDetail } = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
    const values: Record<string, unknown> = { ...reserved, 'aws.events.event': withoutDetail, 'aws.events.event.json': event };
    for (const [name, path] of Object.entries(settings.InputTransformer.InputPathsMap ?? {})) values[name] = jsonPathValue(event, path);
    return renderTemplate(settings.InputTransformer.InputTemplate, values);
  }
  return JSON.stringify(event);
}
