// Routing a key to one replica (consistent hashing), as Moleculer's Shard
// strategy does, but only ever to a replica that is available. Moleculer's
// own builds its ring from every endpoint and rebuilds it only when a node
// joins or leaves; between a node's death and the registry noticing it
// (heartbeat timeout), the breaker marks that node's endpoint unavailable,
// the key still hashes to it, and the call fails with a 500 ("Strategy
// returned an invalid endpoint"). Here the ring is rebuilt over the available
// endpoints whenever that set changes, so the key goes to a live replica;
// what two replicas owning one key for a moment could do is kept safe by the
// aggregate's one-writer-per-version rule, not by the routing.
import { type Context, type Endpoint, Strategies } from "moleculer";

/** The name actions give as `strategy` (every node registers it by importing the platform). */
export const AVAILABLE_SHARD = "AvailableShard";

class AvailableShardStrategy extends Strategies.Shard {
  /** The endpoints the ring was built over. */
  private ringOver = "";

  override select(list: Endpoint[], ctx: Context): Endpoint {
    const over = list
      .map((ep) => ep.id)
      .sort()
      .join(",");
    if (over !== this.ringOver) {
      this.ringOver = over;
      // The base class rebuilds its ring (and forgets its cached picks) from `list` when asked to.
      (this as unknown as { needRebuild: boolean }).needRebuild = true;
    }
    return super.select(list, ctx);
  }
}

Strategies.register(AVAILABLE_SHARD, AvailableShardStrategy as unknown as Strategies.Base);
