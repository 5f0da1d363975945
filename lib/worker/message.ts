/**
 * Reading the body of a sundial SQS message.
 */
import { ValidationError } from '../core/errors.ts';
import type { JobMessage, OccurrenceRef } from '../queue/types.ts';

/**
 * Parses and checks a message body (`{"v":1,"id":"…","dueAtMs":…,"sentAtMs":…}`, plus `"occurrence":{…}` for a
 * schedule's occurrence); reports every problem at once.
 */
export function parseJobMessage(body: string): JobMessage {
  const expected = 'expected a sundial job message {"v":1,"id":"…","dueAtMs":<epoch ms>,"sentAtMs":<epoch ms>}';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ValidationError(`Message body is not JSON (received ${quote(body)}); ${expected}. Only sundial should send to its queues.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError(`Message body ${quote(body)} is not an object; ${expected}.`);
  }
  const fields = parsed as Record<string, unknown>;
  const problems: string[] = [];
  if (fields['v'] !== 1) problems.push(`\`v\`: received ${JSON.stringify(fields['v'])}; expected 1 (this consumer reads version 1)`);
  if (typeof fields['id'] !== 'string' || fields['id'] === '') {
    problems.push(`\`id\`: received ${JSON.stringify(fields['id'])}; expected a non-empty job id`);
  }
  for (const key of ['dueAtMs', 'sentAtMs'] as const) {
    if (!Number.isSafeInteger(fields[key])) problems.push(`\`${key}\`: received ${JSON.stringify(fields[key])}; expected epoch milliseconds`);
  }
  const occurrence = fields['occurrence'];
  if (occurrence !== undefined) problems.push(...occurrenceProblems(occurrence));
  if (problems.length > 0) {
    throw new ValidationError(problems.map((p) => `message ${quote(body)}: ${p}`));
  }
  return {
    v: 1,
    id: fields['id'] as string,
    dueAtMs: fields['dueAtMs'] as number,
    sentAtMs: fields['sentAtMs'] as number,
    ...(occurrence === undefined ? {} : { occurrence: occurrenceRef(occurrence as OccurrenceRef) }),
  };
}

/** Only the fields sundial reads, whatever else the body holds. */
function occurrenceRef(ref: OccurrenceRef): OccurrenceRef {
  return { scheduleId: ref.scheduleId, generation: ref.generation };
}

/** Problems with the `occurrence` field of a schedule's occurrence message. */
function occurrenceProblems(occurrence: unknown): string[] {
  const expected = 'expected {"scheduleId":"…","generation":"…"} (a schedule\'s occurrence)';
  if (typeof occurrence !== 'object' || occurrence === null || Array.isArray(occurrence)) {
    return [`\`occurrence\`: received ${JSON.stringify(occurrence)}; ${expected}`];
  }
  const ref = occurrence as Record<string, unknown>;
  return (['scheduleId', 'generation'] as const)
    .filter((key) => typeof ref[key] !== 'string' || ref[key] === '')
    .map((key) => `\`occurrence.${key}\`: received ${JSON.stringify(ref[key])}; ${expected}`);
}

function quote(body: string): string {
  return JSON.stringify(body.length > 200 ? `${body.slice(0, 200)}…` : body);
}
