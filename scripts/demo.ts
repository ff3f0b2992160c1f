// `npm run demo -- <system>`: walks one system's flow over HTTP against a
// running gateway (`npm start`), as the demo users, and prints each step as
// one line: who, the request, the status and what matters in the answer.
// Ids are carried from step to step and every POST gets a fresh
// Idempotency-Key, so it can run any number of times. The refusals are part of
// the walk (a 409 with its reason, a 403, the compensation); any step that
// does not answer as expected stops it with exit code 1.

const USAGE = `usage: npm run demo -- <system|all> [--url <gateway>]

Walks a system's flow against a running gateway as the demo users (password
"demo"; \`npm start\` creates them). Systems: mall, sauce, cleaning,
meetingroom, insurance, or all of them. The gateway: --url, else SEED_URL,
else http://localhost:8080.`;

type User = "alice" | "bob" | "carol" | "dave" | "erin";
// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field
type Json = any;

interface Answer {
  status: number;
  body: Json;
}

export class DemoFailed extends Error {}

/** What a step must answer: a status, and for a refusal its reason. */
interface Expect {
  status: number;
  reason?: string;
}

const short = (id: unknown) => (typeof id === "string" && id.length === 26 ? `…${id.slice(-6)}` : String(id));
/** A path as printed: 26-character ids shortened to their last characters. */
const showPath = (path: string) => path.replace(/[0-9A-HJKMNP-TV-Z]{26}/g, (id) => short(id));

/** Fields a line leaves out: the same in every request of a walk. */
const QUIET = new Set(["bankCode", "holderName", "customerName", "address"]);

/** A request body as `key=value` pairs (nested keys joined by dots), cut to one short line. */
function showBody(body: unknown): string {
  if (body === undefined) return "";
  const pairs: string[] = [];
  const walk = (value: unknown, prefix: string) => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) if (!QUIET.has(k)) walk(v, prefix ? `${prefix}.${k}` : k);
      return;
    }
    const text = Array.isArray(value) ? value.join(",") : typeof value === "string" ? short(value) : String(value);
    pairs.push(`${prefix}=${text.length > 18 ? `${text.slice(0, 17)}…` : text}`);
  };
  walk(body, "");
  const text = pairs.join(" ");
  return text.length > 64 ? ` ${text.slice(0, 63)}…` : ` ${text}`;
}

export interface DemoOptions {
  url: string;
  /** Where lines go (default: stdout). */
  print?: (line: string) => void;
  /** Longest wait for something that follows by itself (a pay, a view's row). */
  settleMs?: number;
}

class Walk {
  private tokens = new Map<User, string>();
  private keys = 0;
  private readonly run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  constructor(
    private readonly system: string,
    private readonly opts: Required<DemoOptions>,
  ) {}

  /** A short token unique to this run, for names that must not collide with earlier runs. */
  get tag(): string {
    return this.run;
  }

  private async http(method: string, path: string, token: string | undefined, body?: unknown, key?: string) {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    if (key) headers["idempotency-key"] = key;
    let res: Response;
    try {
      res = await fetch(new URL(path, this.opts.url), {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      throw new DemoFailed(
        `no answer from ${this.opts.url} (${(err as Error).cause ?? (err as Error).message}); is it running? (npm start)`,
      );
    }
    const text = await res.text();
    let parsed: Json = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed };
  }

  private async token(user: User): Promise<string> {
    const known = this.tokens.get(user);
    if (known) return known;
    const r = await this.http("POST", "/auth/login", undefined, { username: user, password: "demo" });
    if (r.status !== 200 || typeof r.body?.token !== "string") {
      throw new DemoFailed(
        `${user} cannot log in (${r.status} ${JSON.stringify(r.body)}); the demo users exist with DEMO_USERS=true (npm start sets it)`,
      );
    }
    this.tokens.set(user, r.body.token);
    return r.body.token;
  }

  private line(user: User, method: string, path: string, body: unknown, answer: string) {
    const request = `${method.padEnd(5)} ${showPath(path)}${showBody(body)}`;
    this.opts.print(`${user.padEnd(5)}  ${request.padEnd(50)} → ${answer}`);
  }

  /**
   * One request. `show` picks what to print of a successful answer; a refusal
   * prints its reason and message. Anything but `expect` fails the walk.
   */
  async step(
    user: User,
    method: "GET" | "POST" | "PATCH",
    path: string,
    body: unknown,
    expect: Expect,
    show: (b: Json) => string = () => "",
  ): Promise<Json> {
    const key = method === "POST" ? `demo-${this.system}-${this.run}-${++this.keys}` : undefined;
    const r = await this.http(method, path, await this.token(user), body, key);
    const ok = r.status === expect.status && (expect.reason === undefined || r.body?.reason === expect.reason);
    const refusal = r.status >= 400;
    const what = refusal
      ? `${r.status}${r.body?.reason ? ` ${r.body.reason}` : ""}: ${r.body?.message ?? JSON.stringify(r.body)}`
      : `${r.status} ${ok ? show(r.body) : JSON.stringify(r.body).slice(0, 200)}`;
    this.line(user, method, path, body, what.trimEnd());
    if (!ok) {
      const hint = HINTS[r.body?.reason as string] ?? "";
      throw new DemoFailed(
        `${method} ${path} answered ${r.status}${r.body?.reason ? ` ${r.body.reason}` : ""}, expected ${expect.status}${expect.reason ? ` ${expect.reason}` : ""}${hint ? `. ${hint}` : ""}`,
      );
    }
    return r.body;
  }

  /** Reads until `until` holds (something that follows by itself); prints the answer once. */
  async waitFor(
    user: User,
    path: string,
    until: (b: Json) => boolean,
    show: (b: Json) => string,
    what: string,
  ): Promise<Json> {
    const deadline = Date.now() + this.opts.settleMs;
    let last: Answer | undefined;
    for (;;) {
      last = await this.http("GET", path, await this.token(user));
      if (last.status === 200 && until(last.body)) break;
      if (Date.now() > deadline) {
        this.line(user, "GET", path, undefined, `${last.status} ${JSON.stringify(last.body).slice(0, 200)}`);
        throw new DemoFailed(`${what} did not happen within ${this.opts.settleMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    this.line(user, "GET", path, undefined, `200 ${show(last.body)}`);
    return last.body;
  }

  note(text: string) {
    this.opts.print(`       # ${text}`);
  }
}

/** What to do when a step is refused for a reason that says the setup is not the demo's. */
const HINTS: Record<string, string> = {
  NoSlotOpen:
    "No meeting-room slot is open at this hour: start the system with MEETINGROOM_SLOTS=00:00-24:00 (npm start does unless MEETINGROOM_SLOTS is set)",
};

const first = (b: Json) => b?.items?.[0];

async function mall(w: Walk): Promise<void> {
  w.note("bob registers a TV (3 in stock); alice orders 2 at the price she saw");
  const tv = await w.step(
    "bob",
    "POST",
    "/mall/products",
    { name: "TV", price: 5000, qty: 3 },
    { status: 201 },
    (b) => `id=${short(b.id)} qty=${b.qty}`,
  );
  const order = await w.step(
    "alice",
    "POST",
    "/mall/orders",
    { productId: tv.id, qty: 2, address: "Seoul", price: 5000 },
    { status: 201 },
    (b) => `${b.status} id=${short(b.id)}`,
  );
  await w.step(
    "alice",
    "POST",
    "/mall/orders",
    { productId: tv.id, qty: 2, address: "Seoul", price: 1 },
    { status: 409, reason: "PriceChanged" },
  );
  w.note("the pay appears by itself; bob confirms the deposit: stock taken, delivery started");
  const pays = await w.waitFor(
    "bob",
    `/mall/pays?orderId=${order.id}`,
    (b) => b.items.length === 1,
    (b) => `${first(b).status} amount=${first(b).amount} id=${short(first(b).id)}`,
    "the order's pay",
  );
  await w.step("bob", "POST", `/mall/pays/${first(pays).id}/check`, undefined, { status: 200 }, (b) => b.status);
  await w.step("alice", "POST", `/mall/orders/${order.id}/cancel`, undefined, {
    status: 409,
    reason: "DepositChecked",
  });
  await w.step("erin", "POST", `/mall/orders/${order.id}/receive`, undefined, { status: 403, reason: "NotOwner" });
  await w.waitFor(
    "alice",
    `/mall/orderStatuses/${order.id}?lang=en`,
    (b) => b.status === "DeliveryStarted",
    (b) => `${b.status} "${b.statusLabel}"`,
    "the delivery's start",
  );
  await w.step("alice", "POST", `/mall/orders/${order.id}/receive`, undefined, { status: 200 }, (b) => b.status);
  await w.waitFor(
    "alice",
    `/mall/deliveries?orderId=${order.id}`,
    (b) => first(b)?.status === "DeliveryCompleted",
    (b) => first(b).status,
    "the delivery's completion",
  );
  w.note("erin orders 2 of the 1 left: the check finds the stock short, the saga cancels her order");
  const late = await w.step(
    "erin",
    "POST",
    "/mall/orders",
    { productId: tv.id, qty: 2, address: "Busan" },
    { status: 201 },
    (b) => `${b.status} id=${short(b.id)}`,
  );
  const latePays = await w.waitFor(
    "bob",
    `/mall/pays?orderId=${late.id}`,
    (b) => b.items.length === 1,
    (b) => `${first(b).status} id=${short(first(b).id)}`,
    "the second order's pay",
  );
  await w.step("bob", "POST", `/mall/pays/${first(latePays).id}/check`, undefined, {
    status: 409,
    reason: "OutOfStock",
  });
  await w.waitFor(
    "erin",
    `/mall/orders/${late.id}`,
    (b) => b.status === "OrderCanceled",
    (b) => b.status,
    "the compensation (order canceled)",
  );
}

async function sauce(w: Walk): Promise<void> {
  w.note("alice orders 20 soy-garlic; the payment is taken while she waits, delivery follows");
  const order = await w.step(
    "alice",
    "POST",
    "/sauce/orders",
    { branchId: "gangnam-1", sauceId: "soy-garlic", qty: 20, price: 3500 },
    { status: 201 },
    (b) => `${b.status} id=${short(b.id)}`,
  );
  await w.waitFor(
    "alice",
    `/sauce/payments?orderId=${order.id}`,
    (b) => first(b)?.status === "Approved",
    (b) => `${first(b).status} amount=${first(b).amount}`,
    "the payment's approval",
  );
  const deliveries = await w.waitFor(
    "alice",
    `/sauce/deliveries?orderId=${order.id}`,
    (b) => first(b)?.status === "Started",
    (b) => `${first(b).status} id=${short(first(b).id)}`,
    "the delivery's start",
  );
  await w.step("erin", "GET", `/sauce/orders/${order.id}`, undefined, { status: 403, reason: "NotOwner" });
  await w.step(
    "dave",
    "POST",
    `/sauce/deliveries/${first(deliveries).id}/complete`,
    undefined,
    { status: 200 },
    (b) => b.status,
  );
  await w.step("alice", "POST", `/sauce/orders/${order.id}/cancel`, undefined, {
    status: 409,
    reason: "AlreadyDelivered",
  });
  w.note("a second order canceled before delivery: the payment is refunded, the delivery called off");
  const second = await w.step(
    "alice",
    "POST",
    "/sauce/orders",
    { branchId: "gangnam-1", sauceId: "hot-chili", qty: 5, price: 4000 },
    { status: 201 },
    (b) => `${b.status} id=${short(b.id)}`,
  );
  await w.step("alice", "POST", `/sauce/orders/${second.id}/cancel`, undefined, { status: 200 }, (b) => b.status);
  await w.waitFor(
    "alice",
    `/sauce/orderDashboards/${second.id}?lang=en`,
    (b) => b.paymentStatus === "Canceled" && b.deliveryStatus === "Canceled",
    (b) => `order=${b.orderStatus} payment=${b.paymentStatus} delivery=${b.deliveryStatus} "${b.statusLabel}"`,
    "the refund and the delivery's cancel",
  );
}

/** Today in Seoul as YYYYMMDD. */
function seoulDay(offsetDays = 0): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Seoul", year: "numeric", month: "2-digit", day: "2-digit" })
    .format(d)
    .replaceAll("-", "");
}

async function cleaning(w: Walk): Promise<void> {
  w.note("alice reserves a cleaning, paid at once; carol cleans, then reviews");
  const r = await w.step(
    "alice",
    "POST",
    "/cleaning/cleaningReservations",
    { requestDate: seoulDay(1), place: "Seoul, Mapo-gu 7", price: 50000, customerName: "Alice" },
    { status: 201 },
    (b) => `${b.status} id=${short(b.id)}`,
  );
  await w.step(
    "carol",
    "POST",
    "/cleaning/reviews",
    { requestId: r.id, content: "Kind customer", score: 5 },
    { status: 409, reason: "CleaningNotFinished" },
  );
  await w.step(
    "carol",
    "POST",
    "/cleaning/cleans",
    { requestId: r.id, cleanDate: seoulDay(1) },
    { status: 201 },
    (b) => `${b.status} id=${short(b.id)}`,
  );
  await w.step("erin", "GET", `/cleaning/cleaningReservations/${r.id}`, undefined, { status: 403, reason: "NotOwner" });
  await w.step(
    "carol",
    "POST",
    "/cleaning/reviews",
    { requestId: r.id, content: "Kind customer", score: 5 },
    { status: 201 },
    (b) => `${b.status} score=${b.score}`,
  );
  await w.waitFor(
    "alice",
    `/cleaning/dashBoardViews/${r.id}?lang=en`,
    (b) => b.status === "ReviewCompleted",
    (b) => `${b.status} "${b.statusLabel}"`,
    "the review on alice's page",
  );
  await w.waitFor(
    "dave",
    `/cleaning/messages?requestId=${r.id}`,
    (b) => b.items.length >= 4,
    (b) => `${b.items.length} messages: ${b.items.map((m: Json) => m.status).join(", ")}`,
    "the company's messages",
  );
  await w.step("alice", "POST", `/cleaning/cleaningReservations/${r.id}/cancel`, undefined, {
    status: 409,
    reason: "CleaningFinished",
  });
  w.note("another reservation, canceled before the cleaning: its payment is canceled");
  const other = await w.step(
    "alice",
    "POST",
    "/cleaning/cleaningReservations",
    { requestDate: seoulDay(2), place: "Seoul, Mapo-gu 7", price: 30000, customerName: "Alice" },
    { status: 201 },
    (b) => `${b.status} id=${short(b.id)}`,
  );
  await w.step(
    "alice",
    "POST",
    `/cleaning/cleaningReservations/${other.id}/cancel`,
    undefined,
    { status: 200 },
    (b) => b.status,
  );
  await w.waitFor(
    "dave",
    `/cleaning/messages?requestId=${other.id}`,
    (b) => b.items.some((m: Json) => m.status === "PaymentCanceled"),
    (b) => b.items.map((m: Json) => m.status).join(", "),
    "the payment's cancel",
  );
}

/** A reservation's slot, in UTC: `12-02 23:00–12-03 00:50Z`. */
const slot = (b: Json) => `${String(b.slotStart).slice(5, 16)}–${String(b.slotEnd).slice(5, 16)}Z`.replaceAll("T", " ");

async function meetingroom(w: Walk): Promise<void> {
  w.note("dave adds a room; alice takes it for the slot running now, erin is too late");
  const room = await w.step(
    "dave",
    "POST",
    "/meetingroom/rooms",
    { name: `Room ${w.tag}`, capacity: 8 },
    { status: 201 },
    (b) => `${b.status} id=${short(b.id)}`,
  );
  const res = await w.step(
    "alice",
    "POST",
    "/meetingroom/reserves",
    { roomId: room.id },
    { status: 201 },
    (b) => `${b.status} ${slot(b)} id=${short(b.id)}`,
  );
  await w.step("erin", "POST", "/meetingroom/reserves", { roomId: room.id }, { status: 409, reason: "RoomReserved" });
  await w.step(
    "erin",
    "POST",
    "/meetingroom/conferences",
    { reserveId: res.id },
    { status: 403, reason: "NotTheReserver" },
  );
  const conf = await w.step(
    "alice",
    "POST",
    "/meetingroom/conferences",
    { reserveId: res.id },
    { status: 201 },
    (b) => `${b.status} id=${short(b.id)}`,
  );
  await w.waitFor(
    "erin",
    `/meetingroom/roomTables/${room.id}?lang=en`,
    (b) => b.status === "InConference",
    (b) => `${b.status} "${b.statusLabel}"`,
    "the room's meeting on the board",
  );
  await w.step("alice", "POST", `/meetingroom/reserves/${res.id}/cancel`, undefined, {
    status: 409,
    reason: "MeetingStarted",
  });
  await w.step("alice", "POST", `/meetingroom/conferences/${conf.id}/end`, undefined, { status: 200 }, (b) => b.status);
  w.note("dave puts the free room under maintenance, then back in service");
  const maint = await w.step(
    "dave",
    "POST",
    "/meetingroom/maintenances",
    { roomId: room.id },
    { status: 201 },
    (b) => `${b.status} id=${short(b.id)}`,
  );
  await w.step(
    "alice",
    "POST",
    "/meetingroom/reserves",
    { roomId: room.id },
    { status: 409, reason: "UnderMaintenance" },
  );
  await w.step(
    "dave",
    "POST",
    `/meetingroom/maintenances/${maint.id}/end`,
    undefined,
    { status: 200 },
    (b) => b.status,
  );
  await w.waitFor(
    "erin",
    `/meetingroom/roomTables/${room.id}?lang=en`,
    (b) => b.status === "Available",
    (b) => `${b.status} "${b.statusLabel}"`,
    "the room free again",
  );
}

async function insurance(w: Walk): Promise<void> {
  const code = `DEMO-${w.tag}`.toUpperCase();
  const account = (accountNo: string) => ({ bankCode: "004", accountNo, holderName: "홍길동" });
  w.note("dave registers a product; alice registers as a customer (once) and saves a plan");
  await w.step(
    "dave",
    "POST",
    "/insurance/products",
    {
      code,
      name: "EZ 암보험",
      minAge: 20,
      maxAge: 60,
      minEntryAmount: 10_000_000,
      maxEntryAmount: 100_000_000,
      ratePerMille: 0.3,
      insurancePeriods: [10, 20],
      paymentPeriods: [5, 10, 20],
    },
    { status: 201 },
    (b) => `code=${b.code}`,
  );
  const customers = await w.step(
    "alice",
    "GET",
    "/insurance/customers",
    undefined,
    { status: 200 },
    (b) => `${b.items.length} on the first page`,
  );
  if (customers.items.length === 0) {
    await w.step(
      "alice",
      "POST",
      "/insurance/customers",
      { name: "홍길동", birthDate: "1985-03-15", phone: "010-1234-5678" },
      { status: 201 },
      (b) => `id=${short(b.id)}`,
    );
  } else {
    await w.step(
      "alice",
      "POST",
      "/insurance/customers",
      { name: "홍길동", birthDate: "1985-03-15", phone: "010-1234-5678" },
      { status: 409, reason: "CustomerExists" },
    );
  }
  const plan = {
    productCode: code,
    entryAmount: 10_000_000,
    insurancePeriod: 20,
    paymentPeriod: 10,
    paymentCycle: "monthly",
  };
  await w.step(
    "alice",
    "POST",
    "/insurance/plans",
    { ...plan, entryAmount: 5_000_000 },
    { status: 409, reason: "UnderwritingRejected" },
  );
  const saved = await w.step(
    "alice",
    "POST",
    "/insurance/plans",
    plan,
    { status: 201 },
    (b) => `${b.status} premium=${b.premium} id=${short(b.id)}`,
  );
  await w.step(
    "alice",
    "PATCH",
    `/insurance/plans/${saved.id}`,
    { paymentCycle: "yearly" },
    { status: 200 },
    (b) => `premium=${b.premium} (yearly)`,
  );
  await w.step(
    "alice",
    "POST",
    "/insurance/proposals",
    { planNo: saved.id, account: account("123-45-678901") },
    { status: 409, reason: "DocumentNotIssued" },
  );
  w.note("the product document is issued after a while; then alice proposes and pays");
  await w.step(
    "alice",
    "POST",
    `/insurance/plans/${saved.id}/document`,
    undefined,
    { status: 202 },
    (b) => b?.status ?? "",
  );
  await w.waitFor(
    "alice",
    `/insurance/plans/${saved.id}`,
    (b) => b.status === "DocumentIssued",
    (b) => `${b.status} document=${short(b.documentId)}`,
    "the document's issue",
  );
  await w.step("erin", "GET", `/insurance/plans/${saved.id}`, undefined, { status: 403, reason: "NotOwner" });
  await w.step(
    "alice",
    "POST",
    "/insurance/proposals",
    { planNo: saved.id, account: account("111-22-330000") },
    { status: 402, reason: "InsufficientFunds" },
  );
  const proposal = await w.step(
    "alice",
    "POST",
    "/insurance/proposals",
    { planNo: saved.id, account: account("123-45-678901") },
    { status: 201 },
    (b) => `${b.status} id=${short(b.id)}`,
  );
  w.note("alice withdraws: the payment is canceled");
  await w.step(
    "alice",
    "POST",
    `/insurance/proposals/${proposal.id}/withdraw`,
    undefined,
    { status: 200 },
    (b) => b.status,
  );
  await w.waitFor(
    "alice",
    `/insurance/payments?proposalNo=${proposal.id}`,
    (b) => first(b)?.status === "Canceled",
    (b) => `${first(b).status} amount=${first(b).amount}`,
    "the payment's cancel",
  );
  await w.waitFor(
    "alice",
    `/insurance/mypages/${saved.id}?lang=en`,
    (b) => b.paymentStatus === "Canceled",
    (b) => `${b.progressStatus ?? b.status} "${b.statusLabel}"`,
    "the cancel on alice's page",
  );
}

export const WALKS = { mall, sauce, cleaning, meetingroom, insurance } as const;
export type DemoSystem = keyof typeof WALKS;

/** Walks one system's flow; throws DemoFailed at the first step that answers otherwise. */
export async function runDemo(system: DemoSystem, opts: DemoOptions): Promise<void> {
  const full: Required<DemoOptions> = {
    url: opts.url,
    print: opts.print ?? ((line) => process.stdout.write(`${line}\n`)),
    settleMs: opts.settleMs ?? 15_000,
  };
  await WALKS[system](new Walk(system, full));
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const urlAt = args.indexOf("--url");
  const url = (urlAt >= 0 ? args[urlAt + 1] : undefined) ?? process.env.SEED_URL ?? "http://localhost:8080";
  const names = args.filter((a, i) => !a.startsWith("--") && (urlAt < 0 || i !== urlAt + 1));
  const wanted = names[0] === "all" ? (Object.keys(WALKS) as DemoSystem[]) : names;
  const unknown = wanted.filter((n) => !(n in WALKS));
  if (wanted.length === 0 || unknown.length > 0) {
    if (unknown.length > 0) process.stderr.write(`unknown system ${unknown.join(", ")}\n`);
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  for (const system of wanted as DemoSystem[]) {
    process.stdout.write(`== ${system} (${url})\n`);
    try {
      await runDemo(system, { url });
    } catch (err) {
      if (!(err instanceof DemoFailed)) throw err;
      process.stderr.write(`\n${system}: ${err.message}\n`);
      return 1;
    }
    process.stdout.write(`== ${system}: every step answered as expected\n`);
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
