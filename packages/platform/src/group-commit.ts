// Group commit of a projection: one write at a time. What arrives while a
// batch is being written is applied to the next one (which reads through the
// batch being written) and written as soon as that write is done. Waiting for
// each write before applying more made a view fall behind by a tenth of a
// second at a few hundred events per second whenever LevelDB was slow.

/** Where the batches come from and go to (a projection's LevelDB). */
export interface Batches<B> {
  /** A new, empty batch; `under` is the batch being written, which the new one must read through. */
  open(under?: B): B;
  /**
   * Writes a batch holding every commit up to `upTo`. Whatever this position
   * releases (its record, the callers waiting for it) happens only here,
   * after the write: never for a commit that is not on disk.
   */
  write(batch: B, upTo: number): Promise<void>;
  /**
   * Told that every commit up to `upTo` is on disk although no write carried
   * the last of them: they were passed (nothing to apply), so the position
   * moves in memory only and is written with the next batch.
   */
  passed?(upTo: number): void;
}

/** A batch this big waits for the write before it: memory stays bounded when the disk is slow. */
export const MAX_PENDING = 2000;

export class GroupCommit<B> {
  private batch: B;
  /** Commits applied to the open batch and not written yet. */
  private pending = 0;
  private last: number;
  /** A commit is half applied to the open batch: it must not be written now. */
  private applying = false;
  /** No new write starts (closed, or a commit failed half applied). */
  private halted = false;
  private writing?: Promise<void>;
  private failure?: { error: unknown };

  constructor(
    private readonly batches: Batches<B>,
    /** The position already written: where the first batch continues from. */
    from: number,
    private readonly maxPending = MAX_PENDING,
  ) {
    this.batch = batches.open();
    this.last = from;
  }

  /** The last position applied (written or not). */
  get applied(): number {
    return this.last;
  }

  /**
   * Applies the commit at `seq` to the open batch, and starts writing it if
   * no write is under way. Throws a failed write's error (the batch and all
   * after it are lost: the caller starts over from the written position).
   */
  async apply(seq: number, change: (batch: B) => void | Promise<void>): Promise<void> {
    this.throwIfFailed();
    if (this.halted) throw new Error("group commit is closed");
    this.applying = true;
    try {
      await change(this.batch);
    } catch (err) {
      // The batch holds part of this commit: it must never reach the disk.
      this.halted = true;
      throw err;
    }
    this.applying = false;
    this.last = seq;
    this.pending++;
    if (this.writing && this.pending >= this.maxPending) await this.settle();
    if (!this.writing && this.pending > 0) this.write();
  }

  /**
   * A commit that changes nothing here (off the projection's subjects): the
   * position moves past it without a write of its own, so a copy that rarely
   * gets a commit does not start far behind the others.
   */
  pass(seq: number): void {
    this.last = seq;
    if (!this.writing && this.pending === 0) this.batches.passed?.(seq);
  }

  /** Writes everything applied so far and waits for it; throws a failed write's error. */
  async drain(): Promise<void> {
    await this.settle();
    // Closed, or halted with part of a commit in the batch: nothing more may reach the disk.
    if (this.pending > 0 && !this.halted) this.write();
    await this.settle();
  }

  /**
   * Waits for the write under way and starts no other: what is still in the
   * open batch is dropped, and is read again from the written position.
   */
  async close(): Promise<void> {
    this.halted = true;
    while (this.writing) await this.writing;
  }

  private write(): void {
    const done = this.batch;
    const upTo = this.last;
    this.batch = this.batches.open(done);
    this.pending = 0;
    this.writing = this.batches.write(done, upTo).then(
      () => {
        this.writing = undefined;
        // Not while a commit is half applied to the batch: `apply` writes it after.
        if (!this.applying && !this.halted && this.pending > 0) this.write();
        // Only commits passed since: written as far as anything was applied.
        else if (!this.halted && this.pending === 0 && this.last > upTo) this.batches.passed?.(this.last);
      },
      (error: unknown) => {
        this.writing = undefined;
        this.failure = { error };
      },
    );
  }

  private async settle(): Promise<void> {
    while (this.writing) await this.writing;
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
