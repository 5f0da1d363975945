/**
 * A job's bounded attempt history, written inside the outcome write each attempt already makes (no extra request):
 * when each attempt was due, started and ended, and how it ended, with the error's name, message and stack head.
 * Only the last few attempts are kept and texts are cut short, so the item stays small (≈ 1 KB at most for the
 * history), whatever a task throws.
 */
import type { AttemptEntry, JobRecord } from '../store/types.ts';

/** Attempts kept: the newest ones. */
export const MAX_ATTEMPT_HISTORY = 5;
/** An error message in the history is cut here (the job's `lastError` keeps the long form of the latest). */
const MAX_HISTORY_MESSAGE_CHARS = 200;
/** Stack frames kept below the message line, and their total length. */
const STACK_HEAD_FRAMES = 3;
const MAX_STACK_HEAD_CHARS = 300;

/**
 * The job's history with the attempt that just ended appended (oldest dropped beyond `MAX_ATTEMPT_HISTORY`).
 */
export function withAttempt(job: JobRecord, outcome: AttemptEntry['outcome'], endedAtMs: number, error?: unknown): AttemptEntry[] {
  const entry: AttemptEntry = {
    attempt: job.attempt,
    dueAtMs: job.dueAtMs,
    startedAtMs: job.startedAtMs ?? endedAtMs,
    endedAtMs,
    outcome,
    ...(error === undefined ? {} : { error: errorSummary(error) }),
  };
  return [...(job.attempts ?? []), entry].slice(-MAX_ATTEMPT_HISTORY);
}

function errorSummary(error: unknown): NonNullable<AttemptEntry['error']> {
  const name = error instanceof Error ? error.name : 'NonErrorThrown';
  const message = error instanceof Error ? error.message : String(error);
  const frames = error instanceof Error && typeof error.stack === 'string'
    ? error.stack.split('\n').filter((line) => /^\s+at /.test(line)).slice(0, STACK_HEAD_FRAMES).map((line) => line.trim())
    : [];
  return {
    name,
    message: cut(message, MAX_HISTORY_MESSAGE_CHARS),
    ...(frames.length > 0 ? { stackHead: cut(frames.join('\n'), MAX_STACK_HEAD_CHARS) } : {}),
  };
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
