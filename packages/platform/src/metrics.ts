// The broker's metrics in Prometheus text format, rendered by Moleculer's own
// Prometheus reporter — reused without the HTTP server it would otherwise open
// on a port of its own. The gateway and a node's own health server both
// answer /metrics with it.
import { MetricReporters, type ServiceBroker } from "moleculer";

export const PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type Registry = NonNullable<ServiceBroker["metrics"]>;

class InlinePrometheus extends MetricReporters.Prometheus {
  override init(registry: Registry): void {
    // Only the base part of init: no server, just the registry and labels.
    this.registry = registry;
    this.broker = registry.broker;
    this.logger = registry.logger;
    Object.assign(this, { defaultLabels: { namespace: registry.broker.namespace, nodeID: registry.broker.nodeID } });
  }
}

const reporters = new WeakMap<ServiceBroker, InlinePrometheus>();

/** Every metric of the broker's registry as Prometheus text ("" when metrics are off). */
export function renderPrometheus(broker: ServiceBroker): string {
  if (!broker.isMetricsEnabled()) return "";
  let reporter = reporters.get(broker);
  if (!reporter) {
    reporter = new InlinePrometheus({});
    reporter.init(broker.metrics);
    reporters.set(broker, reporter);
  }
  return `${reporter.generatePrometheusResponse()}\n`;
}
