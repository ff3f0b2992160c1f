// /metrics: Moleculer's own metric registry (requests, events, process, ...)
// plus the gateway's HTTP counters, rendered in Prometheus text format by
// Moleculer's Prometheus reporter — reused without the HTTP server it would
// otherwise open on a port of its own.
import { MetricReporters, type ServiceBroker } from "moleculer";

export const HTTP_REQUESTS = "http.requests.total";
export const HTTP_DURATION = "http.request.duration.seconds";
export const PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

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

export class HttpMetrics {
  private readonly reporter: InlinePrometheus | undefined;

  constructor(private readonly broker: ServiceBroker) {
    if (!broker.isMetricsEnabled()) return;
    broker.metrics.register({
      name: HTTP_REQUESTS,
      type: "counter",
      labelNames: ["method", "route", "status"],
      description: "HTTP requests answered by the gateway",
      rate: false,
    });
    broker.metrics.register({
      name: HTTP_DURATION,
      type: "histogram",
      labelNames: ["method", "route"],
      description: "time to answer an HTTP request",
      unit: "second",
      buckets: BUCKETS,
      quantiles: false,
    });
    this.reporter = new InlinePrometheus({});
    this.reporter.init(broker.metrics);
  }

  /** `route` is the alias pattern (`/mall/orders/:id`), never the raw URL: label sets stay bounded. */
  observe(method: string, route: string, status: number, seconds: number): void {
    if (!this.reporter) return;
    this.broker.metrics.increment(HTTP_REQUESTS, { method, route, status });
    this.broker.metrics.observe(HTTP_DURATION, seconds, { method, route });
  }

  render(): string {
    return this.reporter ? `${this.reporter.generatePrometheusResponse()}\n` : "";
  }
}
