// Structured logs. A log call may end with `logFields({...})`: in JSON format
// (LOG_FORMAT=json) those become top-level fields of the line, so a log
// search can select every line of one request (`requestId`) or one business
// flow (`correlationId`); in the pretty format they are printed as key=value
// after the message. The request id of the action being served (see
// request-scope.ts) and, with tracing on, the trace id (tracing.ts) are added
// to every line logged while it runs.
import type { LoggerConfig } from "moleculer";
import { currentRequestId } from "./request-scope.js";
import { currentTraceId } from "./tracing.js";

/** Ids a log line can carry as fields. */
export interface LogFieldValues {
  requestId?: string | undefined;
  /** The trace the line belongs to, as the tracing backend shows it (tracing on only). */
  traceId?: string | undefined;
  correlationId?: string | undefined;
  causationId?: string | undefined;
  eventId?: string | undefined;
  eventType?: string | undefined;
  policy?: string | undefined;
  seq?: number | undefined;
}

/** Fields of one log line (a marker class, so a formatter tells them from logged objects). */
export class LogFields {
  constructor(readonly values: LogFieldValues) {}
}

/** Fields to pass as the last argument of a log call. */
export const logFields = (values: LogFieldValues): LogFields => new LogFields(values);

type Printer = { printArgs(args: unknown[]): unknown[] };
type Bindings = { nodeID?: string; ns?: string; mod?: string; svc?: string } | undefined;
type Formatter = (type: string, args: unknown[], bindings: Bindings, printer: Printer) => unknown[];

/** Splits a log call's arguments into the message parts and the fields (theirs and the running request's). */
export function splitFields(args: unknown[]): { parts: unknown[]; fields: LogFieldValues } {
  let fields: LogFieldValues = {};
  let parts = args;
  const last = args[args.length - 1];
  if (last instanceof LogFields) {
    fields = { ...last.values };
    parts = args.slice(0, -1);
  }
  if (fields.requestId === undefined) {
    const requestId = currentRequestId();
    if (requestId !== undefined) fields.requestId = requestId;
  }
  if (fields.traceId === undefined) {
    const traceId = currentTraceId();
    if (traceId !== undefined) fields.traceId = traceId;
  }
  for (const key of Object.keys(fields) as Array<keyof LogFieldValues>) {
    if (fields[key] === undefined) delete fields[key];
  }
  return { parts, fields };
}

/** One JSON object per line: ts, level, msg, nodeID, ns, mod, svc, then the fields. */
export const jsonFormatter: Formatter = (type, args, bindings, { printArgs }) => {
  const { parts, fields } = splitFields(args);
  const msg = printArgs(parts.map((p) => (p instanceof Error ? (p.stack ?? p.message) : p))).join(" ");
  return [JSON.stringify({ ts: new Date().toISOString(), level: type, msg, ...bindings, ...fields })];
};

/** `[time] LEVEL MODULE: message key=value …`, like Moleculer's "short" format. */
export const prettyFormatter: Formatter = (type, args, bindings, { printArgs }) => {
  const { parts, fields } = splitFields(args);
  const tail = Object.entries(fields).map(([k, v]) => `${k}=${v}`);
  const mod = (bindings?.mod ?? "").toUpperCase();
  return [
    `[${new Date().toISOString().slice(11)}]`,
    type.toUpperCase().padEnd(5),
    `${mod}:`,
    ...printArgs(parts),
    ...tail,
  ];
};

/** The broker's logger settings for LOG_FORMAT and LOG_LEVEL. */
export function loggerOptions(format: "json" | "pretty", level: string): LoggerConfig {
  return {
    type: "Console",
    options: {
      level,
      formatter: format === "json" ? jsonFormatter : prettyFormatter,
      colors: false,
    },
  } as LoggerConfig;
}
