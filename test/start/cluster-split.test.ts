// `npm run cluster` splits the systems into nodes as the Kubernetes manifests
// do: one node per system (the base), or one per service (the per-service
// overlay), each with its replicas; every service runs on exactly one kind of node.
import { selectServices } from "@seed/platform/node";
import { describe, expect, it } from "vitest";
import { allServices } from "../../scripts/launch.js";
import { serviceNodes } from "../../scripts/local-cluster.js";
import { systems } from "../../scripts/systems.js";

const names = systems.map((s) => s.name);
const services = allServices().filter((s) => s !== "api");

describe("the cluster's nodes", () => {
  it("per system: <system>-<n> runs <system>.*", () => {
    const nodes = serviceNodes(["mall"], 2, "system");
    expect(nodes).toEqual([
      { name: "mall-1", services: "mall.*" },
      { name: "mall-2", services: "mall.*" },
    ]);
  });

  it("per service: one node per service and replica, named after it, running only it", () => {
    const nodes = serviceNodes(names, 2, "service");
    expect(nodes).toHaveLength(services.length * 2);
    expect(nodes).toContainEqual({ name: "mall-pay-1", services: "mall.pay" });
    expect(nodes).toContainEqual({ name: "mall-pay-2", services: "mall.pay" });
    expect(new Set(nodes.map((n) => n.name)).size).toBe(nodes.length);
    for (const split of ["system", "service"] as const) {
      const run = serviceNodes(names, 1, split).flatMap((n) => selectServices(n.services, allServices()));
      expect(run.sort()).toEqual([...services].sort());
    }
  });

  it("per service, only the chosen systems' services", () => {
    const nodes = serviceNodes(["sauce"], 1, "service");
    expect(nodes.map((n) => n.services).sort()).toEqual(services.filter((s) => s.startsWith("sauce.")).sort());
  });
});
