// `npm run test:e2e` finds the browser it drives, or says exactly how to get
// one (it installs Debian's chromium itself as root where apt-get exists;
// that path is not run here, it would install a package).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureChromium, HOW_TO } from "../../scripts/chromium.mjs";

const dirs: string[] = [];
const emptyDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "chromium-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const quiet = () => {};

describe("the browser of the e2e tests", () => {
  it("takes CHROME_BIN when it is an executable", () => {
    expect(ensureChromium({ env: { CHROME_BIN: process.execPath }, install: false, log: quiet })).toBe(
      process.execPath,
    );
  });

  it("refuses a CHROME_BIN that is not one, saying how to get a browser", () => {
    expect(() => ensureChromium({ env: { CHROME_BIN: "/nowhere/chrome" }, install: false, log: quiet })).toThrow(
      `CHROME_BIN=/nowhere/chrome is not an executable file. ${HOW_TO}`,
    );
  });

  it("finds chromium in the folders it searches", () => {
    const dir = emptyDir();
    const bin = join(dir, "chromium");
    writeFileSync(bin, "#!/bin/sh\n");
    chmodSync(bin, 0o755);
    expect(ensureChromium({ env: {}, searchDirs: [dir], install: false, log: quiet })).toBe(bin);
  });

  it("without one and without apt as root, says exactly how to install it", () => {
    const searchDirs = [emptyDir()];
    const logged: string[] = [];
    const log = (line: string) => logged.push(line);
    const notFound =
      /^chromium was not found \(CHROME_BIN, \/usr\/bin\/chromium, PATH\)\. Install Debian's package \(as root: apt-get install -y chromium; otherwise: sudo apt-get install -y chromium\)/;
    expect(() => ensureChromium({ env: {}, searchDirs, root: false, hasApt: true, log })).toThrow(notFound);
    expect(() => ensureChromium({ env: {}, searchDirs, root: true, hasApt: false, log })).toThrow(notFound);
    expect(logged).toEqual([]);
  });
});
