/** Calls to the dashboard's API (same origin). Writes carry the header the server requires against CSRF. */
export class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly problems: string[] = []) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * GET a JSON resource.
 *
 * @example
 * ```ts
 * const page = await get<Page<Job>>('/api/jobs', { state: 'failed' });
 * ```
 */
export async function get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
  const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => !!e[1]));
  return parse<T>(await fetch(`.${path}${params.size ? `?${params}` : ''}`, { headers: { accept: 'application/json' } }));
}

/**
 * POST an action.
 *
 * @example
 * ```ts
 * await post(`/api/jobs/${id}/retry`);
 * ```
 */
export async function post<T>(path: string, body: unknown = {}): Promise<T> {
  return parse<T>(
    await fetch(`.${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sundial-dashboard': '1' },
      body: JSON.stringify(body),
    }),
  );
}

async function parse<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as { error?: string; problems?: string[] };
  if (!response.ok) throw new ApiError(body.error ?? `HTTP ${response.status}`, response.status, body.problems);
  return body as T;
}

export type JobState = 'scheduled' | 'running' | 'retrying' | 'completed' | 'failed' | 'cancelled';

export interface Attempt {
  attempt: number;
  dueAtMs: number;
  startedAtMs: number;
  endedAtMs: number;
  outcome: 'completed' | 'retrying' | 'failed';
  error?: { name: string; message: string; stackHead?: string };
}

export interface Job {
  id: string;
  task: string;
  queue: string;
  payload: unknown;
  state: JobState;
  dueAt: string;
  attempt: number;
  maxAttempts: number;
  createdAt: string;
  updatedAt: string;
  sentAt?: string;
  startedAt?: string;
  finishedAt?: string;
  attempts?: Attempt[];
  result?: unknown;
  lastError?: { name: string; message: string };
  uniqueKey?: string;
  scheduleId?: string;
}

export interface Page<T> {
  items: T[];
  cursor?: string;
}

export interface RunTime {
  utc: string;
  local: string;
  offset: string;
  dstChange?: string;
}

export interface ScheduleView {
  id: string;
  task: string;
  queue: string;
  cron?: string;
  timezone?: string;
  every?: number;
  zone: string;
  state: 'active' | 'paused' | 'ended';
  misfire: string;
  overlap: string;
  runs: number;
  nextRuns: RunTime[];
  lastRuns: Array<{ at: string; jobId: string; outcome: string }>;
}

export interface Config {
  readOnly: boolean;
  pollSeconds: number;
  queues: string[];
  states: JobState[];
}
