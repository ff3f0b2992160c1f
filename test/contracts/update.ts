// `npm run contracts:update`: records the current event contracts in
// contracts/events/<system>.json. It refuses while any change would break a
// published version (change the code back, or bump the version and add an
// upcaster); new types, new versions and compatible changes are written.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { checkContract, snapshotOf } from "@seed/platform/operations";
import { systems } from "../../scripts/systems.js";
import { readSnapshot, snapshotPath, writeSnapshot } from "./snapshots.js";

const written: string[] = [];
let refused = false;
for (const system of systems) {
  if (!system.events) continue;
  const published = readSnapshot(system.name);
  const breaking = published ? checkContract(system.events, published).filter((p) => p.kind === "breaking") : [];
  if (breaking.length > 0) {
    refused = true;
    console.error(`${system.name}: not updated, published versions would break:`);
    for (const p of breaking) console.error(`  ${p.message}`);
    continue;
  }
  writeSnapshot(snapshotOf(system.events, published));
  written.push(snapshotPath(system.name));
  console.log(`${system.name}: ${snapshotPath(system.name)}`);
}
// In the repository's format, so that the lint stays clean.
if (written.length > 0) {
  const biome = fileURLToPath(new URL("../../node_modules/@biomejs/biome/bin/biome", import.meta.url));
  spawnSync(process.execPath, [biome, "format", "--write", ...written], { stdio: "ignore" });
}
process.exit(refused ? 1 : 0);
