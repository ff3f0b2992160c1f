// Read-your-writes for this instance's copy of the stream (an aggregate's
// follower or a view). A copy is eventually consistent; a read that must not
// answer from an old copy (a GET after a write made on another replica, a
// decision that depends on a view) first lets the copy reach a point of the
// stream. A copy that cannot get there in time must not answer "not found" or
// decide on old state: it answers 503, marked as having done nothing, and the
// call goes to another replica.
import { notReadyHere } from "./errors.js";
import type { Projection } from "./projection.js";

/** How long a read waits for this copy before it answers 503. */
export const CATCH_UP_MS = 1000;

const CATCHING_UP = "this instance is catching up with the event stream, try again shortly";

export class Freshness {
  private projection?: Projection;

  /** The projection that fills the copy; until one is given (not started), every read is served as it is. */
  follow(projection: Projection): void {
    this.projection = projection;
  }

  /** Caught up once and following now (not rebuilding, not cut off from NATS). */
  get ready(): boolean {
    return this.projection?.ready ?? true;
  }

  /** Waits until the copy is following and has applied the commit at `seq` (0: just following); else 503. */
  async reach(seq: number): Promise<void> {
    const projection = this.projection;
    if (!projection) return;
    const ready = projection.ready || (await projection.whenReady(CATCH_UP_MS));
    if (!ready || (seq > 0 && !(await projection.waitFor(seq, CATCH_UP_MS)))) throw notReadyHere(CATCHING_UP);
  }

  /**
   * Waits until the copy holds everything the stream holds now on its
   * subjects (one look-up in the stream); else 503. What the copy lacks
   * afterwards, the stream lacks too.
   */
  async reachStreamEnd(): Promise<void> {
    const projection = this.projection;
    if (!projection) return;
    const ready = projection.ready || (await projection.whenReady(CATCH_UP_MS));
    if (!ready || !(await projection.reachStreamEnd(CATCH_UP_MS))) throw notReadyHere(CATCHING_UP);
  }

  /** Resolves once the copy has applied `seq`, however long that takes (false if it stops first). */
  applied(seq: number): Promise<boolean> {
    return this.projection?.waitFor(seq, 0) ?? Promise.resolve(true);
  }
}
