// Moleculer's Metrics middleware with a cheaper path for action calls.
//
// The series stay Moleculer's, with the same names, labels and values
// (moleculer.request.total, .active, .levels, .time and .error.total: what
// /metrics and the dashboard read). Moleculer updates five of them on every
// call, and for each update it turns the call's label set into a string key
// once or twice (nine times a call) and allocates a timer closure. Here each
// action keeps the series of each caller it has seen, keyed once, and updates
// their items in place. Events, emits and transit packets keep Moleculer's
// own hooks: they are not on a request's path.
//
// Moleculer adds its middlewares itself unless `internalMiddlewares` is off,
// so a node lists them (`moleculerMiddlewares`) with this one in the place
// of "Metrics".
import * as moleculer from "moleculer";
import { type Context, METRIC, type Middleware, type ServiceBroker } from "moleculer";

type Labels = Record<string, unknown>;

/** What Moleculer keeps per label set of a counter or gauge. */
interface ValueItem {
  value: number;
  timestamp: number;
  rate?: { update(value: number): void };
}

/** What Moleculer keeps per label set of a histogram. */
interface HistogramItem {
  timestamp: number;
  sum: number;
  count: number;
  lastValue: number;
  bucketValues?: Record<string, number>;
  quantileValues?: { add(value: number): void };
  rate?: { update(count: number): void };
}

/** The part of Moleculer's metric types used here (BaseMetric, GaugeMetric, HistogramMetric). */
interface MetricLike {
  values: Map<string, unknown>;
  buckets?: number[];
  hashingLabels(labels: Labels): string;
  changed(value: number, labels: Labels): void;
  increment(labels: Labels, value: number): unknown;
  observe(value: number, labels: Labels): unknown;
}

/**
 * One series (a metric and a label set known in advance): its key is
 * computed once. When the item is not there yet (first call, or the metric
 * was cleared), Moleculer's own method creates it.
 */
export class Series {
  private readonly key: string;
  /**
   * A histogram's bucket bounds as the property names Moleculer counts them
   * under, ascending. Made once: indexing by the number (`counts[0.0025]`)
   * turns it into a string on every access, which cost more than the rest of
   * an observation.
   */
  private readonly bucketKeys: string[];

  constructor(
    private readonly metric: MetricLike,
    private readonly labels: Labels,
  ) {
    this.key = metric.hashingLabels(labels);
    this.bucketKeys = (metric.buckets ?? []).map(String);
  }

  /** GaugeMetric.increment/decrement, in place. */
  add(delta: number): void {
    const item = this.metric.values.get(this.key) as ValueItem | undefined;
    if (!item) {
      this.metric.increment(this.labels, delta);
      return;
    }
    item.value += delta;
    item.timestamp = Date.now();
    item.rate?.update(item.value);
    this.metric.changed(item.value, this.labels);
  }

  /** HistogramMetric.observe, in place; buckets are cumulative (each one ≥ the value counts it). */
  observe(value: number): void {
    const item = this.metric.values.get(this.key) as HistogramItem | undefined;
    if (!item) {
      this.metric.observe(value, this.labels);
      return;
    }
    item.timestamp = Date.now();
    item.sum += value;
    item.count++;
    item.lastValue = value;
    const buckets = this.metric.buckets;
    const counts = item.bucketValues;
    if (buckets && counts) {
      // Sorted ascending: walk down from the largest while the value fits.
      for (let i = buckets.length - 1; i >= 0; i--) {
        if (value > (buckets[i] as number)) break;
        const key = this.bucketKeys[i] as string;
        counts[key] = (counts[key] ?? 0) + 1;
      }
    }
    item.quantileValues?.add(value);
    item.rate?.update(item.count);
    this.metric.changed(value, this.labels);
  }
}

/** The series one caller's calls of one action update. */
interface CallSeries {
  total: Series;
  active: Series;
  time: Series;
}

type ActionHandler = (ctx: Context) => Promise<unknown>;
interface ActionDef {
  name: string;
  service?: { fullName: string };
}

function actionMetrics(broker: ServiceBroker, type: "local" | "remote", action: ActionDef, next: ActionHandler) {
  const service = action.service ? action.service.fullName : null;
  const byCaller = new Map<string | null | undefined, CallSeries>();
  const callSeriesOf = (caller: string | null | undefined): CallSeries => {
    let series = byCaller.get(caller);
    if (!series) {
      const labels = { service, action: action.name, caller, type };
      series = {
        total: seriesOf(broker, METRIC.MOLECULER_REQUEST_TOTAL, labels),
        active: seriesOf(broker, METRIC.MOLECULER_REQUEST_ACTIVE, labels),
        time: seriesOf(broker, METRIC.MOLECULER_REQUEST_TIME, labels),
      };
      byCaller.set(caller, series);
    }
    return series;
  };
  const levels = levelsOf(broker);

  return function metricsMiddleware(ctx: Context): Promise<unknown> {
    const series = callSeriesOf(ctx.caller);
    series.total.add(1);
    series.active.add(1);
    levels(ctx.level).add(1);
    const start = performance.now();
    return next(ctx).then(
      (res) => {
        finished(series, start);
        return res;
      },
      (err: { name?: string; code?: unknown; type?: unknown } | undefined) => {
        finished(series, start);
        broker.metrics.increment(METRIC.MOLECULER_REQUEST_ERROR_TOTAL, {
          service,
          action: action.name,
          caller: ctx.caller,
          type,
          errorName: err ? err.name : null,
          errorCode: err ? err.code : null,
          errorType: err ? err.type : null,
        });
        throw err;
      },
    );
  };
}

/** A call's end, answered or failed: its time, and one call fewer in flight (no closure per call). */
function finished(series: CallSeries, start: number): void {
  series.time.observe(performance.now() - start);
  series.active.add(-1);
}

/** moleculer.request.levels is labelled by the context level only: one series per level, per broker. */
const levelSeries = new WeakMap<ServiceBroker, (level: number) => Series>();
function levelsOf(broker: ServiceBroker): (level: number) => Series {
  let of = levelSeries.get(broker);
  if (!of) {
    const byLevel = new Map<number, Series>();
    of = (level: number) => {
      let series = byLevel.get(level);
      if (!series) {
        series = seriesOf(broker, METRIC.MOLECULER_REQUEST_LEVELS, { level });
        byLevel.set(level, series);
      }
      return series;
    };
    levelSeries.set(broker, of);
  }
  return of;
}

/**
 * A series of the broker's metric `name` (registered already) for one label
 * set, for whoever updates it per request. Actions create theirs at their
 * first call, not when they are wrapped: the broker's own services are
 * wrapped before Moleculer's middleware registers its metrics.
 */
export function seriesOf(broker: ServiceBroker, name: string, labels: Labels): Series {
  const registry = broker.metrics as unknown as { getMetric(name: string): MetricLike };
  return new Series(registry.getMetric(name), labels);
}

type Hooks = Record<string, unknown>;

/** Moleculer's Metrics middleware, its action hooks replaced by the ones above. */
function callMetricsMiddleware(broker: ServiceBroker): Hooks {
  // Moleculer exports its middlewares without typings for them.
  const { Middlewares } = moleculer as unknown as { Middlewares: { Metrics: (b: ServiceBroker) => Hooks } };
  const moleculers = Middlewares.Metrics(broker);
  if (!broker.isMetricsEnabled()) return moleculers;
  return {
    ...moleculers,
    localAction: (next: ActionHandler, action: ActionDef) => actionMetrics(broker, "local", action, next),
    remoteAction: (next: ActionHandler, action: ActionDef) => actionMetrics(broker, "remote", action, next),
  };
}

/**
 * Moleculer's internal middlewares in its own order (service-broker.js,
 * INTERNAL_MIDDLEWARES of 0.15), "Metrics" being callMetricsMiddleware. For
 * a broker with `internalMiddlewares: false`, after its own middlewares,
 * where Moleculer would add them.
 */
export const moleculerMiddlewares: (string | Middleware)[] = [
  "ActionHook",
  "Validator",
  "Bulkhead",
  "Cacher",
  "ContextTracker",
  "CircuitBreaker",
  "Timeout",
  "Retry",
  "Fallback",
  "ErrorHandler",
  "Tracing",
  // Moleculer calls a function with the broker; its typings name objects only.
  callMetricsMiddleware as unknown as Middleware,
  "Debounce",
  "Throttle",
];
