// Every business system this repository runs, in one place: adding a system is
// one import and one entry here. A node reads the manifests (names, services,
// roles, settings) at start and loads the code of only the systems it runs
// (`loadSystems`): each `import()` is a chunk of its own in the built node
// (scripts/build.ts), so a node running the mall never loads the insurance.
import { cleaningManifest } from "@seed/cleaning/manifest";
import { insuranceManifest } from "@seed/insurance/manifest";
import { mallManifest } from "@seed/mall/manifest";
import { meetingroomManifest } from "@seed/meetingroom/manifest";
import type { SystemManifest, SystemModule } from "@seed/platform";
import { sauceManifest } from "@seed/sauce/manifest";

/** A system as the catalog lists it: its manifest and how to load its code. */
export interface CatalogEntry extends SystemManifest {
  load(): Promise<SystemModule>;
}

export const catalog: readonly CatalogEntry[] = [
  { ...mallManifest, load: async () => (await import("@seed/mall")).mall },
  { ...sauceManifest, load: async () => (await import("@seed/sauce")).sauce },
  { ...cleaningManifest, load: async () => (await import("@seed/cleaning")).cleaning },
  { ...meetingroomManifest, load: async () => (await import("@seed/meetingroom")).meetingroom },
  { ...insuranceManifest, load: async () => (await import("@seed/insurance")).insurance },
];

/** Every role the systems declare: a gateway accepts users and tokens holding any of them, whichever systems it serves. */
export const catalogRoles = [...new Set(catalog.flatMap((s) => s.roles))];

/** Loads these systems' code, in the catalog's order. */
export function loadSystems(entries: readonly CatalogEntry[]): Promise<SystemModule[]> {
  return Promise.all(entries.map((entry) => entry.load()));
}
