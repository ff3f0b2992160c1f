// Read-your-writes for a view: before it answers, the view has applied every
// event stored so far on the subjects it follows (one look-up in the stream).
// The reservations and the known rooms of meetingroom.reserve are views, and a
// member reading the reservation they just made — or reserving a room an admin
// just added — must find it, on any replica.
import { type Runtime, type ServiceKit, unavailable } from "@seed/platform";

/** How long a read waits for its view to catch up before answering 503. */
const WAIT_MS = 1500;

export function caughtUp(rt: Runtime, kit: ServiceKit, view: string, filter: string): () => Promise<void> {
  return async () => {
    const projection = kit.projectionList.find((p) => p.projector.name === `view:${view}`);
    if (!projection) return;
    const last = await rt.events.lastSeqOf(kit.stream, filter);
    if (!projection.ready || !(await projection.waitFor(last, WAIT_MS))) {
      throw unavailable("this instance is catching up with the event stream, try again shortly");
    }
  };
}

/** The event time of a command: the service's clock, so that a moved test clock moves createdAt too. */
export const nowIso = (kit: ServiceKit): string => new Date(kit.clock.now()).toISOString();
