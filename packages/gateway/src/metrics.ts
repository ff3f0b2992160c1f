// /metrics: Moleculer's own metric registry (requests, events, process, ...)
// plus the gateway's HTTP counters, in Prometheus text format.
import { PROMETHEUS_TYPE, renderPrometheus, type Series, seriesOf } from "@seed/platform/node";
import type { ServiceBroker } from "moleculer";

export const HTTP_REQUESTS = "http.requests.total";
export const HTTP_DURATION = "http.request.duration.seconds";
export { PROMETHEUS_TYPE };

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class HttpMetrics {
  private readonly enabled: boolean;

  constructor(private readonly broker: ServiceBroker) {
    this.enabled = broker.isMetricsEnabled();
    if (!this.enabled) return;
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
  }

  /**
   * The two series each answer updates, per status, method and route: found
   * by one look-up instead of Moleculer hashing their labels on every request.
   */
  private readonly series = new Map<string, { requests: Series; duration: Series }>();

  /** `route` is the alias pattern (`/mall/orders/:id`), never the raw URL: label sets stay bounded. */
  observe(method: string, route: string, status: number, seconds: number): void {
    if (!this.enabled) return;
    const key = `${status} ${method} ${route}`;
    let series = this.series.get(key);
    if (!series) {
      series = {
        requests: seriesOf(this.broker, HTTP_REQUESTS, { method, route, status }),
        duration: seriesOf(this.broker, HTTP_DURATION, { method, route }),
      };
      this.series.set(key, series);
    }
    series.requests.add(1);
    series.duration.observe(seconds);
  }

  render(): string {
    return renderPrometheus(this.broker);
  }
}
