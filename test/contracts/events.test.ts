// Event contracts of every system:
// 1. each system's declared events match the published snapshot
//    (contracts/events/<system>.json) — no breaking change inside a version,
//    every older published version upcast to the current one;
// 2. every reaction and view reads only types its system declares;
// 3. what producers really append — each system's main flow driven over HTTP
//    against a real node — is, event by event, of a declared type and version
//    and matches that version's schema.

import { type EventEnvelope, streamName } from "@seed/platform";
import { compileChecker } from "@seed/platform/node";
import { checkContract } from "@seed/platform/operations";
import { declaredConsumers, eventually, startTestNode, type TestNode } from "@seed/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as cleaning from "../../packages/cleaning/test/integration/helpers.js";
import * as insurance from "../../packages/insurance/test/integration/helpers.js";
import * as mall from "../../packages/mall/test/integration/helpers.js";
import * as meetingroom from "../../packages/meetingroom/test/integration/helpers.js";
import * as sauce from "../../packages/sauce/test/integration/helpers.js";
import { systems } from "../../scripts/systems.js";
import { readSnapshot } from "./snapshots.js";

describe("published event contracts", () => {
  it.each(systems.map((s) => [s.name, s.name, s] as const))("%s keeps contracts/events/%s.json", (name, _, system) => {
    expect(system.events, `${name} declares its events with defineEvents`).toBeDefined();
    const published = readSnapshot(name);
    expect(published, `contracts/events/${name}.json exists (npm run contracts:update)`).toBeDefined();
    if (!system.events || !published) return;
    expect(checkContract(system.events, published).map((p) => p.message)).toEqual([]);
  });
});

/** Policies and views are asynchronous: their events appear within this bound. */
const SETTLE = { timeout: 20_000, interval: 200 };
/** A flow of several steps, on a machine other test files share. */
const FLOW = 60_000;

describe("events as producers append them", () => {
  let node: TestNode;
  const streamStart: Record<string, number> = {};

  beforeAll(async () => {
    node = await startTestNode({ config: { POLICY_ACK_WAIT_MS: 2000 } });
    const jsm = await node.node.runtime.events.jsm();
    for (const s of systems) streamStart[s.name] = (await jsm.streams.info(streamName(s.name))).state.last_seq + 1;
  });
  afterAll(async () => {
    await node?.stop();
  });

  it("every reaction and view of every service reads only declared types", () => {
    const consumers = declaredConsumers();
    for (const system of systems) {
      const ours = consumers.filter((c) => c.service.startsWith(`${system.name}.`));
      expect(ours.length, `${system.name} has consumers`).toBeGreaterThan(0);
      for (const c of ours) {
        const unknown = c.types.filter((t) => system.events?.versionOf(t) === undefined);
        expect(unknown, `${c.service} ${c.consumer}`).toEqual([]);
      }
    }
  });

  /** Every event appended to the system's stream since the node started, as stored. */
  async function storedSince(system: string): Promise<EventEnvelope[]> {
    const jsm = await node.node.runtime.events.jsm();
    const stream = streamName(system);
    const last = (await jsm.streams.info(stream)).state.last_seq;
    const start = streamStart[system] ?? 1;
    if (last < start) return [];
    const out: EventEnvelope[] = [];
    for (let seq = start; seq <= last; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq });
      // Read raw: what is checked is what was stored, not an upcast of it.
      out.push(...(JSON.parse(new TextDecoder().decode(m.data)) as EventEnvelope[]));
    }
    return out;
  }

  /** The stored events of a system, each checked against its type's declared version and schema. */
  function expectConforming(system: string, mustSee: string[]): Promise<void> {
    return eventually(() => conforming(system, mustSee), SETTLE);
  }

  async function conforming(system: string, mustSee: string[]): Promise<void> {
    const catalog = systems.find((s) => s.name === system)?.events;
    if (!catalog) throw new Error(`${system} has no event catalog`);
    const stored = await storedSince(system);
    const problems: string[] = [];
    for (const e of stored) {
      const version = catalog.versionOf(e.type);
      if (version === undefined) {
        problems.push(`${e.type}: not declared`);
        continue;
      }
      if (e.version !== version) problems.push(`${e.type}: stored as v${e.version}, declared v${version}`);
      const schema = catalog.schemas[e.type];
      const result = schema ? compileChecker(schema)(e.data) : [];
      if (result !== true) problems.push(`${e.type} ${JSON.stringify(e.data)}: ${JSON.stringify(result)}`);
      for (const field of ["id", "type", "aggregate", "aggregateId", "correlationId", "occurredAt"] as const) {
        if (typeof e[field] !== "string" || e[field] === "") problems.push(`${e.type}: envelope without ${field}`);
      }
    }
    expect(problems).toEqual([]);
    const seen = new Set(stored.map((e) => e.type));
    expect(
      mustSee.filter((t) => !seen.has(t)),
      `${system} flow produced these types`,
    ).toEqual([]);
  }

  it(
    "mall: order → pay → stock → delivery → receipt, and a cancel",
    async () => {
      const u = await mall.actors(node.url);
      const product = await mall.newProduct(u.bob, 5);
      const order = await mall.placeOrder(u.alice, product, 1);
      const pay = await mall.payOf(u.bob, order.id);
      expect((await u.bob.post(`/mall/pays/${pay.id}/check`)).status).toBe(200);
      await mall.deliveryWithStatus(u.alice, order.id);
      // The order service learns of the started delivery through its own view, a moment later.
      await eventually(
        async () => expect((await u.alice.post(`/mall/orders/${order.id}/receive`)).status).toBe(200),
        SETTLE,
      );
      const canceled = await mall.placeOrder(u.alice, product, 1);
      await mall.payOf(u.bob, canceled.id);
      expect((await u.alice.post(`/mall/orders/${canceled.id}/cancel`)).status).toBe(200);
      await expectConforming("mall", [
        "ProductRegistered",
        "OrderPlaced",
        "PayPlaced",
        "PayChecked",
        "QtyDecreased",
        "DeliveryStarted",
        "OrderClosed",
        "DeliveryCompleted",
        "PayCanceled",
        "OrderCanceled",
      ]);
    },
    FLOW,
  );

  it(
    "sauce: order with payment → delivery → completion, and a cancel",
    async () => {
      const u = await sauce.actors(node.url);
      const order = await sauce.placeOrder(u.alice);
      const delivery = await sauce.deliveryOf(u.dave, order.id);
      expect((await u.dave.post(`/sauce/deliveries/${delivery.id}/complete`)).status).toBe(200);
      const canceled = await sauce.placeOrder(u.alice);
      expect((await u.alice.post(`/sauce/orders/${canceled.id}/cancel`)).status).toBe(200);
      await expectConforming("sauce", [
        "OrderPlaced",
        "PaymentApproved",
        "DeliveryStarted",
        "OrderDelivered",
        "DeliveryCompleted",
        "OrderCanceled",
        "PaymentCanceled",
      ]);
    },
    FLOW,
  );

  it(
    "cleaning: reservation → payment → cleaning → review, and a cancel",
    async () => {
      const u = await cleaning.actors(node.url);
      const reservation = await cleaning.reserve(u.alice);
      const requestId = reservation.requestId ?? reservation.id;
      await cleaning.rowWithStatus(u.alice, requestId, "PaymentApproved");
      await cleaning.finishClean(u.carol, requestId);
      await cleaning.review(u.carol, requestId);
      const canceled = await cleaning.reserve(u.alice);
      const canceledId = canceled.requestId ?? canceled.id;
      await cleaning.rowWithStatus(u.alice, canceledId, "PaymentApproved");
      expect((await u.alice.post(`/cleaning/cleaningReservations/${canceledId}/cancel`)).status).toBe(200);
      await expectConforming("cleaning", [
        "ReservationApplied",
        "PaymentApproved",
        "CleaningFinished",
        "ReviewCompleted",
        "ReservationCanceled",
        "PaymentCanceled",
      ]);
    },
    FLOW,
  );

  // Reservations open only inside the day's slots (Seoul time); the maintenance path is open at any hour.
  it(
    "meetingroom: rooms, a maintenance started and ended",
    async () => {
      const u = await meetingroom.actors(node.url);
      await meetingroom.addRoom(u.dave);
      const room = await meetingroom.addRoom(u.dave);
      const maint = await u.dave.post("/meetingroom/maintenances", { roomId: room.id });
      expect(maint.status, meetingroom.show(maint)).toBe(201);
      const ended = await u.dave.post(`/meetingroom/maintenances/${maint.body.id}/end`);
      expect(ended.status, meetingroom.show(ended)).toBe(200);
      await expectConforming("meetingroom", ["RoomAdded", "MaintStarted", "MaintEnded"]);
    },
    FLOW,
  );

  it(
    "insurance: product → customer → plan → document → proposal",
    async () => {
      const u = await insurance.actors(node.url);
      const product = await insurance.newProduct(u.dave);
      await insurance.customerOf(u.alice);
      const plan = await insurance.savePlan(u.alice, product.code);
      await insurance.issuedDocument(u.alice, plan.planNo ?? plan.id);
      const proposal = await u.alice.post("/insurance/proposals", {
        planNo: plan.planNo ?? plan.id,
        account: insurance.account(),
      });
      expect(proposal.status, insurance.show(proposal)).toBe(201);
      await eventually(
        async () =>
          expect(
            (await insurance.list(u.alice, `/insurance/msgs?planNo=${plan.planNo ?? plan.id}`)).items.length,
          ).toBeGreaterThan(0),
        { timeout: 15_000 },
      );
      await expectConforming("insurance", [
        "ProductRegistered",
        "PlanSaved",
        "DocumentRequested",
        "DocumentIssued",
        "PaymentApproved",
        "ProposalContracted",
        "MsgSent",
      ]);
    },
    FLOW,
  );
});
