// A pull consumer can go quiet without an error: its server died and the
// client reconnected elsewhere, where nobody answers its pulls. Without a
// watch, a projection would then stand still while reporting ready, and a
// policy would stop reacting. Pulls expire every few seconds and the server
// sends heartbeats in between; two missed heartbeats end the subscription,
// and its owner starts over (a new ephemeral consumer from its position, or
// the durable one again).
import { ConsumerEvents, type ConsumerMessages } from "nats";

/** Pull options that make the server send heartbeats often enough to notice a stall within seconds. */
export const WATCHED_PULL = { expires: 5000, idle_heartbeat: 2000 } as const;

/** Ends `messages` (and tells `onStall`) when the server misses two heartbeats in a row. */
export function watchHeartbeats(messages: ConsumerMessages, onStall: () => void): void {
  void (async () => {
    for await (const s of await messages.status()) {
      if (s.type === ConsumerEvents.HeartbeatsMissed && (s.data as number) >= 2) {
        onStall();
        messages.stop();
        return;
      }
    }
  })().catch(() => {});
}
