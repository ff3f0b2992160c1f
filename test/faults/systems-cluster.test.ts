// Sauce, cleaning, meetingroom and insurance on one production-shaped cluster
// (3 NATS servers, streams with 3 replicas, 2 replicas of each system's node,
// 2 gateways behind a front door, a supervisor restarting what crashes). For
// each system, under load through the front door:
//   (a) a node taking commands SIGKILLed at a random point: every 2xx is
//       durably there (GET by id), failed requests retried with their
//       Idempotency-Key create each resource once, 2xx ones replay the same;
//   (b) a node running the system's policies SIGKILLed mid-stream: every
//       asynchronous effect appears exactly once after recovery, read through
//       the API and counted in the stream where the API cannot tell once
//       from twice.
// A system's node runs all of its services, so each kill takes a command
// replica and a policy replica at once; (a) and (b) differ in what they prove.
import { newId } from "@seed/platform";
import { type ApiClient, type ApiResponse, eventually, middayTimeZone, sleep } from "@seed/platform/testing";
import { connect, type NatsConnection } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalCluster } from "../../scripts/local-cluster.js";
import {
  clientOf,
  countBy,
  eventCounts,
  expectNoForksIn,
  failureSummary,
  listAll,
  mapLimit,
  type Outcome,
  printClusterLogOnFailure,
  startCluster,
  steadyLoad,
} from "./support.js";

const SYSTEMS = ["sauce", "cleaning", "meetingroom", "insurance"];
/** Requests of each scenario's load, sent at RATE per second (a few seconds of load). */
const REQUESTS = 240;
const RATE = 60;

let cluster: LocalCluster;
let alice: ApiClient;
let carol: ApiClient;
let dave: ApiClient;
let nc: NatsConnection;

printClusterLogOnFailure();

beforeAll(async () => {
  cluster = await startCluster({
    systems: SYSTEMS,
    env: {
      // Reservations work at any hour of the run: an all-day slot, in a zone
      // where the day has at least 11 hours left.
      MEETINGROOM_SLOTS: "00:00-24:00",
      MEETINGROOM_TZ: middayTimeZone(),
      INSURANCE_DOCUMENT_DELAY_MS: "100",
    },
  });
  [alice, carol, dave] = await Promise.all([
    clientOf(cluster, "alice"),
    clientOf(cluster, "carol"),
    clientOf(cluster, "dave"),
  ]);
  nc = await connect({ servers: cluster.nats.url.split(",") });
}, 180_000);

afterAll(async () => {
  await nc?.close();
  await cluster?.stop();
}, 120_000);

const keyed = (key: string) => ({ headers: { "idempotency-key": key } });
const ok2xx = (o: Outcome) => o.status >= 200 && o.status < 300;

/** `send` until it answers `status` (a replica catching up answers 503 meanwhile). */
function until(status: number, send: () => Promise<ApiResponse>): Promise<ApiResponse> {
  return eventually(
    async () => {
      const res = await send();
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      return res;
    },
    { timeout: 20_000, interval: 250 },
  );
}

interface Kill {
  victim: string;
  at: number;
}

/** Kills one of the system's two nodes (picked at random) after a random 1–3 s. */
async function killOneNodeOf(system: string): Promise<Kill> {
  const victim = `${system}-${1 + Math.floor(Math.random() * 2)}`;
  await sleep(1000 + Math.random() * 2000);
  cluster.supervisor.kill(victim, "SIGKILL");
  return { victim, at: Date.now() };
}

async function systemReady(system: string): Promise<void> {
  await cluster.supervisor.waitReady(`${system}-1`);
  await cluster.supervisor.waitReady(`${system}-2`);
}

/**
 * What a kill may cost: requests in flight on the killed node, and those its
 * peers still send it until they notice it is gone (Moleculer's heartbeat
 * timeout, 6 s in broker.config.ts) or it is back, answer 503 after the
 * request timeout (2 s here). Every request answered before the kill, or
 * sent after that window, succeeds.
 */
const FAILURE_WINDOW_MS = 6000 + 2 * 2000 + 2000;

/** Checks the load's failures against the kill and prints the figures of the scenario. */
function judge(system: string, scenario: string, outcomes: Outcome[], kill: Kill): void {
  const summary = failureSummary(outcomes);
  const failures = outcomes.filter((o) => !ok2xx(o));
  const lastFailure = Math.max(kill.at, ...failures.map((o) => o.at));
  console.log(
    `${system} ${scenario}: ${kill.victim} killed; ${outcomes.length} requests ${summary}; ` +
      `failures answered until ${lastFailure - kill.at} ms after the kill`,
  );
  expect(outcomes.filter((o) => o.at < kill.at).every(ok2xx), summary).toBe(true);
  // Only "no answer" or 503: nothing else may come out of a crash.
  expect(
    failures.every((o) => o.status === 0 || o.status === 503),
    summary,
  ).toBe(true);
  expect(lastFailure - kill.at, summary).toBeLessThanOrEqual(FAILURE_WINDOW_MS);
}

/** Events the system's policies handled on each of its nodes since its last start (from /metrics). */
async function handledPerReplica(system: string): Promise<string> {
  const parts: string[] = [];
  for (const node of [`${system}-1`, `${system}-2`]) {
    const { port } = cluster.supervisor.spec(node);
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const total = text
      .split("\n")
      .filter((l) => l.startsWith("seed_policy_events_handled_total") && l.includes(`policy="${system}-`))
      .reduce((sum, l) => sum + Number(l.split(" ").at(-1)), 0);
    parts.push(`${node} ${total} (start ${cluster.supervisor.starts(node)})`);
  }
  return `${system}: policy events handled per replica since its last start: ${parts.join(", ")}`;
}

/**
 * Scenario (a) for one system: `create(key)` under load (its body depends on
 * the key only, so a retry is the same request) while one of its nodes is
 * SIGKILLed. Returns the ids created, each once.
 */
async function commandNodeKilled(
  system: string,
  create: (key: string) => Promise<ApiResponse>,
  readBack: (id: string) => Promise<ApiResponse>,
): Promise<string[]> {
  const startsBefore = (name: string) => cluster.supervisor.starts(name);
  const before = { [`${system}-1`]: startsBefore(`${system}-1`), [`${system}-2`]: startsBefore(`${system}-2`) };
  const load = steadyLoad({ rate: RATE, send: (_, key) => create(key), until: () => false, max: REQUESTS });
  const kill = await killOneNodeOf(system);
  const outcomes = await load;
  await systemReady(system);
  expect(cluster.supervisor.starts(kill.victim), JSON.stringify(cluster.supervisor.restarts)).toBe(
    (before[kill.victim] ?? 0) + 1,
  );
  judge(system, "(a)", outcomes, kill);

  const ok = outcomes.filter(ok2xx);
  const failed = outcomes.filter((o) => !ok2xx(o));
  // Every acknowledged write is there, as it was answered.
  await mapLimit(ok, 16, async (o) => {
    const res = await until(200, () => readBack(o.body.id));
    expect(res.body.id).toBe(o.body.id);
  });
  // Failed ones retried with their key: created now, once.
  const retried = await createdUnder(
    failed.map((o) => o.key),
    create,
  );
  // Acknowledged ones repeated with their key: the first answer, not a second resource.
  await mapLimit(ok, 16, async (o) => {
    const again = await create(o.key);
    expect(again.status).toBe(o.status);
    expect(again.body.id).toBe(o.body.id);
  });
  const ids = [...ok.map((o) => o.body.id as string), ...retried];
  expect(new Set(ids).size).toBe(outcomes.length);
  // And it works as before: a short load, every request answered 201.
  const after = await steadyLoad({ rate: 30, send: (_, key) => create(key), until: () => false, max: 30 });
  expect(failureSummary(after)).toBe(JSON.stringify({ 201: 30, failures: {} }));
  return [...ids, ...after.map((o) => o.body.id as string)];
}

/** The ids of what `create(key)` made under each of `keys`, each sent again with its key until 201. */
function createdUnder(keys: string[], create: (key: string) => Promise<ApiResponse>): Promise<string[]> {
  return mapLimit(keys, 8, async (key) => (await until(201, () => create(key))).body.id as string);
}

/** `count` resources made by `create(key)`, each under a key of its own; their ids. */
const created = (count: number, create: (key: string) => Promise<ApiResponse>) =>
  createdUnder(
    Array.from({ length: count }, () => newId()),
    create,
  );

/**
 * The load of a "(b)" scenario: `max` creates at RATE, and every third one
 * created canceled as soon as it is answered. `canceled` holds their names:
 * `nameOf` (default: the created resource's id).
 */
function loadCancelingEveryThird(o: {
  max?: number;
  create: (i: number, key: string) => Promise<ApiResponse>;
  cancel: (created: ApiResponse) => Promise<unknown>;
  nameOf?: (i: number, created: ApiResponse) => string;
}): { load: Promise<Outcome[]>; canceled: Set<string> } {
  const canceled = new Set<string>();
  const load = steadyLoad({
    rate: RATE,
    max: o.max ?? REQUESTS,
    until: () => false,
    send: async (i, key) => {
      const res = await o.create(i, key);
      if (res.status === 201 && i % 3 === 0) {
        canceled.add(o.nameOf ? o.nameOf(i, res) : (res.body.id as string));
        await o.cancel(res);
      }
      return res;
    },
  });
  return { load, canceled };
}

/** Every id in `ids` maps to exactly `n` in `counts` (absent = 0). */
function expectEach(counts: Map<string, number>, ids: Iterable<string>, n: number, what: string): void {
  const wrong = [...ids].filter((id) => (counts.get(id) ?? 0) !== n).map((id) => `${id}: ${counts.get(id) ?? 0}`);
  expect(wrong, `${what}: expected ${n} each`).toEqual([]);
}

describe("sauce on a cluster, under faults", () => {
  const tag = `faults-${newId()}`;
  const place = (key: string) =>
    alice.post("/sauce/orders", { branchId: tag, sauceId: "soy-garlic", qty: 2, price: 1500 }, keyed(key));

  it("(a) an order node killed at a random point: every 201 is stored, keyed retries order once", async () => {
    const ids = await commandNodeKilled("sauce", place, (id) => alice.get(`/sauce/orders/${id}`));
    await eventually(
      async () => expect((await listAll(alice, `/sauce/orders?branchId=${tag}`)).length).toBe(ids.length),
      { timeout: 20_000, interval: 500 },
    );
  }, 120_000);

  it("(b) a policy node killed mid-stream: one delivery per paid order, one refund per cancel", async () => {
    const btag = `${tag}-b`;
    const { load, canceled: cancels } = loadCancelingEveryThird({
      create: (_, key) =>
        alice.post("/sauce/orders", { branchId: btag, sauceId: "hot-chili", qty: 1, price: 1000 }, keyed(key)),
      cancel: (order) => alice.post(`/sauce/orders/${order.body.id}/cancel`),
    });
    const kill = await killOneNodeOf("sauce");
    const outcomes = await load;
    await systemReady("sauce");
    const judged = () => judge("sauce", "(b)", outcomes, kill);
    // Orders whose answer was lost are completed by their keyed retry — or, when the retry comes
    // later than sauce's window after the payment (README: "the crash point"), refused with 409
    // and the payment refunded by reconciliation: stored once or not at all. Every cancel is
    // repeated (a second cancel changes nothing), so the ones that met the crash are done too.
    const retried = await mapLimit(
      outcomes.filter((o) => !ok2xx(o)),
      16,
      async (o) =>
        eventually(
          async () => {
            const res = await alice.post(
              "/sauce/orders",
              { branchId: btag, sauceId: "hot-chili", qty: 1, price: 1000 },
              keyed(o.key),
            );
            if (res.status === 409) expect(res.body.message).toMatch(/refunded|expired/i);
            else expect(res.status, JSON.stringify(res.body)).toBe(201);
            return res.status === 201 ? (res.body.id as string) : undefined;
          },
          { timeout: 20_000, interval: 250 },
        ),
    );
    const orders = [
      ...outcomes.filter(ok2xx).map((o) => o.body.id as string),
      ...retried.filter((id): id is string => id !== undefined),
    ];
    console.log(`sauce (b): ${retried.filter((id) => id === undefined).length} late retries refused (refunded)`);
    await mapLimit([...cancels], 8, (id) => until(200, () => alice.post(`/sauce/orders/${id}/cancel`)));
    const kept = orders.filter((id) => !cancels.has(id));

    const wanted = new Set(orders);
    await eventually(
      async () => {
        const deliveries = (await listAll<{ orderId: string; status: string }>(dave, "/sauce/deliveries")).filter((d) =>
          wanted.has(d.orderId),
        );
        const payments = (await listAll<{ orderId: string; status: string }>(dave, "/sauce/payments")).filter((p) =>
          wanted.has(p.orderId),
        );
        expect(deliveries.length).toBe(orders.length);
        expect(payments.length).toBe(orders.length);
        for (const d of deliveries) expect(d.status).toBe(cancels.has(d.orderId) ? "Canceled" : "Started");
        for (const p of payments) expect(p.status).toBe(cancels.has(p.orderId) ? "Canceled" : "Approved");
      },
      { timeout: 60_000, interval: 1000 },
    );
    // Counted in the log: each effect appended once, however often its event was delivered.
    // A cancel handled before its order's redelivered OrderPlaced refunds an authorization that is never approved.
    const approvals = await eventCounts(nc, "sauce", "sauce.payment.>", "PaymentApproved", "orderId");
    expectEach(approvals, kept, 1, "approvals");
    expect([...cancels].filter((id) => (approvals.get(id) ?? 0) > 1)).toEqual([]);
    expectEach(await eventCounts(nc, "sauce", "sauce.payment.>", "PaymentCanceled", "orderId"), cancels, 1, "refunds");
    expectEach(await eventCounts(nc, "sauce", "sauce.payment.>", "PaymentCanceled", "orderId"), kept, 0, "refunds");
    expectEach(await eventCounts(nc, "sauce", "sauce.delivery.>", "DeliveryStarted", "orderId"), kept, 1, "deliveries");
    const canceledDeliveries = await eventCounts(nc, "sauce", "sauce.delivery.>", "DeliveryCanceled", "orderId");
    expectEach(canceledDeliveries, cancels, 1, "delivery cancels");
    console.log(await handledPerReplica("sauce"));
    judged();
  }, 150_000);
});

describe("cleaning on a cluster, under faults", () => {
  const tag = `faults-${newId()}`;
  const reserve = (place: string) => (key: string) =>
    alice.post(
      "/cleaning/cleaningReservations",
      { requestDate: "20250301", place, price: 50_000, customerName: "Alice Kim" },
      keyed(key),
    );
  const mine = async (place: string) =>
    (await listAll<{ id: string; place: string }>(alice, "/cleaning/cleaningReservations")).filter(
      (r) => r.place === place,
    );

  it("(a) a reservation node killed at a random point: every 201 is stored, keyed retries reserve once", async () => {
    const ids = await commandNodeKilled("cleaning", reserve(tag), (id) =>
      alice.get(`/cleaning/cleaningReservations/${id}`),
    );
    await eventually(async () => expect((await mine(tag)).length).toBe(ids.length), {
      timeout: 20_000,
      interval: 500,
    });
  }, 120_000);

  it("(b) a policy node killed mid-stream: one message per event, one payment cancel per cancel", async () => {
    const place = `${tag}-b`;
    const { load, canceled: cancels } = loadCancelingEveryThird({
      create: (_, key) => reserve(place)(key),
      cancel: (request) => alice.post(`/cleaning/cleaningReservations/${request.body.id}/cancel`),
    });
    const kill = await killOneNodeOf("cleaning");
    const outcomes = await load;
    await systemReady("cleaning");
    const judged = () => judge("cleaning", "(b)", outcomes, kill);
    const requests = [
      ...outcomes.filter(ok2xx).map((o) => o.body.id as string),
      ...(await mapLimit(
        outcomes.filter((o) => !ok2xx(o)),
        8,
        async (o) => (await until(201, () => reserve(place)(o.key))).body.id as string,
      )),
    ];
    await mapLimit([...cancels], 8, (id) =>
      until(200, () => alice.post(`/cleaning/cleaningReservations/${id}/cancel`)),
    );
    const kept = requests.filter((id) => !cancels.has(id));

    // Every event of a request became exactly one message for the company.
    const wanted = new Set(requests);
    await eventually(
      async () => {
        const messages = (await listAll<{ requestId: string; status: string }>(dave, "/cleaning/messages")).filter(
          (m) => wanted.has(m.requestId),
        );
        const byRequest = new Map<string, string[]>();
        for (const m of messages) byRequest.set(m.requestId, [...(byRequest.get(m.requestId) ?? []), m.status]);
        const wrong = requests.filter((id) => {
          const expected = cancels.has(id)
            ? ["PaymentApproved", "PaymentCanceled", "ReservationApplied", "ReservationCanceled"]
            : ["PaymentApproved", "ReservationApplied"];
          return JSON.stringify((byRequest.get(id) ?? []).sort()) !== JSON.stringify(expected);
        });
        expect(wrong.map((id) => `${id}: ${byRequest.get(id)}`)).toEqual([]);
      },
      { timeout: 60_000, interval: 1000 },
    );
    const paymentCancels = await eventCounts(nc, "cleaning", "cleaning.payment.>", "PaymentCanceled", "requestId");
    expectEach(paymentCancels, cancels, 1, "payment cancels");
    expectEach(paymentCancels, kept, 0, "payment cancels");
    // The cleaner still sees the kept ones as reservations to clean (nothing was lost on the way).
    const cleanable = await listAll<{ id: string; status: string }>(carol, "/cleaning/cleaningReservations");
    const statusOf = new Map(cleanable.map((r) => [r.id, r.status]));
    for (const id of kept) expect(statusOf.get(id)).toBe("ReservationApplied");
    console.log(await handledPerReplica("cleaning"));
    judged();
  }, 150_000);
});

describe("meetingroom on a cluster, under faults", () => {
  const tag = `faults-${newId()}`;
  // Each request adds its own room, named after its key: a retry is the same request.
  const addRoom = (key: string) => dave.post("/meetingroom/rooms", { name: `${tag}-${key}` }, keyed(key));

  it("(a) a room node killed at a random point: every 201 is stored, keyed retries add once", async () => {
    const rooms = await commandNodeKilled("meetingroom", addRoom, (id) => dave.get(`/meetingroom/rooms/${id}`));
    await eventually(
      async () => {
        const mineNow = (await listAll<{ name: string }>(dave, "/meetingroom/rooms")).filter((r) =>
          r.name.startsWith(tag),
        );
        expect(mineNow.length).toBe(rooms.length);
      },
      { timeout: 20_000, interval: 500 },
    );
  }, 120_000);

  it("(b) a node killed mid-stream of reservations: every room's status catches up, each hold once", async () => {
    // Rooms of its own, added before the kill: this scenario does not lean on what (a) left.
    const rooms = await created(REQUESTS, addRoom);
    const reserve = (roomId: string, key: string) => alice.post("/meetingroom/reserves", { roomId }, keyed(key));
    const keys = new Map<string, string>(); // room id → key of its reservation
    // `cancels`: the room ids whose reservation was canceled.
    const { load, canceled: cancels } = loadCancelingEveryThird({
      max: rooms.length,
      create: (i, key) => {
        const roomId = rooms[i] as string;
        keys.set(roomId, key);
        return reserve(roomId, key);
      },
      cancel: (reservation) => alice.post(`/meetingroom/reserves/${reservation.body.id}/cancel`),
      nameOf: (i) => rooms[i] as string,
    });
    const kill = await killOneNodeOf("meetingroom");
    const outcomes = await load;
    await systemReady("meetingroom");
    const judged = () => judge("meetingroom", "(b)", outcomes, kill);
    // Reservations whose answer was lost: the keyed retry lands on the same hold.
    const reserveIdOf = new Map<string, string>();
    for (const o of outcomes.filter(ok2xx)) reserveIdOf.set(o.body.roomId, o.body.id);
    await mapLimit(
      rooms.filter((roomId) => !reserveIdOf.has(roomId)),
      8,
      async (roomId) => {
        const res = await until(201, () => reserve(roomId, keys.get(roomId) as string));
        reserveIdOf.set(roomId, res.body.id);
      },
    );
    await mapLimit([...cancels], 8, (roomId) =>
      until(200, () => alice.post(`/meetingroom/reserves/${reserveIdOf.get(roomId)}/cancel`)),
    );
    const held = rooms.filter((id) => !cancels.has(id));

    // The room service and the board both fold the holdings' events: after the crash they catch up.
    const wanted = new Set(rooms);
    const expected = (id: string) => (cancels.has(id) ? "Available" : "Reserved");
    await eventually(
      async () => {
        for (const path of ["/meetingroom/rooms", "/meetingroom/roomTables"]) {
          const rows = (await listAll<{ id?: string; roomId?: string; status: string }>(dave, path)).filter((r) =>
            wanted.has((r.roomId ?? r.id) as string),
          );
          expect(rows.length).toBe(rooms.length);
          const wrong = rows.filter((r) => r.status !== expected((r.roomId ?? r.id) as string));
          expect(wrong, path).toEqual([]);
        }
      },
      { timeout: 60_000, interval: 1000 },
    );
    // Each room was held once and released once when canceled; nothing expired.
    const holds = (type: string) => eventCounts(nc, "meetingroom", "meetingroom.holding.>", type, "roomId");
    expectEach(await holds("Reserved"), rooms, 1, "holds");
    expectEach(await holds("ReserveCanceled"), cancels, 1, "cancels");
    expectEach(await holds("ReserveCanceled"), held, 0, "cancels");
    expectEach(await holds("ReserveExpired"), rooms, 0, "expiries");
    console.log(await handledPerReplica("meetingroom"));
    judged();
  }, 150_000);
});

describe("insurance on a cluster, under faults", () => {
  const code = `FLT-${Date.now().toString(36)}`.toUpperCase();
  const planBody = {
    productCode: code,
    entryAmount: 10_000_000,
    insurancePeriod: 20,
    paymentPeriod: 10,
    paymentCycle: "monthly",
  };
  const savePlan = (key: string) => alice.post("/insurance/plans", planBody, keyed(key));

  /** Until each of `plans` has exactly the messages `expected` names for it (their kinds, sorted), for a minute at most. */
  const expectMessages = (plans: string[], expected: (planNo: string) => string[]) =>
    eventually(
      async () => {
        const all = new Set(plans);
        const msgs = (await listAll<{ planNo?: string; kind: string }>(dave, "/insurance/msgs")).filter(
          (m) => m.planNo && all.has(m.planNo),
        );
        const byPlan = new Map<string, string[]>();
        for (const m of msgs) byPlan.set(m.planNo as string, [...(byPlan.get(m.planNo as string) ?? []), m.kind]);
        const wrong = plans.filter((p) => JSON.stringify((byPlan.get(p) ?? []).sort()) !== JSON.stringify(expected(p)));
        expect(wrong.map((p) => `${p}: ${byPlan.get(p)}`)).toEqual([]);
      },
      { timeout: 60_000, interval: 1000 },
    );

  beforeAll(async () => {
    const product = await dave.post("/insurance/products", {
      code,
      name: "EZ 암보험",
      minAge: 20,
      maxAge: 60,
      minEntryAmount: 10_000_000,
      maxEntryAmount: 100_000_000,
      ratePerMille: 0.25,
      insurancePeriods: [10, 20],
      paymentPeriods: [5, 10, 20],
    });
    expect(product.status).toBe(201);
    const customer = await alice.post("/insurance/customers", {
      name: "홍길동",
      birthDate: "1985-03-15",
      phone: "010-1234-5678",
    });
    expect([201, 409]).toContain(customer.status);
  }, 30_000);

  it("(a) a plan node killed at a random point: every 201 is stored, keyed retries save once", async () => {
    const plans = await commandNodeKilled("insurance", savePlan, (id) => alice.get(`/insurance/plans/${id}`));
    await eventually(
      async () => expect((await listAll(alice, `/insurance/plans?productCode=${code}`)).length).toBe(plans.length),
      { timeout: 20_000, interval: 500 },
    );
    // One message per event: each plan saved once, through the crash.
    await expectMessages(plans, () => ["PlanSaved"]);
  }, 120_000);

  it("(b) a node killed mid-stream of withdrawals: one message per event, one payment cancel per withdrawal", async () => {
    // Plans of its own, saved before the kill: this scenario does not lean on what (a) left.
    const plans = await created(100, savePlan);
    const withdrawn = plans.slice(0, 80);
    const proposalOf = new Map<string, string>();
    /** Document, proposal (paid), withdrawal: each step safe to repeat. */
    const walk = async (planNo: string): Promise<ApiResponse> => {
      const doc = await alice.post(`/insurance/plans/${planNo}/document`);
      if (doc.status !== 202) return doc;
      await eventually(
        async () => expect((await alice.get(`/insurance/plans/${planNo}`)).body.status).toBe("DocumentIssued"),
        { timeout: 15_000, interval: 100 },
      );
      const proposal = await alice.post(
        "/insurance/proposals",
        { planNo, account: { bankCode: "004", accountNo: "123-45-678901", holderName: "홍길동" } },
        keyed(`proposal-${planNo}`),
      );
      if (proposal.status !== 201) return proposal;
      proposalOf.set(planNo, proposal.body.id);
      const res = await alice.post(`/insurance/proposals/${proposal.body.id}/withdraw`);
      return { ...res, body: { ...res.body, planNo } };
    };
    const load = steadyLoad({
      rate: 20,
      max: withdrawn.length,
      until: () => false,
      send: (i) => walk(withdrawn[i] as string),
    });
    const kill = await killOneNodeOf("insurance");
    const outcomes = await load;
    await systemReady("insurance");
    const judged = () => judge("insurance", "(b)", outcomes, kill);
    const done = new Set(outcomes.filter((o) => o.status === 200).map((o) => o.body.planNo as string));
    await mapLimit(
      withdrawn.filter((p) => !done.has(p)),
      4,
      (planNo) => until(200, () => walk(planNo)),
    );
    expect(proposalOf.size).toBe(withdrawn.length);

    // One message per event: the full walk for the withdrawn plans, the save alone for the rest.
    const walked = new Set(withdrawn);
    await expectMessages(plans, (p) =>
      walked.has(p)
        ? ["DocumentIssued", "PaymentCanceled", "PlanSaved", "ProposalContracted", "ProposalWithdrawn"]
        : ["PlanSaved"],
    );
    await eventually(
      async () => {
        const payments = (await listAll<{ proposalNo: string; status: string }>(dave, "/insurance/payments")).filter(
          (p) => [...proposalOf.values()].includes(p.proposalNo),
        );
        expect(countBy(payments, (p) => p.status)).toEqual(new Map([["Canceled", withdrawn.length]]));
      },
      { timeout: 60_000, interval: 1000 },
    );
    const cancels = await eventCounts(nc, "insurance", "insurance.payment.>", "PaymentCanceled", "planNo");
    expectEach(cancels, withdrawn, 1, "payment cancels");
    console.log(await handledPerReplica("insurance"));
    judged();
  }, 150_000);
});

describe("the log after the faults above", () => {
  it("no aggregate's chain in any stream names a predecessor that never counted", async () => {
    await expectNoForksIn(nc);
  }, 60_000);
});
