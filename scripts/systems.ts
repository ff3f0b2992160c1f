// Every business system with its code loaded, for the tools and tests that
// work on all of them (contracts, deployment checks, the REPL). A node loads
// only the systems it runs: see scripts/catalog.ts. The gateway's factory
// travels with the list.
import type { SystemModule } from "@seed/platform";
import { catalog, loadSystems } from "./catalog.js";

export { createGateway } from "@seed/gateway";

export const systems: SystemModule[] = await loadSystems(catalog);
