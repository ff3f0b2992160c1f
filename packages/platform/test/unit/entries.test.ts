// The platform's entries name what each audience uses; its machinery stays inside.
import { describe, expect, it } from "vitest";
import * as domain from "../../src/domain.js";
import * as node from "../../src/entry/node.js";
import * as operations from "../../src/entry/operations.js";
import * as system from "../../src/index.js";

const entries = { system, domain, node, operations };

describe("the platform's entries", () => {
  it("keep the machinery inside: projections, policies, stores, repositories, views, tickers", () => {
    for (const [name, entry] of Object.entries(entries)) {
      for (const internal of [
        "Projection",
        "Policy",
        "Store",
        "openStore",
        "Repository",
        "View",
        "Ticker",
        "KeyedLock",
      ]) {
        expect(entry, `${name} exports ${internal}`).not.toHaveProperty(internal);
      }
    }
  });

  it("give a system no launcher, operator command or node wiring", () => {
    for (const name of ["startNatsServer", "formatStreams", "tailEvents", "loadConfig", "startNode", "errorHandler"]) {
      expect(system, name).not.toHaveProperty(name);
    }
  });

  it("name each value once, in the entry of its audience", () => {
    const seen = new Map<string, string>();
    for (const [name, entry] of Object.entries(entries)) {
      for (const key of Object.keys(entry)) {
        expect(seen.get(key), `${key} in ${name} and ${seen.get(key)}`).toBeUndefined();
        seen.set(key, name);
      }
    }
  });
});
