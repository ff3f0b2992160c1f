// A policy reacts to events with commands ("whenever OrderPlaced, create a
// Pay"). It reads through durable consumers shared by the service's replicas
// as a queue group, so each event is handled by one replica: one consumer per
// aggregate it reacts to, each taking only that aggregate's subjects, and on a
// typed stream only the types it reacts to (subjects.ts). An instance of this
// class runs one of them. The event
// is acknowledged only after its effect was appended; a failure is retried with
// a growing delay, and after the last attempt the event goes to the
// dead-letter subject with its error, where an operator can list and replay it.
// A void commit (a write that lost, see chain.ts) is acknowledged unhandled.

import type { Logger as LoggerInstance } from "moleculer";
import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  headers,
  type JetStreamManager,
  type JsMsg,
  type MsgHdrs,
  NatsError,
} from "nats";
import { prevOf } from "./chain.js";
import { WATCHED_PULL, watchHeartbeats } from "./consumer-watch.js";
import { Refusal } from "./domain.js";
import { isClientError } from "./errors.js";
import { DEAD_LETTER_STREAM, decodeCommit, type EventEnvelope, type EventStore } from "./event-store.js";
import { KeyedLock } from "./keyed-lock.js";
import { logFields } from "./observability/logging.js";
import { type DeliveryTracer, deliveryLabel } from "./observability/tracing.js";
import { aggregateSubjectOf, consumerFilters, filtersOfTypes } from "./subjects.js";
import { untilAnswered } from "./until-answered.js";

/** Longest wait between two attempts, however many are configured. */
const MAX_BACKOFF_MS = 60_000;

/** Carries out the policy's reaction to one event; resolves once its effects are stored. */
export type EventHandler = (event: EventEnvelope) => Promise<void>;

export interface PolicyOptions {
  /** Durable consumer name, e.g. "shop-pay-order". */
  durable: string;
  /**
   * The policy's name (the service's, e.g. "shop-pay"), shared by all its
   * consumers: dead letters are filed and replayed under it. Default `durable`.
   */
  policy?: string;
  /**
   * A durable this one replaces (the policy's consumer before it took one per
   * aggregate): created anew, this one starts after what that one had
   * acknowledged instead of at the start of the stream.
   */
  replaces?: string;
  stream: string;
  /** The subjects this consumer reads, e.g. `shop.order.>`. */
  filter: string;
  /**
   * The event types reacted to among them: on a typed stream the consumer
   * takes only those (subjects.ts). Default: every type under `filter`.
   */
  types?: readonly string[];
  reactions: Record<string, EventHandler>;
  maxDeliver: number;
  ackWaitMs: number;
  backoffMs: number;
  /** Subject for events given up on: `deadletter.<system>.<policy>`. */
  deadLetterSubject: string;
  /**
   * Events handled at once by this replica (default 1). Events of one
   * aggregate are still handled one after the other, in order.
   */
  concurrency?: number;
  /** Told of every outcome, for metrics. */
  observe?: (outcome: PolicyOutcome) => void;
  /** Brings events of older schema versions to the current shape (the system's upcasters). */
  upcast?: (event: EventEnvelope) => EventEnvelope;
  /** With tracing on: each reaction joins the trace its event was appended in. */
  trace?: DeliveryTracer;
}

export type PolicyOutcome = "handled" | "retried" | "deadLettered";

export class Policy {
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly inOrder = new KeyedLock();
  /** Events handled by this replica, for tests and metrics. */
  handled = 0;
  deadLettered = 0;

  constructor(
    private readonly events: EventStore,
    private readonly opts: PolicyOptions,
    private readonly logger: LoggerInstance,
  ) {}

  /** The name dead letters are filed under. */
  get name(): string {
    return this.opts.policy ?? this.opts.durable;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await untilAnswered(`policy ${this.opts.durable}`, () => this.ensureConsumer(), {
      logger: this.logger,
      cancelled: () => this.stopped,
    });
    this.loop = this.run();
  }

  /** Stops taking new events and waits for those in hand to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.messages?.stop();
    await this.loop;
    await Promise.all(this.inFlight);
  }

  private async ensureConsumer(): Promise<void> {
    const jsm = await this.events.jsm();
    const { opts } = this;
    const filters = opts.types
      ? filtersOfTypes(opts.filter, opts.types, await this.events.typed(opts.stream))
      : [opts.filter];
    const config = {
      durable_name: opts.durable,
      ...consumerFilters(filters),
      ack_policy: AckPolicy.Explicit,
      ...(await this.startOf(jsm)),
      ack_wait: opts.ackWaitMs * 1e6,
      // Attempts are counted here, not by the server, so the last one can be dead-lettered with its error.
      max_deliver: -1,
      max_ack_pending: 1000,
    };
    try {
      await jsm.consumers.add(opts.stream, config);
    } catch (err) {
      // Exists with other settings (a changed ack wait, a type reacted to since): update what may be updated.
      if (!(err instanceof NatsError)) throw err;
      // An existing durable with one filter gets the list in its place (a server refuses both).
      const typedFilters = filters.length > 1 ? { filter_subjects: filters, filter_subject: undefined } : {};
      await jsm.consumers.update(opts.stream, opts.durable, {
        ack_wait: config.ack_wait,
        max_ack_pending: 1000,
        ...typedFilters,
      });
    }
  }

  /**
   * Where a new consumer starts: after what the durable it replaces had
   * acknowledged, if there is one (what was delivered and not acknowledged
   * comes again; reactions are idempotent), else at the start of the stream.
   * An existing consumer keeps its place whatever this says.
   */
  private async startOf(jsm: JetStreamManager) {
    const exists = await jsm.consumers.info(this.opts.stream, this.opts.durable).then(
      () => true,
      () => false,
    );
    const old =
      !exists && this.opts.replaces
        ? await jsm.consumers.info(this.opts.stream, this.opts.replaces).catch(() => undefined)
        : undefined;
    return old
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: old.ack_floor.stream_seq + 1 }
      : { deliver_policy: DeliverPolicy.All };
  }

  private async run(): Promise<void> {
    let delay = 100;
    while (!this.stopped) {
      try {
        const consumer = await this.events.js.consumers.get(this.opts.stream, this.opts.durable);
        // Fetch little more than can be handled at once: fetched events wait
        // unacknowledged, and past the ack wait the server hands them out again.
        const messages = await consumer.consume({
          max_messages: 2 * (this.opts.concurrency ?? 1) + 2,
          ...WATCHED_PULL,
        });
        this.messages = messages;
        watchHeartbeats(messages, () =>
          this.logger.warn(`policy ${this.opts.durable}: consumer went quiet, subscribing again`),
        );
        if (this.stopped) messages.stop();
        for await (const m of messages) {
          // nats.js still yields the rest of the batch it took before stop().
          // Handling them would hold stop() for the whole batch, past their ack
          // wait, while the server hands them to another replica as well. Left
          // unacknowledged, they go to another replica after the ack wait. (A
          // `nak` would be sooner, but nats-server 2.9 then delivers some twice.)
          if (this.stopped) break;
          await this.dispatch(m);
        }
        delay = 100;
      } catch (err) {
        if (this.stopped) break;
        this.logger.warn(`policy ${this.opts.durable}: consumer interrupted, resuming`, (err as Error).message);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  /** Starts handling `m` once a slot is free, after earlier events of the same aggregate. */
  private async dispatch(m: JsMsg): Promise<void> {
    const limit = this.opts.concurrency ?? 1;
    while (this.inFlight.size >= limit) await Promise.race(this.inFlight);
    if (this.stopped) return; // stopped while waiting for a slot: leave it for redelivery
    const task: Promise<void> = this.inOrder
      .run(aggregateSubjectOf(m.subject), () => this.handle(m))
      .catch((err: unknown) => {
        // Not even dead-lettering worked (NATS gone): unacknowledged, the event comes back after the ack wait.
        this.logger.error(
          `policy ${this.opts.durable}: seq ${m.seq} left for redelivery`,
          (err as Error).message,
          this.fieldsOfCommit(m),
        );
      })
      .finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  /** Runs the reactions to every event of one commit; throws when one failed. */
  private async react(data: Uint8Array, headers?: MsgHdrs, seq = 0): Promise<void> {
    for (const event of decodeCommit(data, this.opts.upcast)) {
      const react = this.opts.reactions[event.type];
      if (!react) continue;
      try {
        await this.traced(event, headers, seq, react);
      } catch (err) {
        // A refused command is an answer, not a failure: the event is done.
        if (err instanceof Refusal || isClientError(err)) {
          this.logger.info(
            `policy ${this.opts.durable}: ${event.type} ${event.id} refused: ${(err as Error).message}`,
            this.fieldsOf(event),
          );
          continue;
        }
        throw err;
      }
    }
  }

  /** Runs a reaction; with tracing on, in a span of the trace its event was appended in. */
  private traced(event: EventEnvelope, headers: MsgHdrs | undefined, seq: number, react: EventHandler): Promise<void> {
    const trace = this.opts.trace;
    if (!trace) return react(event);
    return trace(
      headers,
      () => deliveryLabel(`policy ${this.opts.policy ?? this.opts.durable}`, [event], seq),
      () => react(event),
    );
  }

  /**
   * Handles a dead-lettered commit of this policy again (after a fix), and
   * removes it from the dead-letter stream once its reactions succeeded.
   * Reactions are idempotent, so a replay of something done changes nothing.
   */
  async replay(deadLetterSeq: number): Promise<{ seq: number; subject: string }> {
    const jsm = await this.events.jsm();
    const letter = await jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq: deadLetterSeq });
    if (letter.header.get("Seed-Policy") !== this.name) {
      throw new Error(`dead letter ${deadLetterSeq} belongs to ${letter.header.get("Seed-Policy") || "no policy"}`);
    }
    await this.react(letter.data);
    await jsm.streams.deleteMessage(DEAD_LETTER_STREAM, deadLetterSeq);
    this.logger.info(`policy ${this.opts.durable}: dead letter ${deadLetterSeq} replayed`);
    return { seq: Number(letter.header.get("Seed-Seq")), subject: letter.header.get("Seed-Subject") };
  }

  /** Log fields naming the event: its flow (correlation id), its cause and this policy. */
  private fieldsOf(event: EventEnvelope, seq?: number) {
    return logFields({
      correlationId: event.correlationId,
      causationId: event.causationId,
      eventId: event.id,
      eventType: event.type,
      policy: this.opts.durable,
      seq,
    });
  }

  /** Fields of a commit's first event; read again only when something is logged (failures). */
  private fieldsOfCommit(m: JsMsg) {
    try {
      const first = decodeCommit(m.data)[0];
      if (first) return this.fieldsOf(first, m.seq);
    } catch {
      // not decodable: the policy and sequence still say where it is
    }
    return logFields({ policy: this.opts.durable, seq: m.seq });
  }

  /**
   * Whether a commit this policy reacts to is on its aggregate's valid chain.
   * Only a replicated stream can hold void commits; there it costs one read
   * forward from the commit's predecessor, made only for commits with a
   * reaction here.
   */
  private async counts(m: JsMsg): Promise<boolean> {
    const prev = prevOf(m.headers);
    if (prev === undefined || !(await this.events.verifies(this.opts.stream))) return true;
    const reacts = decodeCommit(m.data).some((e) => this.opts.reactions[e.type] !== undefined);
    return !reacts || (await this.events.isValidAt(this.opts.stream, aggregateSubjectOf(m.subject), m.seq, prev));
  }

  private async handle(m: JsMsg): Promise<void> {
    try {
      if (!(await this.counts(m))) {
        this.logger.info(`policy ${this.opts.durable}: seq ${m.seq} is void (a write that lost), skipped`);
        m.ack();
        return;
      }
      await this.react(m.data, m.headers, m.seq);
      this.handled++;
      m.ack();
      this.opts.observe?.("handled");
    } catch (err) {
      const attempt = m.info.redeliveryCount;
      if (attempt >= this.opts.maxDeliver) {
        await this.deadLetter(m, err as Error);
        return;
      }
      const delay = Math.min(this.opts.backoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
      this.logger.warn(
        `policy ${this.opts.durable}: attempt ${attempt} of seq ${m.seq} failed, retry in ${delay} ms`,
        (err as Error).message,
        this.fieldsOfCommit(m),
      );
      m.nak(delay);
      this.opts.observe?.("retried");
    }
  }

  private async deadLetter(m: JsMsg, err: Error): Promise<void> {
    const h = headers();
    h.set("Seed-Error", (err.message || String(err)).slice(0, 2000));
    h.set("Seed-Subject", m.subject);
    h.set("Seed-Seq", String(m.seq));
    h.set("Seed-Policy", this.name);
    h.set("Seed-Stream", this.opts.stream);
    await this.events.js.publish(this.opts.deadLetterSubject, m.data, {
      headers: h,
      msgID: `${this.opts.durable}:${m.seq}`,
    });
    this.deadLettered++;
    this.opts.observe?.("deadLettered");
    this.logger.error(
      `policy ${this.opts.durable}: seq ${m.seq} dead-lettered after ${m.info.redeliveryCount} attempts: ${err.message}`,
      this.fieldsOfCommit(m),
    );
    m.term();
  }
}
