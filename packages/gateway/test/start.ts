// Starts an in-process node (fake demo system and/or the gateway) on the
// test run's real nats-server, in this test file's namespace.
import { type RunningNode, startNode } from "@seed/platform/node";
import { type ConfigOverrides, TEST_NAMESPACE, testConfig } from "@seed/platform/testing";
import brokerConfig from "../../../broker.config.js";
import { createGateway, gatewayAddress } from "../src/index.js";
import { demoSystem } from "./fake-system.js";

export interface Started {
  node: RunningNode;
  url: string;
}

export async function startDemoNode(services: string, overrides: ConfigOverrides = {}): Promise<Started> {
  // PORT 0: the gateway picks a free port and tells us which.
  const config = testConfig({ PORT: 0, SERVICES: services, ...overrides });
  const brokerOptions = brokerConfig(config);
  brokerOptions.namespace = TEST_NAMESPACE;
  brokerOptions.skipProcessEventRegistration = true;
  const node = await startNode({ config, brokerOptions, systems: [demoSystem], gateway: createGateway });
  const addr = gatewayAddress(node.broker);
  return { node, url: addr ? `http://127.0.0.1:${addr.port}` : "" };
}
