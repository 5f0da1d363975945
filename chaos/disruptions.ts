/**
 * The process-level disruptions of the chaos run, on a running local stack: consumers killed mid-task (SIGKILL of the
 * OS process, as an out-of-memory kill or a host failure does), sweepers killed mid-sweep, extra sweepers invoked
 * alongside the scheduled one, and an outage of the SQS endpoint.
 */
import type { LocalFunction } from '../infra/local/lambda-runtime.ts';
import type { LocalStack } from '../infra/local/local-stack.ts';

/** What the disruptions did, for the summary (and which pids died, for the verdict). */
export class DisruptionLog {
  readonly killedConsumerPids = new Set<number>();
  readonly killedSweeperPids = new Set<number>();
  extraSweeps = 0;
  sqsOutages = 0;
  sqsDownMs = 0;
}

export interface DisruptionPlan {
  /** Mean seconds between consumer kills. */
  readonly consumerKillEverySec: number;
  /** Mean seconds between sweeper kills. */
  readonly sweeperKillEverySec: number;
  /** Sweeper invocations started alongside each scheduled one. */
  readonly extraSweepers: number;
  /** Period of the stack's sweep trigger (the extra sweepers fire on the same boundaries). */
  readonly sweepEverySec: number;
  /** When (seconds after start) the SQS endpoint goes down, and for how long. */
  readonly sqsOutage?: { readonly atSec: number; readonly downMs: number };
}

/** Running disruptions; `stop()` ends them and waits for what is in flight. */
export interface Disruptions {
  readonly log: DisruptionLog;
  stop(): Promise<void>;
}

/**
 * Starts the disruptions. `random` drives every choice (when, which process, how far into a sweep).
 *
 * @example
 * ```ts
 * const disruptions = startDisruptions(stack, { consumer, sweeper }, plan, Math.random);
 * await disruptions.stop();
 * ```
 */
export function startDisruptions(
  stack: Pick<LocalStack, 'invoke' | 'restartSqs'>,
  functions: { readonly consumer: LocalFunction; readonly sweeper: LocalFunction },
  plan: DisruptionPlan,
  random: () => number,
): Disruptions {
  const log = new DisruptionLog();
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;
  const later = (ms: number, action: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopped) action();
    }, ms);
    timers.add(timer);
  };
  const track = (work: Promise<unknown>) => {
    const tracked = work.catch(() => undefined).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  /** Exponential gaps: kills arrive as a Poisson process, never on a beat the engine could fall into step with. */
  const gapMs = (meanSec: number) => -Math.log(1 - random()) * meanSec * 1000;

  const killConsumer = () => {
    const pid = pickBusy(functions.consumer, random);
    if (pid !== undefined && kill(pid)) log.killedConsumerPids.add(pid);
    later(gapMs(plan.consumerKillEverySec), killConsumer);
  };
  // A sweep lasts a few hundred ms: wait for one to be running, then cut it at a random point.
  const killSweeper = () => {
    const deadline = Date.now() + 5_000;
    const poll = () => {
      if (functions.sweeper.busyPids.length > 0) {
        later(random() * 300, () => {
          const pid = pickBusy(functions.sweeper, random);
          if (pid !== undefined && kill(pid)) log.killedSweeperPids.add(pid);
        });
        later(gapMs(plan.sweeperKillEverySec), killSweeper);
      } else if (Date.now() < deadline) {
        later(20, poll);
      } else {
        later(gapMs(plan.sweeperKillEverySec), killSweeper);
      }
    };
    poll();
  };
  // On the trigger's own boundaries, so the extra sweepers and the scheduled one run at the same moment.
  const extraSweeps = () => {
    const periodMs = plan.sweepEverySec * 1000;
    const now = Date.now();
    later(Math.floor(now / periodMs) * periodMs + periodMs - now, () => {
      for (let i = 0; i < plan.extraSweepers; i++) {
        log.extraSweeps++;
        track(stack.invoke(functions.sweeper.definition.logicalId, { 'detail-type': 'Scheduled Event', source: 'chaos', detail: {} }));
      }
      extraSweeps();
    });
  };

  later(gapMs(plan.consumerKillEverySec), killConsumer);
  later(gapMs(plan.sweeperKillEverySec), killSweeper);
  if (plan.extraSweepers > 0) extraSweeps();
  if (plan.sqsOutage) {
    const { atSec, downMs } = plan.sqsOutage;
    later(atSec * 1000, () => {
      log.sqsOutages++;
      log.sqsDownMs += downMs;
      track(stack.restartSqs(downMs));
    });
  }
  return {
    log,
    stop: async () => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all(inFlight);
    },
  };
}

/** A random pid among the function's environments running an invocation now. */
export function pickBusy(fn: Pick<LocalFunction, 'busyPids'>, random: () => number): number | undefined {
  const busy = fn.busyPids;
  return busy.length === 0 ? undefined : busy[Math.floor(random() * busy.length)];
}

function kill(pid: number): boolean {
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    // It exited on its own in between.
    return false;
  }
}
