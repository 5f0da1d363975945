/**
 * The sweep's cursors while it runs, and their checkpoints to the sweeper state item. Shards advance in parallel but
 * share one item, so saves are chained one after another (each writes the newest cursors of every shard).
 */
import type { JobStore, ShardCursor, SweepState } from '../store/types.ts';

/**
 * Pages between checkpoints. A crash loses at most this many pages of progress per shard (they are sent again, and the
 * claim drops the duplicates); a checkpoint costs one write unit.
 */
export const CHECKPOINT_EVERY_PAGES = 8;

/**
 * Holds the cursors of one sweep and saves them under its lease.
 */
export class CursorBook {
  private readonly cursors: Record<number, ShardCursor>;
  private readonly tickCursors: Record<number, number>;
  private pages = 0;
  private chain: Promise<unknown> = Promise.resolve();
  /** Set once a save finds the lease held by another sweep. */
  leaseLost = false;

  constructor(
    private readonly store: JobStore,
    private readonly owner: string,
    initial: SweepState,
    private readonly onCheckpointError: (error: unknown) => void = () => {},
  ) {
    this.cursors = { ...initial.cursors };
    this.tickCursors = { ...initial.tickCursors };
  }

  get(shard: number): ShardCursor | undefined {
    return this.cursors[shard];
  }

  /** Moves a shard's cursor; the caller has sent everything before it. */
  set(shard: number, cursor: ShardCursor): void {
    this.cursors[shard] = cursor;
  }

  /** Where a shard's tick pass starts: every tick due before it is handled. */
  getTicks(shard: number): number | undefined {
    return this.tickCursors[shard];
  }

  /** Moves a shard's tick cursor; every tick due before `fromMs` is handled. */
  setTicks(shard: number, fromMs: number): void {
    this.tickCursors[shard] = fromMs;
  }

  /** Counts a finished page and checkpoints every `CHECKPOINT_EVERY_PAGES` pages. A failed checkpoint is reported, not thrown: the next one (or the final save) writes the same cursors. */
  async pageDone(): Promise<void> {
    this.pages++;
    if (this.pages % CHECKPOINT_EVERY_PAGES !== 0) return;
    try {
      await this.save(false);
    } catch (error) {
      this.onCheckpointError(error);
    }
  }

  /** Saves the current cursors (releasing the lease when `release`); false when the lease was lost. */
  async save(release: boolean): Promise<boolean> {
    const saved = this.chain.then(async () => {
      if (this.leaseLost) return false;
      const ok = await this.store.saveSweep(this.owner, { cursors: { ...this.cursors }, tickCursors: { ...this.tickCursors } }, release);
      if (!ok) this.leaseLost = true;
      return ok;
    });
    // A failed save must not block the ones after it.
    this.chain = saved.catch(() => undefined);
    return saved;
  }
}
