/**
 * The send coalescer's batching rule, stepped with a fake timer and batches that resolve when the test says so: no
 * sleeping, no timing assertions.
 */
import { describe, expect, it } from 'vitest';
import { SendCoalescer, type BatchOutcome, type CoalescerTimer } from '../../lib/queue/send-coalescer.ts';

/** Timers the test fires by hand. */
class ManualTimer implements CoalescerTimer {
  readonly scheduled = new Map<number, { callback: () => void; ms: number }>();
  private next = 1;
  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.next++;
    this.scheduled.set(handle, { callback, ms });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.scheduled.delete(handle as number);
  }
  fireAll(): void {
    const due = [...this.scheduled.values()];
    this.scheduled.clear();
    for (const { callback } of due) callback();
  }
}

/** A flush whose batches stay in flight until `settle` is called, failing the entries a predicate picks. */
function harness(options: { maxWaitMs?: number; maxInFlight?: number; fails?: (entry: string) => boolean } = {}) {
  const timer = new ManualTimer();
  const batches: string[][] = [];
  const settles: Array<() => void> = [];
  const coalescer = new SendCoalescer<string>({
    maxEntries: 10,
    maxWaitMs: options.maxWaitMs ?? 5,
    maxInFlight: options.maxInFlight ?? 16,
    timer,
    flush: (entries) => {
      batches.push([...entries]);
      return new Promise<BatchOutcome>((resolve) => {
        settles.push(() => {
          const failedIndexes = entries.flatMap((e, i) => (options.fails?.(e) ? [i] : []));
          resolve(failedIndexes.length > 0 ? { failedIndexes, cause: new Error(`refused ${failedIndexes.length}`) } : { failedIndexes });
        });
      });
    },
  });
  /** Settles the oldest batch in flight, then lets its continuation run. */
  const settleOne = async () => {
    settles.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  /** Settles every batch in flight, then lets their continuations run. */
  const settleAll = async () => {
    for (const settle of settles.splice(0)) settle();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { coalescer, timer, batches, settleOne, settleAll, inFlight: () => settles.length };
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('SendCoalescer', () => {
  it('sends a lone call at once, without a timer', async () => {
    const h = harness();
    const sent = h.coalescer.submit(['a']);
    expect(h.batches).toEqual([['a']]);
    expect(h.timer.scheduled.size).toBe(0);
    await h.settleAll();
    await expect(sent).resolves.toEqual({ failedIndexes: [] });
  });

  it('gathers calls made while a batch is in flight and sends them when it returns', async () => {
    const h = harness();
    const first = h.coalescer.submit(['a']);
    const others = ['b', 'c', 'd'].map((id) => h.coalescer.submit([id]));
    expect(h.batches).toEqual([['a']]);
    expect(h.timer.scheduled.size).toBe(1);
    await h.settleAll();
    expect(h.batches).toEqual([['a'], ['b', 'c', 'd']]);
    // The wait ended with the batch in flight, so its timer is gone.
    expect(h.timer.scheduled.size).toBe(0);
    await h.settleAll();
    await expect(Promise.all([first, ...others])).resolves.toHaveLength(4);
  });

  it('waits at most maxWaitMs for the batch in flight: the timer sends what gathered', async () => {
    const h = harness({ maxWaitMs: 7 });
    void h.coalescer.submit(['a']);
    void h.coalescer.submit(['b']);
    void h.coalescer.submit(['c']);
    expect([...h.timer.scheduled.values()].map((t) => t.ms)).toEqual([7]);
    h.timer.fireAll();
    expect(h.batches).toEqual([['a'], ['b', 'c']]);
  });

  it('sends a batch as soon as 10 entries are pending, without waiting', () => {
    const h = harness();
    void h.coalescer.submit(['first']);
    for (const id of ids('j', 10)) void h.coalescer.submit([id]);
    expect(h.batches).toEqual([['first'], ids('j', 10)]);
    expect(h.timer.scheduled.size).toBe(0);
  });

  it('splits one large call into full batches, and its rest joins the next batch', async () => {
    const h = harness();
    const big = h.coalescer.submit(ids('x', 23));
    expect(h.batches.map((b) => b.length)).toEqual([10, 10]);
    void h.coalescer.submit(['y']);
    h.timer.fireAll();
    expect(h.batches.at(-1)).toEqual(['x20', 'x21', 'x22', 'y']);
    await h.settleAll();
    await expect(big).resolves.toEqual({ failedIndexes: [] });
  });

  it('maps each refused entry back to its own caller, by position in that caller’s entries', async () => {
    const h = harness({ fails: (id) => id.endsWith('!') });
    void h.coalescer.submit(['lead']);
    const a = h.coalescer.submit(['a0', 'a1!', 'a2']);
    const b = h.coalescer.submit(['b0!']);
    const c = h.coalescer.submit(['c0']);
    await h.settleAll();
    expect(h.batches[1]).toEqual(['a0', 'a1!', 'a2', 'b0!', 'c0']);
    await h.settleAll();
    await expect(a).resolves.toMatchObject({ failedIndexes: [1], cause: expect.any(Error) });
    await expect(b).resolves.toMatchObject({ failedIndexes: [0] });
    await expect(c).resolves.toEqual({ failedIndexes: [] });
  });

  it('reports every entry of a batch whose flush rejected as failed, with the cause', async () => {
    const boom = new Error('connection reset');
    const coalescer = new SendCoalescer<string>({ maxEntries: 10, maxWaitMs: 5, maxInFlight: 16, timer: new ManualTimer(), flush: () => Promise.reject(boom) });
    await expect(coalescer.submit(['a', 'b'])).resolves.toEqual({ failedIndexes: [0, 1], cause: boom });
    expect(coalescer.batchesInFlight).toBe(0);
  });

  it('keeps at most maxInFlight batches in flight; the others go as batches return', async () => {
    const h = harness({ maxInFlight: 2 });
    const all = h.coalescer.submit(ids('m', 45));
    expect(h.batches.map((b) => b.length)).toEqual([10, 10]);
    expect(h.timer.scheduled.size).toBe(0); // full batches wait for a slot, not for a timer
    await h.settleOne();
    expect(h.batches.map((b) => b.length)).toEqual([10, 10, 10]);
    expect(h.inFlight()).toBe(2);
    await h.settleAll();
    expect(h.batches.map((b) => b.length)).toEqual([10, 10, 10, 10]);
    await h.settleAll();
    // The rest is a partial batch, sent once nothing is in flight.
    expect(h.batches.map((b) => b.length)).toEqual([10, 10, 10, 10, 5]);
    expect(h.coalescer.batchesInFlight).toBe(1);
    await h.settleAll();
    await expect(all).resolves.toEqual({ failedIndexes: [] });
    expect(h.batches.flat()).toEqual(ids('m', 45));
  });

  it('sends a partial batch whose wait ended while every slot was taken with the next free slot', async () => {
    const h = harness({ maxInFlight: 1 });
    void h.coalescer.submit(['a']);
    const late = h.coalescer.submit(['b']);
    h.timer.fireAll();
    expect(h.batches).toEqual([['a']]);
    await h.settleAll();
    expect(h.batches).toEqual([['a'], ['b']]);
    expect(h.timer.scheduled.size).toBe(0);
    await h.settleAll();
    await expect(late).resolves.toEqual({ failedIndexes: [] });
  });

  it('resolves an empty call at once', async () => {
    const h = harness();
    await expect(h.coalescer.submit([])).resolves.toEqual({ failedIndexes: [] });
    expect(h.batches).toEqual([]);
  });
});
