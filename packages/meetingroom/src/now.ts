import type { ServiceKit } from "@seed/platform";

/** The event time of a command: the service's clock, so that a moved test clock moves createdAt too. */
export const nowIso = (kit: ServiceKit): string => new Date(kit.clock.now()).toISOString();
