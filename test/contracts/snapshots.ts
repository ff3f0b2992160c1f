// Where the published event contracts live (`contracts/events/<system>.json`)
// and how they are read and written; shared by the contract test and by
// `npm run contracts:update`.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { EventSnapshot } from "@seed/platform/operations";

const DIR = fileURLToPath(new URL("../../contracts/events/", import.meta.url));

export const snapshotPath = (system: string) => `${DIR}${system}.json`;

export function readSnapshot(system: string): EventSnapshot | undefined {
  const path = snapshotPath(system);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as EventSnapshot) : undefined;
}

export function writeSnapshot(snapshot: EventSnapshot): void {
  writeFileSync(snapshotPath(snapshot.system), `${JSON.stringify(snapshot, null, 2)}\n`);
}
