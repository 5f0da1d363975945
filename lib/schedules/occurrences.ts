/**
 * A schedule's occurrences, used by both the sweeper and the API (`schedule`, `resume`, `pause`, `cancel`): spawning the
 * due ones, and cancelling the pending ones of a rule.
 *
 * Spawning writes no job. It plans the due slots with the schedule's misfire policy, sends one message per occurrence
 * (all in one `queue.send`), then moves the schedule past them with one conditional write; a sweep first puts the tick
 * the schedule then waits on, out of its lane (docs/architecture.md, "Ticks"). The consumer's claim creates
 * each occurrence's job from the schedule (`occurrence-claim.ts`), with a put conditioned on the deterministic id
 * `<scheduleId>#<fireAtMs>` being free, so a slot runs once however many messages carry it.
 *
 * Send-then-advance: a crash in between leaves the schedule unadvanced, so the next spawn sends the same occurrences
 * again, and their duplicates lose the consumer's conditional create. Two spawners racing send the same occurrences;
 * one advance wins. Advance-then-send would instead lose the occurrences of a crash.
 */
import type { Clock } from '../core/clock.ts';
import { occurrenceJobId, parseOccurrenceJobId } from '../core/ids.ts';
import { planOccurrences } from '../core/misfire.ts';
import { nextOccurrenceMs } from '../core/recurrence.ts';
import { DIRECT_HORIZON_MS, delaySecFor } from '../queue/send-job-messages.ts';
import type { JobQueue, OutgoingMessage } from '../queue/types.ts';
import type { JobRecord, JobStore, ScheduleAdvance, ScheduleRecord } from '../store/types.ts';
import { newWriteToken } from '../store/write-tokens.ts';
import type { SweepConfig, SweepLogger } from '../sweeper/types.ts';
import { tickExpiry } from './ticks.ts';

/** What spawning needs: the store and queue, a clock for message delays, the misfire tuning. */
export interface OccurrenceDeps {
  readonly store: JobStore;
  readonly queue: JobQueue;
  readonly clock: Clock;
  readonly config: Pick<SweepConfig, 'misfireGraceSec' | 'maxCatchUp' | 'retentionDays'>;
  readonly logger?: SweepLogger;
}

/** The window occurrences are spawned in: `nowMs` decides misfires, nothing due after `untilMs` is spawned. */
export interface OccurrenceWindow {
  readonly nowMs: number;
  readonly untilMs: number;
  /**
   * Set by a sweep, to the end of its window: no tick cursor is past it while the sweep holds the lease, so a next run
   * after it may wait on a tick (`putScheduleTick`). Without it (the API, whose clock the sweeper does not share) a schedule
   * waits in its lane.
   */
  readonly ticksAfterMs?: number;
}

/** What spawning did, added to the caller's counters (a sweep's report). */
export interface OccurrenceCounters {
  sent: number;
  spawned: number;
  occurrencesSkipped: number;
}

/**
 * The generation of a schedule: which rule its occurrences were sent under. A replace (`putSchedule`) or a resume
 * increments `version`, and a deleted-then-recreated schedule has a new `createdAtMs`, so every change that cancels the
 * pending occurrences starts a new generation. Occurrence messages carry it; the consumer creates an occurrence's job
 * only for the schedule's current generation. (A schedule deleted and created again within the same millisecond of
 * the writer's clock would share its generation with the deleted one: no sundial call sequence is that fast.)
 *
 * @example
 * ```ts
 * scheduleGeneration({ createdAtMs: 1795420800000, version: 3 }); // '1795420800000.3'
 * ```
 */
export function scheduleGeneration(schedule: Pick<ScheduleRecord, 'createdAtMs' | 'version'>): string {
  return `${schedule.createdAtMs}.${schedule.version}`;
}

/**
 * The job of one occurrence, as the consumer's claim creates it: the schedule's task, payload and options, due at its
 * slot, with the id `<scheduleId>#<fireAtMs>`, so that every message for the same slot targets the same item.
 *
 * @example
 * ```ts
 * occurrenceJob(schedule, Date.parse('2026-11-23T09:00:00Z'), nowMs).id; // 'weekly-report#1795424400000'
 * ```
 */
export function occurrenceJob(schedule: ScheduleRecord, fireAtMs: number, nowMs: number): JobRecord {
  return {
    id: occurrenceJobId(schedule.id, fireAtMs),
    task: schedule.task,
    queue: schedule.queue,
    payload: schedule.payload,
    state: 'scheduled',
    dueAtMs: fireAtMs,
    attempt: 0,
    maxAttempts: schedule.maxAttempts,
    backoff: schedule.backoff,
    timeoutSec: schedule.timeoutSec,
    storeResult: schedule.storeResult,
    // Its message is sent before any record exists: it never waits in the index.
    placement: 'none',
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
    scheduleId: schedule.id,
    scheduleGeneration: scheduleGeneration(schedule),
    ...(schedule.inherits?.length ? { inherits: schedule.inherits } : {}),
  };
}

/**
 * How long an occurrence whose message was sent may stay without a job record (its message waits for a consumer)
 * and still count as the schedule's pending run for overlap `skip`. Past it, a missing record means the occurrence
 * was dropped or cancelled, and it must not hold the schedule back for ever.
 */
export const PENDING_OCCURRENCE_BOUND_MS = 5 * 60_000;

/**
 * Whether an occurrence sent for `slotMs` with no job record yet still occupies the schedule at `nowMs`: it is due, so
 * its message is with a consumer or waiting for one, and not so old that it must have been dropped.
 *
 * @example
 * ```ts
 * pendingOccurrenceBusy(nowMs - 2_000, nowMs); // true: due two seconds ago, not started yet
 * pendingOccurrenceBusy(nowMs + 30_000, nowMs); // false: not due yet
 * ```
 */
export function pendingOccurrenceBusy(slotMs: number, nowMs: number): boolean {
  return slotMs <= nowMs && nowMs - slotMs < PENDING_OCCURRENCE_BOUND_MS;
}

/**
 * Whether the schedule's previous run still occupies it, for overlap `skip`: it is running, waiting for a retry, due
 * and not yet started (its record missing while its message waits: `pendingOccurrenceBusy`; or an older `scheduled`
 * record). Decided when the next occurrence is spawned, up to one lookahead before its slot.
 *
 * @example
 * ```ts
 * if (schedule.overlap === 'skip' && (await previousRunBusy(store, nowMs, schedule))) { ... }
 * ```
 */
export async function previousRunBusy(store: JobStore, nowMs: number, last: Pick<ScheduleRecord, 'lastJobId' | 'lastRunAtMs'>): Promise<boolean> {
  if (last.lastJobId === undefined) return false;
  const job = await store.getJob(last.lastJobId);
  if (!job) return last.lastRunAtMs !== undefined && pendingOccurrenceBusy(last.lastRunAtMs, nowMs);
  if (job.state === 'running' || job.state === 'retrying') return true;
  return job.state === 'scheduled' && job.dueAtMs <= nowMs;
}

/**
 * Spawns the occurrences of `schedule` due within the window; a paused, ended or not-yet-due schedule is left alone.
 * The caller passes the schedule as it was just read or written (the sweeper reads it again, since its lane entry may
 * be stale; the API passes what it wrote), so no read is spent here. Sends every occurrence in one `queue.send`, then
 * advances the schedule past all of them with one conditional write; a lost condition (another spawner did it, or
 * the schedule changed meanwhile) leaves the rest to the next sweep, which re-plans.
 *
 * Resolves with the schedule as it stands after the spawn (what a read would return), or `undefined` when the
 * condition was lost and only a read can tell.
 *
 * @example
 * ```ts
 * const after = await spawnDueOccurrences(deps, schedule, { nowMs, untilMs: nowMs + 90_000 }, counters);
 * ```
 */
export async function spawnDueOccurrences(
  deps: OccurrenceDeps,
  schedule: ScheduleRecord,
  window: OccurrenceWindow,
  counters: OccurrenceCounters,
): Promise<ScheduleRecord | undefined> {
  const sent = await sendDueOccurrences(deps, schedule, window, counters);
  if (sent === undefined) return schedule;
  // The token lets this spawner know its own advance if the SDK sends it again (`ownAdvance`).
  const spawn = { ...sent, advance: { ...sent.advance, token: newWriteToken() } };
  const target = { id: schedule.id, version: schedule.version, expectedNextRunAtMs: schedule.nextRunAtMs! };
  // The tick before the advance that relies on it: a crash in between leaves a tick the schedule does not wait on,
  // which wakes nothing when read (the schedule is not due then), where the other order could leave a schedule
  // waiting on no tick at all.
  if (spawn.advance.onTick) await deps.store.putScheduleTick({ scheduleId: schedule.id, atMs: spawn.advance.nextRunAtMs! }, tickExpiry(spawn.advance.nextRunAtMs!));
  if (!(await deps.store.advanceSchedule(target, spawn.advance))) {
    deps.logger?.info('schedule changed or spawned by another sweep; left to the next sweep', { scheduleId: schedule.id, fireAtMs: schedule.nextRunAtMs });
    return undefined;
  }
  // After the advance, and only by the spawner whose advance won: a racing spawner that read the clock a moment
  // earlier may fire a slot this one drops, and a cancelled record written before the race was decided would lose it.
  await cancelUnfiredSlots(deps, schedule, { fired: spawn.fired, nextRunAtMs: spawn.advance.nextRunAtMs, nowMs: window.nowMs });
  countSpawn(counters, spawn);
  return advanced(schedule, spawn.advance);
}

/**
 * Writes a schedule that has no item yet, with the occurrences due within the window already spawned: sends them,
 * then creates the schedule moved past them. One write instead of two (a put, then an advance moving its lane entry):
 * 2 write units instead of 5 for a schedule that goes on, 1 instead of 4 for one that ends within the window.
 *
 * Send-then-create, as for a spawn: a crash in between leaves messages of a schedule that does not exist, which the
 * consumer treats as a job whose write trails its message, and drops after the orphan grace. The create is
 * conditional, so the generation stored is the one the messages carry: when a racing call created the id first, this
 * call writes nothing and resolves with that schedule (`created: false`), which the caller replaces; the messages sent
 * here are then of no generation the schedule has, and the consumer drops them. An SDK retry of a create that
 * committed finds its own generation, and counts as created.
 *
 * @example
 * ```ts
 * const creation = await createSpawned(deps, record, { nowMs, untilMs: nowMs + 90_000 }, counters);
 * if (!creation.created) await replace(creation.current);
 * ```
 */
export async function createSpawned(
  deps: OccurrenceDeps,
  record: ScheduleRecord,
  window: OccurrenceWindow,
  counters: OccurrenceCounters,
): Promise<{ created: true; schedule: ScheduleRecord } | { created: false; current: ScheduleRecord }> {
  const spawn = await sendDueOccurrences(deps, record, window, counters);
  // A new generation has sent nothing before this spawn: no unfired slot of it can be in flight to cancel.
  const schedule = spawn === undefined ? record : advanced(record, spawn.advance);
  const write = await deps.store.createSchedule(schedule);
  if (!write.created) return { created: false, current: write.current };
  if (spawn !== undefined) countSpawn(counters, spawn);
  return { created: true, schedule };
}

/** A spawn whose messages are sent: the slots it fired, how many it skipped, and the advance that commits it. */
interface SentSpawn {
  readonly fired: readonly number[];
  readonly skipped: number;
  readonly advance: ScheduleAdvance;
}

/**
 * Plans the due slots with the misfire and overlap policies and sends one message per fired slot (one `queue.send`,
 * counted as sent whether or not the spawn is committed). Resolves with what the caller must commit, or `undefined`
 * when the schedule has nothing due in the window.
 */
async function sendDueOccurrences(
  deps: OccurrenceDeps,
  schedule: ScheduleRecord,
  window: OccurrenceWindow,
  counters: OccurrenceCounters,
): Promise<SentSpawn | undefined> {
  const { store, queue, clock, config } = deps;
  const { nowMs } = window;
  if (schedule.paused || schedule.nextRunAtMs === undefined || schedule.nextRunAtMs > window.untilMs) return undefined;
  const plan = planOccurrences({
    rule: schedule.recurrence,
    anchorMs: schedule.anchorMs,
    nextRunAtMs: schedule.nextRunAtMs,
    runs: schedule.runs,
    ...(schedule.maxRuns === undefined ? {} : { maxRuns: schedule.maxRuns }),
    ...(schedule.endAtMs === undefined ? {} : { endAtMs: schedule.endAtMs }),
    misfire: schedule.misfire,
    nowMs,
    windowEndMs: spawnWindowEnd(schedule, window),
    misfireGraceMs: config.misfireGraceSec * 1000,
    maxCatchUp: config.maxCatchUp,
  });
  const fired = schedule.overlap === 'skip' ? await slotsFreeOfOverlap(store, schedule, plan.fireAtMs, nowMs) : plan.fireAtMs;
  const sentAtMs = clock.nowMs();
  const messages = fired.map((fireAtMs) => occurrenceMessage(schedule, fireAtMs, sentAtMs, queue));
  if (messages.length > 0) {
    await queue.send(schedule.queue, messages);
    counters.sent += messages.length;
  }
  const last = fired.at(-1);
  const onTick = window.ticksAfterMs !== undefined && plan.nextRunAtMs !== undefined && plan.nextRunAtMs > window.ticksAfterMs;
  return {
    fired,
    skipped: plan.skipped + plan.fireAtMs.length - fired.length,
    // An occurrence skipped for overlap still uses up its slot (and counts against maxRuns, as planned). `undefined`
    // fields are left out when stored: `nextRunAtMs: undefined` ends the schedule.
    advance: {
      nextRunAtMs: plan.nextRunAtMs,
      runs: plan.runs,
      lastRunAtMs: last ?? schedule.lastRunAtMs,
      lastJobId: last === undefined ? schedule.lastJobId : occurrenceJobId(schedule.id, last),
      updatedAtMs: nowMs,
      ...endedExpiry(plan.nextRunAtMs, nowMs, config.retentionDays),
      ...(onTick ? { onTick } : {}),
    },
  };
}

/** Adds a committed spawn to the caller's counters. */
function countSpawn(counters: OccurrenceCounters, spawn: SentSpawn): void {
  counters.spawned += spawn.fired.length;
  counters.occurrencesSkipped += spawn.skipped;
}

/**
 * Once an advance moved the schedule past slots it does not fire (the misfire policy dropped them, or overlap `skip`),
 * writes their cancelled records: a spawner that sent them and crashed before its advance left messages that the
 * consumer would otherwise run now that the advance covers them. Only slots whose messages may still be alive are written
 * (a message is dropped once its job is missing for the orphan grace); a spawn that fires every slot writes nothing.
 */
async function cancelUnfiredSlots(
  deps: OccurrenceDeps,
  schedule: ScheduleRecord,
  spawn: { fired: readonly number[]; nextRunAtMs: number | undefined; nowMs: number },
): Promise<void> {
  const fired = new Set(spawn.fired);
  const endMs = spawn.nextRunAtMs ?? (spawn.fired.at(-1) ?? -Infinity) + 1;
  const fromMs = Math.max(schedule.nextRunAtMs! - 1, spawn.nowMs - SENT_MESSAGE_LIFETIME_MS);
  const unfired = slotsBetween(schedule, fromMs, endMs).filter((slot) => !fired.has(slot));
  const expiresAtEpochSec = Math.floor(spawn.nowMs / 1000) + deps.config.retentionDays * 86_400;
  await cancelSlots(deps.store, schedule, unfired, spawn.nowMs, expiresAtEpochSec);
}

/**
 * How long after its slot a message of an occurrence without a record can still be alive: it was sent at the latest
 * at its slot, and the consumer drops it once SQS's `SentTimestamp` is older than the orphan grace (8 minutes); a
 * minute more for the consumer's own waits.
 */
const SENT_MESSAGE_LIFETIME_MS = 9 * 60_000;

/**
 * Occurrences one spawn covers at least, when they fit within `MAX_SPAWN_AHEAD_MS`: the spawn's writes (a sweep's tick
 * and advance, 2 write units; 3 when the lane key moves) are shared by every occurrence of a spawn, so a schedule every few minutes, of which the
 * sweeper's window holds one slot, sends its next few at once instead of paying an advance for each.
 */
export const MIN_OCCURRENCES_PER_SPAWN = 4;
/** How far ahead a spawn sends at most: SQS's longest delay, less a minute for the send itself and the sender's clock. */
export const MAX_SPAWN_AHEAD_MS = DIRECT_HORIZON_MS - 60_000;

/**
 * Where a spawn of `schedule` stops: the window's end, or further (up to `MAX_SPAWN_AHEAD_MS` from now) until it holds
 * `MIN_OCCURRENCES_PER_SPAWN` slots. Overlap `skip` keeps the window: whether a run is still busy is decided at spawn,
 * which should not be minutes before its slot.
 *
 * @example
 * ```ts
 * spawnWindowEnd(everyMinute, { nowMs, untilMs: nowMs + 90_000 }); // the 4th slot from its next run
 * ```
 */
export function spawnWindowEnd(schedule: ScheduleRecord, window: OccurrenceWindow): number {
  if (schedule.overlap === 'skip' || schedule.nextRunAtMs === undefined) return window.untilMs;
  let slot = schedule.nextRunAtMs;
  for (let i = 1; i < MIN_OCCURRENCES_PER_SPAWN && slot <= window.nowMs + MAX_SPAWN_AHEAD_MS; i++) {
    slot = nextOccurrenceMs(schedule.recurrence, slot, schedule.anchorMs);
  }
  return Math.max(window.untilMs, Math.min(slot, window.nowMs + MAX_SPAWN_AHEAD_MS));
}

/**
 * The planned slots that overlap `skip` lets fire: a slot is skipped while the run before it occupies the schedule.
 * Only the schedule's last run is read; an occurrence of this very spawn is being sent now, so it occupies the schedule
 * once its slot is due: of several missed slots due now, only the first fires.
 */
async function slotsFreeOfOverlap(store: JobStore, schedule: ScheduleRecord, slots: readonly number[], nowMs: number): Promise<number[]> {
  if (slots.length === 0) return [];
  const fired: number[] = [];
  const lastRunBusy = await previousRunBusy(store, nowMs, schedule);
  for (const slot of slots) {
    const previous = fired.at(-1);
    if (!(previous === undefined ? lastRunBusy : previous <= nowMs)) fired.push(slot);
  }
  return fired;
}

/** The message of one occurrence: its deterministic id and due time, and the schedule generation it belongs to. */
function occurrenceMessage(schedule: ScheduleRecord, fireAtMs: number, sentAtMs: number, queue: JobQueue): OutgoingMessage {
  return {
    message: {
      v: 1,
      id: occurrenceJobId(schedule.id, fireAtMs),
      dueAtMs: fireAtMs,
      sentAtMs,
      occurrence: { scheduleId: schedule.id, generation: scheduleGeneration(schedule) },
    },
    delaySec: delaySecFor(fireAtMs, sentAtMs, queue.precision),
  };
}

/** The schedule after `advanceSchedule` applied `advance` (undefined fields are removed, as the store removes them). */
function advanced(schedule: ScheduleRecord, advance: ScheduleAdvance): ScheduleRecord {
  const { nextRunAtMs: _next, lastRunAtMs: _last, lastJobId: _job, ...rest } = schedule;
  return {
    ...rest,
    runs: advance.runs,
    updatedAtMs: advance.updatedAtMs,
    ...(advance.nextRunAtMs === undefined ? {} : { nextRunAtMs: advance.nextRunAtMs }),
    ...(advance.lastRunAtMs === undefined ? {} : { lastRunAtMs: advance.lastRunAtMs }),
    ...(advance.lastJobId === undefined ? {} : { lastJobId: advance.lastJobId }),
    ...(advance.expiresAtEpochSec === undefined ? {} : { expiresAtEpochSec: advance.expiresAtEpochSec }),
    ...(advance.token === undefined ? {} : { advanceToken: advance.token }),
  };
}

/** How far back `cancelPendingOccurrences` looks for occurrences of the old rule that may still be pending. */
const PENDING_OCCURRENCE_LOOKBACK_MS = 60_000;
/** Bound on the occurrences one call cancels (an `every: 1s` schedule has ~15 minutes' worth in flight at most). */
const MAX_PENDING_OCCURRENCES = 1000;

/**
 * Cancels the occurrences of `schedule`'s generation that were sent (before its `nextRunAtMs`, or due by now) and have
 * not started: replacing, pausing or deleting a schedule must not let its old rule fire again from SQS. Most have no
 * job record yet, so each gets a `cancelled` one (`cancelOccurrence`), which the consumer's create of that occurrence
 * cannot overwrite; a later generation's occurrence at the same instant can. The slots due by now are included even
 * past `nextRunAtMs`: a spawner that read the schedule before the change may have sent them without advancing it.
 *
 * @example
 * ```ts
 * await cancelPendingOccurrences(store, replaced, nowMs, expiresAtEpochSec);
 * ```
 */
export async function cancelPendingOccurrences(store: JobStore, schedule: ScheduleRecord, nowMs: number, expiresAtEpochSec: number): Promise<void> {
  const until = Math.max(schedule.nextRunAtMs ?? nowMs, nowMs + 1);
  await cancelSlots(store, schedule, slotsBetween(schedule, nowMs - PENDING_OCCURRENCE_LOOKBACK_MS, until), nowMs, expiresAtEpochSec);
}

/** The schedule's slots after `afterMs` and before `untilMs`, at most `MAX_PENDING_OCCURRENCES` of them. */
function slotsBetween(schedule: ScheduleRecord, afterMs: number, untilMs: number): number[] {
  const slots: number[] = [];
  let slot = nextOccurrenceMs(schedule.recurrence, afterMs, schedule.anchorMs);
  while (slot < untilMs && slots.length < MAX_PENDING_OCCURRENCES) {
    slots.push(slot);
    slot = nextOccurrenceMs(schedule.recurrence, slot, schedule.anchorMs);
  }
  return slots;
}

/** Writes the cancelled record of each slot; a refused write means the occurrence started or ended: nothing to cancel. */
async function cancelSlots(store: JobStore, schedule: ScheduleRecord, slots: readonly number[], nowMs: number, expiresAtEpochSec: number): Promise<void> {
  await Promise.all(slots.map((fireAtMs) => store.cancelOccurrence(occurrenceJob(schedule, fireAtMs, nowMs), nowMs, expiresAtEpochSec)));
}

/**
 * Cancels one occurrence by its job id while it has no job record (sent and not yet claimed, or still to be sent):
 * writes its `cancelled` job for the schedule's current generation, so the consumer's create of it fails and a later
 * spawn of that slot is turned away. Resolves with the cancelled job, or `undefined` when `id` is not a slot of an
 * existing schedule that may still run (nothing to cancel), or the occurrence started meanwhile.
 *
 * @example
 * ```ts
 * await cancelOccurrenceById(store, 'weekly-report#1795424400000', nowMs, expiresAtEpochSec);
 * ```
 */
export async function cancelOccurrenceById(store: JobStore, id: string, nowMs: number, expiresAtEpochSec: number): Promise<JobRecord | undefined> {
  const ref = parseOccurrenceJobId(id);
  // A slot older than the pending bound ran, was dropped, or expired: a cancelled record would only mislead.
  if (ref === undefined || ref.fireAtMs <= nowMs - PENDING_OCCURRENCE_BOUND_MS) return undefined;
  const schedule = await store.getSchedule(ref.scheduleId);
  if (schedule === undefined || nextOccurrenceMs(schedule.recurrence, ref.fireAtMs - 1, schedule.anchorMs) !== ref.fireAtMs) return undefined;
  if (!(await store.cancelOccurrence(occurrenceJob(schedule, ref.fireAtMs, nowMs), nowMs, expiresAtEpochSec))) return undefined;
  return store.getJob(id);
}

/** An ending advance (no next run) carries the schedule's TTL: kept `retentionDays`, like an ended job. */
function endedExpiry(nextRunAtMs: number | undefined, nowMs: number, retentionDays: number): { expiresAtEpochSec?: number } {
  return nextRunAtMs === undefined ? { expiresAtEpochSec: Math.floor(nowMs / 1000) + retentionDays * 86_400 } : {};
}
