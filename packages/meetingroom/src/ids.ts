// The correlation key every meetingroom event carries.
import type { EventEnvelope } from "@seed/platform";

export const roomIdOf = (e: EventEnvelope): string | undefined => (e.data as { roomId?: string }).roomId;
