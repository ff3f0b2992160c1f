// Configuration comes only from environment variables, parsed and validated
// once at start. Every variable has a default that works on a laptop; the k8s
// ConfigMap sets the production values. The platform's own variables are
// here; each system declares its own (`defineSettings`), and the loader
// merges those of the systems it is given.
import { type Static, Type as T, type TObject, type TProperties } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import type { SystemSettings } from "./settings.js";

const Bool = (def: "true" | "false", description: string) =>
  T.Union([T.Literal("true"), T.Literal("false")], { default: def, description });
const Int = (min: number, max: number, def: number, description: string) =>
  T.Integer({ minimum: min, maximum: max, default: def, description });

/** The signing secret of a local run: known to everyone who has read this file. */
const DEVELOPMENT_JWT_SECRET = "local-development-secret-change-me";
/** How the deployment templates mark the values an operator must replace. */
const PLACEHOLDER_PREFIX = "REPLACE-ME";

export const PlatformSettings = T.Object(
  {
    NATS_URL: T.String({
      default: "",
      description: "NATS server(s), comma-separated; empty = start a local nats-server",
    }),
    NATS_USER: T.String({ default: "", description: "NATS user name (client authentication)" }),
    NATS_PASSWORD: T.String({ default: "", description: "NATS password" }),
    PORT: Int(0, 65535, 8080, "HTTP port of the gateway (health and metrics on nodes without a gateway)"),
    HOST: T.String({ default: "0.0.0.0", description: "interface the HTTP server listens on" }),
    DATA_DIR: T.String({ default: ".data", description: "all local state: nats-server store and every LevelDB" }),
    SERVICES: T.String({
      default: "*",
      description:
        "services this node runs: `*`, `<system>.*`, or a list of services like `shop.pay,shop.delivery,api`",
    }),
    GATEWAY_SYSTEMS: T.String({
      default: "*",
      description:
        "systems a node running only the gateway routes: `*` (every one) or a list like `mall,sauce`; the others' paths answer 404",
    }),
    NODE_ID: T.String({
      default: "",
      description: "Moleculer node id and LevelDB instance folder; empty = host name and process id, first free folder",
    }),
    NAMESPACE: T.String({
      default: "seed",
      description: "Moleculer namespace: nodes only see nodes of the same namespace",
    }),
    HEALTH_PORT: Int(0, 65535, 0, "health and metrics port of a node without the gateway; 0 = a free port"),
    LOG_LEVEL: T.Union(
      [
        T.Literal("fatal"),
        T.Literal("error"),
        T.Literal("warn"),
        T.Literal("info"),
        T.Literal("debug"),
        T.Literal("trace"),
      ],
      {
        default: "info",
        description: "log level",
      },
    ),
    LOG_FORMAT: T.Union([T.Literal("json"), T.Literal("pretty")], { default: "pretty", description: "log format" }),
    TRACING_EXPORTER: T.Union([T.Literal("none"), T.Literal("local"), T.Literal("zipkin"), T.Literal("console")], {
      default: "none",
      description:
        "where spans go: none (tracer off), local (kept on each node for the flow view only), zipkin (also to a Zipkin-compatible collector: Zipkin, Jaeger, an OpenTelemetry Collector) or console",
    }),
    TRACING_URL: T.String({
      default: "http://localhost:9411",
      description: "base URL of the Zipkin-compatible collector (spans are posted to /api/v2/spans)",
    }),
    TRACING_SAMPLE_RATE: T.Number({
      minimum: 0,
      maximum: 1,
      default: 1,
      description:
        "share of requests whose traces are recorded (everything a recorded request causes is recorded with it)",
    }),
    TRACING_INTERVAL_SECONDS: Int(1, 600, 5, "seconds between two posts of finished spans to the collector"),
    JWT_SECRET: T.String({
      default: DEVELOPMENT_JWT_SECRET,
      minLength: 16,
      description: "HS256 signing secret",
    }),
    JWT_PUBLIC_KEY: T.String({ default: "", description: "PEM public key: verify RS256 tokens instead of HS256" }),
    JWT_TTL_SECONDS: Int(60, 604800, 3600 * 8, "lifetime of issued tokens"),
    DEMO_USERS: Bool(
      "false",
      "create the demo users (password `demo`); `npm start` sets it to true, deployments never",
    ),
    USERS_FILE: T.String({ default: "", description: "JSON file of users: [{id, username, roles, passwordHash}]" }),
    STREAM_REPLICAS: Int(1, 5, 1, "replicas of every JetStream stream"),
    STREAM_MAX_AGE_DAYS: Int(0, 36500, 0, "how long events are kept; 0 = forever"),
    STREAM_MAX_BYTES: T.Integer({ minimum: -1, default: -1, description: "size limit of each stream; -1 = none" }),
    STREAM_DUPLICATE_WINDOW_SECONDS: Int(1, 86400, 600, "window in which a re-published event id is dropped"),
    REQUEST_TIMEOUT_MS: Int(50, 120000, 3000, "timeout of every synchronous call"),
    RETRY_ATTEMPTS: Int(
      0,
      10,
      0,
      "broker-wide retries of calls that timed out; 0 because a retried create could apply twice",
    ),
    BREAKER_THRESHOLD: T.Number({
      minimum: 0.01,
      maximum: 1,
      default: 0.5,
      description: "failure ratio that opens a breaker",
    }),
    BREAKER_MIN_REQUESTS: Int(1, 10000, 5, "calls in the window before a breaker may open"),
    BREAKER_WINDOW_SECONDS: Int(1, 3600, 10, "breaker's observation window"),
    BREAKER_HALF_OPEN_MS: Int(100, 600000, 5000, "time an open breaker waits before letting one call through"),
    BULKHEAD_CONCURRENCY: Int(1, 10000, 64, "concurrent executions of one action per node"),
    BULKHEAD_QUEUE: Int(0, 100000, 1000, "calls waiting for a bulkhead slot before 503"),
    POLICY_MAX_DELIVER: Int(1, 100, 5, "attempts of a policy before its event goes to the dead-letter subject"),
    POLICY_ACK_WAIT_MS: Int(
      1000,
      600000,
      10000,
      "time a policy has to handle an event before it goes to another replica",
    ),
    POLICY_CONCURRENCY: Int(1, 1000, 16, "events a policy replica handles at once (one aggregate's in order)"),
    POLICY_BACKOFF_MS: Int(10, 600000, 500, "first redelivery delay after a failure; doubles each attempt"),
    COMMAND_RETRIES: Int(0, 100, 10, "re-decides after a concurrent write to the same aggregate"),
    IDEMPOTENCY_TTL_HOURS: Int(1, 720, 24, "how long an Idempotency-Key is remembered"),
    BODY_LIMIT: T.String({ default: "64kb", description: "largest accepted request body" }),
    RATE_LIMIT_PER_MINUTE: Int(
      0,
      10000000,
      60000,
      "requests per minute per caller (bursts up to a minute's worth); 0 = off",
    ),
    CORS_ORIGINS: T.String({ default: "*", description: "allowed CORS origins, comma-separated" }),
    DISCOVERY_WAIT_MS: Int(
      0,
      10000,
      500,
      "how long a starting node listens for its peers' services before it starts its own",
    ),
    SHUTDOWN_TIMEOUT_MS: Int(100, 600000, 10000, "longest graceful shutdown"),
    SHUTDOWN_DRAIN_MS: Int(
      0,
      60000,
      0,
      "time between readiness going off and the listener closing, for load balancers to notice",
    ),
    LIVENESS_MAX_LOOP_DELAY_MS: Int(
      50,
      600000,
      5000,
      "an event-loop stall longer than this fails /health/live (the process is restarted)",
    ),
    LIVENESS_WINDOW_MS: Int(100, 600000, 10000, "how long a stall stays reported on /health/live"),
    LIVENESS_NATS_DOWN_MS: Int(
      1000,
      3600000,
      60000,
      "NATS unreachable longer than this fails /health/live (readiness fails at once)",
    ),
  },
  { additionalProperties: true },
);

/**
 * The platform's variables. A config loaded with systems also holds theirs,
 * which each system reads through its own settings (`settings.of(config)`).
 */
export type Config = Static<typeof PlatformSettings>;

/** What the loader needs of a system: its name and the settings it declares, if any. */
export interface SettingsOwner {
  name: string;
  settings?: SystemSettings | undefined;
}

/** The platform's variables and those of the systems, as one schema; a variable may be declared once only. */
function schemaOf(systems: readonly SettingsOwner[]): TObject {
  const properties: TProperties = { ...PlatformSettings.properties };
  for (const system of systems) {
    for (const [name, schema] of Object.entries(system.settings?.schema.properties ?? {})) {
      if (name in properties) throw new Error(`${system.name} declares the setting ${name}, which is already declared`);
      properties[name] = schema;
    }
  }
  return T.Object(properties, { additionalProperties: true });
}

/** Environment variables the config reads (the platform's, then each system's), with their descriptions (README, ConfigMap). */
export const configVariables = (
  systems: readonly SettingsOwner[] = [],
): Array<{ name: string; default: unknown; description: string }> =>
  Object.entries(schemaOf(systems).properties).map(([name, s]) => ({
    name,
    default: (s as { default?: unknown }).default,
    description: (s as { description?: string }).description ?? "",
  }));

/**
 * Reads and validates the configuration: the platform's variables and those
 * the given systems declare. Numbers arrive as strings and are converted;
 * anything invalid stops the process with every problem named.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, systems: readonly SettingsOwner[] = []): Config {
  const schema = schemaOf(systems);
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const v = env[key];
    if (v !== undefined && v !== "") raw[key] = v;
  }
  const withDefaults = Value.Default(schema, Value.Convert(schema, raw));
  const errors = [...Value.Errors(schema, withDefaults)];
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.path.slice(1)}: ${e.message} (got ${JSON.stringify(e.value)})`);
    throw new Error(`invalid configuration:\n${lines.join("\n")}`);
  }
  return withDefaults as Config;
}

/** True when the SERVICES selector includes the gateway (the one service that signs and checks tokens). */
const runsGateway = (services: string) => services.split(",").some((s) => s.trim() === "*" || s.trim() === "api");

/**
 * A node that serves real users must not sign tokens with a secret anyone
 * knows: with DEMO_USERS off, a gateway node refuses the development default
 * and the deployment templates' placeholder. Returns the config, or throws
 * with what to do instead.
 */
export function refuseKnownSecrets(config: Config): Config {
  if (config.DEMO_USERS === "true" || config.JWT_PUBLIC_KEY !== "" || !runsGateway(config.SERVICES)) return config;
  const secret = config.JWT_SECRET;
  const known =
    secret === DEVELOPMENT_JWT_SECRET
      ? "the development default"
      : secret.startsWith(PLACEHOLDER_PREFIX)
        ? "the deployment template's placeholder"
        : undefined;
  if (!known) return config;
  throw new Error(
    `JWT_SECRET is ${known}, and DEMO_USERS is off: anyone could sign a token for any user.\n` +
      "  Set JWT_SECRET to a random secret of 32 bytes or more, e.g. JWT_SECRET=$(openssl rand -hex 32);\n" +
      '  in Kubernetes put it in k8s/base/secrets.env (docs/DEPLOY.md, "Secrets").\n' +
      "  For a local demo with the demo users, set DEMO_USERS=true instead.",
  );
}
