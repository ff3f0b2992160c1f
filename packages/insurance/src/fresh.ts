// Reading a view that a decision depends on. Views are eventually consistent;
// a command that decides on one (a proposal needs its plan's document to be
// issued) first lets the view catch up with everything the stream holds now,
// so a client that just saw the document issued is not told "not yet".
import { type Runtime, type ServiceKit, unavailable } from "@seed/platform";

const CATCH_UP_MS = 1000;

export async function caughtUp(rt: Runtime, kit: ServiceKit, view: { section: string }): Promise<void> {
  const projection = kit.projectionList.find((p) => p.projector.name === view.section);
  if (!projection) return;
  const last = await rt.events.lastSeq(kit.stream);
  if (!(await projection.waitFor(last, CATCH_UP_MS)))
    throw unavailable("this instance is catching up with the event stream, try again shortly");
}
