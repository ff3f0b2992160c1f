// The dashboard in a real browser: every system's main flow walked through
// the UI by the users who do it in life, each in a browser context of their
// own. What is checked is what a person sees: the status label of a card
// changes on its own (server-sent events, no reload), each row offers only
// the actions its state allows and shows its saga as a timeline, refusals
// appear next to the field or button that caused them, in words, the Korean
// labels are drawn in the font the page ships, the layout fits a phone.
import { middayTimeZone, startTestNode, type TestNode } from "@seed/platform/testing";
import type { Browser, Locator } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { STATUS_LABELS as CLEANING } from "../../packages/cleaning/src/labels.js";
import { STATUS_LABELS as INSURANCE } from "../../packages/insurance/src/labels.js";
import { STATUS_LABELS as MALL } from "../../packages/mall/src/labels.js";
import { STATUS_LABELS as SAUCE } from "../../packages/sauce/src/labels.js";
import { LABELS } from "../../packages/web/ui/labels.js";
import { DESKTOP, launch, openAs, PHONE, refused, screenshots, shot, type UserPage, visit } from "./browser.js";

let node: TestNode;
let browser: Browser;
let alice: UserPage; // customer, member — on a phone
let bob: UserPage; // seller
let carol: UserPage; // cleaner
let dave: UserPage; // admin, manager
const run = Math.random().toString(36).slice(2, 7);

const card = (u: UserPage, text: string): Locator => u.page.locator(".card", { hasText: text });
const badge = (c: Locator): Locator => c.locator(".badge");
const steps = (c: Locator): Locator => c.locator(".timeline .step");
const current = (c: Locator): Locator => c.locator('.timeline .step[aria-current="step"] .label');
/** Every step shown has its real time: one <time> per step, and no "—". */
async function everyStepTimed(c: Locator): Promise<void> {
  const n = await steps(c).count();
  expect(n).toBeGreaterThan(0);
  expect(await steps(c).locator("time").count()).toBe(n);
  expect(await c.locator(".timeline").textContent()).not.toContain("—");
}
const button = (c: Locator, name: string): Locator => c.getByRole("button", { name, exact: true });

beforeAll(async () => {
  node = await startTestNode({
    config: {
      // An all-day slot, in a zone where the day has at least 11 hours left.
      MEETINGROOM_SLOTS: "00:00-24:00",
      MEETINGROOM_TZ: middayTimeZone(),
      INSURANCE_DOCUMENT_DELAY_MS: 300,
      RATE_LIMIT_PER_MINUTE: 0,
      // The flow page shows calls from the spans each node keeps.
      TRACING_EXPORTER: "local",
    },
  });
  browser = await launch();
  [alice, bob, carol, dave] = await Promise.all([
    openAs(browser, node.url, "alice", true),
    openAs(browser, node.url, "bob"),
    openAs(browser, node.url, "carol"),
    openAs(browser, node.url, "dave"),
  ]);
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail") await screenshots([alice, bob, carol, dave].filter(Boolean), ctx.task.name);
});

afterAll(async () => {
  await browser?.close();
  await node?.stop();
});

describe("dashboard", () => {
  it("serves the page with a strict content policy and answers 401 to a live list without identity", async () => {
    const page = await fetch(`${node.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const live = await fetch(`${node.url}/live/mall/orderStatuses`);
    expect(live.status).toBe(401);
    expect(((await live.json()) as { error: string }).error).toBe("Unauthorized");
  });

  it("mall: a product, an order, the deposit, the receipt — live on the customer's phone", async () => {
    const product = `Mug ${run}`;
    await visit(bob, "mall");
    const form = bob.page.getByTestId("mall-product");
    await form.getByLabel("Name").fill(product);
    await form.getByLabel("Price (₩)").fill("5000");
    await form.getByLabel("Stock").fill("-1");
    // The API's 422 detail, next to the field it names; nothing registered.
    const stockError = form.locator(".field.invalid", { has: bob.page.getByLabel("Stock") }).locator(".field-error");
    await refused(bob, async () => {
      await form.getByRole("button", { name: "Register" }).click();
      await expect.poll(() => stockError.textContent()).toMatch(/\S/);
    });
    await form.getByLabel("Stock").fill("3");
    await form.getByRole("button", { name: "Register" }).click();
    await form.getByText(`Registered ${product}`).waitFor();

    await visit(alice, "mall");
    const order = alice.page.getByTestId("mall-order");
    await order.getByLabel("Product").selectOption({ label: `${product} — 5,000 ₩ (3 left)` });
    await order.getByLabel("Quantity").fill("2");
    await order.getByLabel("Address").fill("Seoul");
    await order.getByRole("button", { name: "Order" }).click();
    const mine = card(alice, product);
    // The pay appears by itself: the card moves on without a reload.
    await expect.poll(() => badge(mine).textContent()).toBe("입금확인대기");
    // Its saga so far, the current step marked; nothing to receive yet.
    await expect.poll(() => steps(mine).allTextContents()).toHaveLength(2);
    expect(await current(mine).textContent()).toBe("입금확인대기");
    expect(await button(mine, "Receive").count()).toBe(0);
    await expect.poll(() => button(mine, "Cancel").count()).toBe(1);

    await button(card(bob, product), "Check deposit").click();
    await expect.poll(() => badge(mine).textContent()).toBe("배송중");
    // The timeline gained the steps live: deposit, stock (taken while the deposit is checked), delivery.
    await expect
      .poll(async () => (await steps(mine).locator(".label").allTextContents()).sort())
      .toEqual(["주문접수", "입금확인대기", "입금확인완료", "상품준비완료", "배송중"].sort());
    expect((await steps(mine).locator(".label").allTextContents()).slice(0, 2)).toEqual(["주문접수", "입금확인대기"]);
    expect(await current(mine).textContent()).toBe("배송중");
    expect(await steps(mine).locator("time").count()).toBe(5);
    // Once the deposit is checked, no cancel on the customer's side, no second check on the seller's.
    await expect.poll(() => button(mine, "Cancel").count()).toBe(0);
    await expect.poll(() => button(card(bob, product), "Check deposit").count()).toBe(0);
    await button(mine, "Receive").click();
    await expect.poll(() => badge(mine).textContent()).toMatch(/^(수령확인|배송완료)$/);
    await expect.poll(() => button(mine, "Receive").count()).toBe(0);
    await shot(alice, "mall-customer-phone", { scrollTo: alice.page.locator(".view-header", { hasText: "Orders" }) });

    await alice.page.getByRole("button", { name: "English" }).click();
    await expect.poll(() => badge(mine).textContent()).toMatch(/^(Receipt confirmed|Delivered)$/);
    expect(await current(mine).textContent()).toBe(await badge(mine).textContent());
    expect(await steps(mine).locator(".label").first().textContent()).toBe("Order placed");
    await alice.page.getByRole("button", { name: "한국어" }).click();
    await expect.poll(() => badge(mine).textContent()).toMatch(/^(수령확인|배송완료)$/);
  });

  it("flow: the seller follows an order's link to its steps across services, in order; a customer may not", async () => {
    const product = `Mug ${run}`;
    await visit(bob, "mall");
    const order = card(bob, product);
    const orderId = String(await order.getAttribute("data-row"));
    await order.getByRole("link", { name: /…/ }).click();
    const table = bob.page.getByTestId("flow-steps");
    await table.waitFor();
    expect(bob.page.url()).toContain(`#/flow/${orderId}`);
    const types = await table.locator("tbody tr[data-step] .type").allTextContents();
    // The order, then the pay its policy placed; the deposit check's stock and pay; the delivery its policy started.
    expect(types.slice(0, 2)).toEqual(["OrderPlaced", "PayPlaced"]);
    expect(types).toEqual(expect.arrayContaining(["QtyDecreased", "PayChecked", "DeliveryStarted"]));
    expect(new Set(await table.locator("tbody tr[data-step] .writer").allTextContents())).toEqual(
      new Set(["mall.order", "mall.pay", "mall.product", "mall.delivery"]),
    );
    // The calls among them: the order placed, the deposit checked and the stock it took, each with its duration.
    const calls = await table.locator("tbody tr[data-call] .type").allTextContents();
    expect(calls).toEqual(
      expect.arrayContaining(["→ mall.order.place", "→ mall.pay.check", "→ mall.product.decreaseStock"]),
    );
    expect(await table.locator('tr[data-call="mall.pay.check"] .after').textContent()).toMatch(/^[\d.]+ ms$/);
    const row = (type: string) => table.locator(`tr[data-step="${type}"]`).first();
    expect(await row("OrderPlaced").locator(".cause").textContent()).toMatch(/^call /);
    expect(await row("PayPlaced").locator(".cause").textContent()).toBe("reaction to OrderPlaced");
    expect(await row("PayPlaced").locator(".after").textContent()).toMatch(/^\+\d+ ms$/);
    expect(await table.locator("tbody time").count()).toBe(types.length + calls.length);
    const times = await table.locator("tbody time").evaluateAll((ts) => ts.map((t) => t.getAttribute("datetime")));
    expect(times).toEqual([...times].sort());
    await shot(bob, "flow-seller-desktop");

    // A customer reads her own orders, not flows: the page says why.
    await refused(alice, async () => {
      await alice.page.evaluate(`location.hash = "#/flow/${orderId}"`);
      await expect.poll(() => alice.page.getByRole("alert").textContent()).toMatch(/roles/);
    });
    expect(await alice.page.getByTestId("flow-steps").count()).toBe(0);
  });

  it("sauce: ordered and paid, delivered by the admin; a delivered order offers no cancel", async () => {
    const sauce = `chili-${run}`;
    await visit(alice, "sauce");
    await visit(dave, "sauce");
    const form = alice.page.getByTestId("sauce-order");
    await form.getByLabel("Sauce").fill(sauce);
    await form.getByRole("button", { name: "Order" }).click();
    const mine = card(alice, sauce);
    await expect.poll(() => badge(mine).textContent()).toBe("배송시작");
    expect(await button(mine, "Cancel").count()).toBe(1);
    await button(card(dave, sauce), "Complete delivery").click();
    await expect.poll(() => badge(mine).textContent()).toBe("배송완료");
    await expect.poll(() => button(mine, "Cancel").count()).toBe(0);
    await expect.poll(() => button(card(dave, sauce), "Complete delivery").count()).toBe(0);
    await expect
      .poll(() => steps(mine).locator(".label").allTextContents())
      .toEqual(["주문완료", "결제승인", "배송시작", "배송완료"]);
    expect(await current(mine).textContent()).toBe("배송완료");
    // Every step with its time, from the row's history.
    await everyStepTimed(mine);
    await everyStepTimed(card(dave, sauce));
  });

  it("cleaning: reserved and paid, cleaned, reviewed", async () => {
    const place = `Mapo-gu ${run}`;
    await visit(alice, "cleaning");
    await visit(carol, "cleaning");
    const form = alice.page.getByTestId("cleaning-reserve");
    await form.getByLabel("Place").fill(place);
    await form.getByRole("button", { name: "Reserve" }).click();
    const mine = card(alice, place);
    await expect.poll(() => badge(mine).textContent()).toBe("결제완료");
    const theirs = card(carol, place);
    // Nothing to review before the cleaning.
    expect(await button(theirs, "Review…").count()).toBe(0);
    // The payment is approved before the reservation is stored: the history shows it first.
    await expect.poll(() => steps(mine).locator(".label").allTextContents()).toEqual(["결제완료", "예약신청"]);
    await everyStepTimed(mine);
    await button(theirs, "Clean").click();
    await expect.poll(() => badge(mine).textContent()).toBe("청소완료");
    // The step appears live, with its time.
    await expect
      .poll(() => steps(mine).locator(".label").allTextContents())
      .toEqual(["결제완료", "예약신청", "청소완료"]);
    await everyStepTimed(mine);
    await expect.poll(() => button(theirs, "Clean").count()).toBe(0);
    await expect.poll(() => button(mine, "Cancel").count()).toBe(0);
    expect(await current(mine).textContent()).toBe("청소완료");
    await theirs.getByRole("button", { name: "Review…" }).click();
    await theirs.getByLabel("Review").fill("Kind customer");
    await theirs.getByRole("button", { name: "Review" }).click();
    await expect.poll(() => badge(mine).textContent()).toBe("리뷰완료");
    await expect.poll(() => mine.textContent()).toContain("Kind customer");
    await expect
      .poll(() => steps(mine).locator(".label").allTextContents())
      .toEqual(["결제완료", "예약신청", "청소완료", "리뷰완료"]);
    await expect.poll(() => steps(theirs).locator("time").count()).toBe(4);
    await everyStepTimed(mine);
    await everyStepTimed(theirs);
  });

  it("meetingroom: a room added, reserved, canceled, met in, maintained", async () => {
    const room = `Room ${run}`;
    await visit(dave, "meeting");
    await visit(alice, "meeting");
    const form = dave.page.getByTestId("room-add");
    await form.getByLabel("Name").fill(room);
    await form.getByRole("button", { name: "Add room" }).click();
    const board = card(alice, room);
    await expect.poll(() => badge(board).textContent()).toBe("예약가능");
    await board.getByRole("button", { name: "Reserve" }).click();
    await expect.poll(() => badge(board).textContent()).toBe("예약중");
    await board.getByRole("button", { name: "Cancel reservation" }).click();
    await expect.poll(() => badge(board).textContent()).toBe("예약가능");
    await board.getByRole("button", { name: "Reserve" }).click();
    await board.getByRole("button", { name: "Start meeting" }).click();
    await expect.poll(() => badge(board).textContent()).toBe("회의중");
    await board.getByRole("button", { name: "End meeting" }).click();
    await expect.poll(() => badge(board).textContent()).toBe("예약가능");
    await card(dave, room).getByRole("button", { name: "Start maintenance" }).click();
    await expect.poll(() => badge(board).textContent()).toBe("정비중");
    await card(dave, room).getByRole("button", { name: "End maintenance" }).click();
    await expect.poll(() => badge(board).textContent()).toBe("예약가능");
  });

  it("insurance: product, customer, quote, re-quote, document, proposal, withdrawal", async () => {
    const code = `E2E-${run}`;
    const product = `암보험 ${run}`;
    await visit(dave, "insurance");
    const pform = dave.page.getByTestId("insurance-product");
    await pform.getByLabel("Code").fill(code);
    await pform.getByLabel("Name", { exact: true }).fill(product);
    await pform.getByRole("button", { name: "Register product" }).click();
    await pform.getByText(`Registered ${code}`).waitFor();

    await visit(alice, "insurance");
    const cform = alice.page.getByTestId("insurance-customer");
    await cform.getByLabel("Name").fill("홍길동");
    await cform.getByLabel("Birth date (YYYY-MM-DD)").fill("1985-03-15");
    await cform.getByLabel("Phone").fill("010-1234-5678");
    await cform.getByRole("button", { name: "Register" }).click();
    const plan = alice.page.getByTestId("insurance-plan");
    await plan.getByLabel("Product").selectOption({ label: `${product} (${code})` });
    await plan.getByRole("button", { name: "Get a quote" }).click();
    const mine = card(alice, product);
    await expect.poll(() => badge(mine).textContent()).toBe("가입설계");
    const before = await mine.textContent();
    await mine.getByRole("button", { name: "Re-quote…" }).click();
    await mine.getByLabel("Payment cycle").selectOption("yearly");
    await mine.getByRole("button", { name: "Re-quote" }).click();
    await expect.poll(() => mine.textContent()).not.toBe(before);
    // No proposal before the document is issued.
    expect(await button(mine, "Propose…").count()).toBe(0);
    await mine.getByRole("button", { name: "Request document" }).click();
    await expect.poll(() => badge(mine).textContent()).toBe("상품설명서발행완료");
    await expect.poll(() => button(mine, "Request document").count()).toBe(0);
    // The issued document opens in the card.
    await button(mine, "Read document").click();
    const document = mine.getByRole("region", { name: "Product document" });
    await expect.poll(() => document.textContent()).toContain(`상품설명서 — ${product} (${code})`);
    expect(await document.textContent()).toContain("납입주기: 연납 (yearly)");
    await shot(alice, "insurance-document-phone", { scrollTo: mine.locator(".timeline") });
    await button(mine, "Close document").click();
    await mine.getByRole("button", { name: "Propose…" }).click();
    await mine.getByLabel("Account number").fill("123-45-678901");
    await mine.getByRole("button", { name: "Propose" }).click();
    await expect.poll(() => badge(mine).textContent()).toBe("청약완료");
    await mine.getByRole("button", { name: "Withdraw" }).click();
    await expect.poll(() => badge(mine).textContent()).toMatch(/^(청약철회|결제취소)$/);
    await expect.poll(() => button(mine, "Withdraw").count()).toBe(0);
    await expect
      .poll(() => steps(mine).locator(".label").allTextContents())
      .toEqual(
        expect.arrayContaining(["가입설계", "상품설명서발행요청", "상품설명서발행완료", "청약완료", "청약철회"]),
      );
    // Every step with its time, from the row's history, even one the page never saw as current.
    await expect.poll(() => mine.locator('[data-step="ProposalWithdrawn"] time').count()).toBe(1);
    await everyStepTimed(mine);
  });

  it("mall: the seller sees his stock; a refused deposit check says why; the newest order comes first", async () => {
    const product = `Vase ${run}`;
    await visit(bob, "mall");
    await visit(alice, "mall");
    const form = bob.page.getByTestId("mall-product");
    await form.getByLabel("Name").fill(product);
    await form.getByLabel("Price (₩)").fill("7000");
    await form.getByLabel("Stock").fill("1");
    await form.getByRole("button", { name: "Register" }).click();
    const stock = bob.page.getByTestId("mall-stock").locator("tr", { hasText: product });
    await expect.poll(() => stock.locator("td").allTextContents()).toEqual([product, "7,000 ₩", "1"]);

    // Two ordered, one in stock: the seller's check is refused by the stock rule.
    const order = alice.page.getByTestId("mall-order");
    await order.getByLabel("Product").selectOption({ label: `${product} — 7,000 ₩ (1 left)` });
    await order.getByLabel("Quantity").fill("2");
    await order.getByLabel("Address").fill("Busan");
    await order.getByRole("button", { name: "Order" }).click();
    const mine = card(alice, product);
    await expect.poll(() => badge(mine).textContent()).toBe("입금확인대기");
    // Newest first: this order is above the one of the previous test.
    expect(await alice.page.locator(".card").first().getAttribute("data-row")).toBe(
      await mine.getAttribute("data-row"),
    );

    const theirs = card(bob, product);
    const check = button(theirs, "Check deposit");
    await refused(bob, async () => {
      await check.click();
      await expect
        .poll(() => theirs.locator(".action .error").textContent())
        .toBe("Out of stock: only 1 left, 2 ordered");
    });
    // The saga cancels the order; the refused button stays, disabled, with its reason.
    await expect.poll(() => badge(mine).textContent()).toBe("주문취소");
    await expect.poll(() => check.isDisabled()).toBe(true);
    expect(await theirs.locator(".action .error").textContent()).toBe("Out of stock: only 1 left, 2 ordered");
    await expect.poll(() => current(mine).textContent()).toBe("주문취소");
    expect(await steps(mine).locator(".label").allTextContents()).toContain("결제취소");
    await expect.poll(() => button(mine, "Cancel").count()).toBe(0);
    expect(await stock.locator("td").nth(2).textContent()).toBe("1");
    await shot(bob, "mall-seller-desktop", { scrollTo: bob.page.locator(".view-header", { hasText: "Products" }) });
  });

  it("log in: a password field, one plain message per empty field", async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    try {
      const page = await context.newPage();
      await page.goto(node.url);
      expect(await page.getByLabel("Password").getAttribute("type")).toBe("password");
      await page.getByRole("button", { name: "Log in" }).click();
      await expect
        .poll(() => page.locator(".field-error").allTextContents())
        .toEqual(["Enter your user name", "Enter your password"]);
      expect(await page.locator(".submit .error").count()).toBe(0);
      await page.getByLabel("User name").fill("alice");
      await page.getByRole("button", { name: "Log in" }).click();
      await expect.poll(() => page.locator(".field-error").allTextContents()).toEqual(["Enter your password"]);
      await shot({ name: "login", page, context, errors: [], expectRefusals: false }, "login-errors", {
        element: page.getByTestId("login"),
      });
      await page.getByLabel("Password").fill("wrong");
      await page.getByRole("button", { name: "Log in" }).click();
      await expect.poll(() => page.locator(".submit .error").count()).toBe(1);
      expect(await page.locator(".field-error").count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it("draws the Korean labels in the font the page ships, fetching only the chunks it needs", async () => {
    await visit(alice, "mall");
    const label = alice.page.locator(".card .badge").first();
    await expect.poll(() => label.textContent()).toMatch(/[가-힣]/);
    await alice.page.evaluate("document.fonts.ready");
    // A face of the page's own Noto Sans KR is loaded…
    const loaded = await alice.page.evaluate(
      `[...document.fonts].filter((f) => f.family.replace(/"/g, "") === "Noto Sans KR" && f.status === "loaded").length`,
    );
    expect(loaded).toBeGreaterThan(0);
    // …and is the font Chromium draws the label with (no Korean font is installed here).
    const cdp = await alice.context.newCDPSession(alice.page);
    const { root } = await cdp.send("DOM.getDocument", { depth: 0 });
    await cdp.send("CSS.enable");
    const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector: ".card .badge" });
    const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
    const text = (await label.textContent()) ?? "";
    const hangul = [...text].filter((c) => /[가-힣]/.test(c)).length;
    expect(fonts).toContainEqual(
      expect.objectContaining({
        familyName: expect.stringMatching(/^Noto Sans KR/),
        isCustomFont: true,
        glyphCount: hangul,
      }),
    );
    await cdp.detach();
    // Only a few of its chunks, all from the page's own /assets/, all woff2.
    const files = await alice.page.evaluate<string[]>(
      `performance.getEntriesByType("resource").map((e) => e.name).filter((n) => /\\.(woff2?|ttf|otf)$/.test(n))`,
    );
    expect(files.length).toBeGreaterThan(0);
    expect(files.length).toBeLessThan(30);
    for (const f of files) expect(f).toMatch(new RegExp(`^${node.url}/assets/[^/]+\\.woff2$`));
  });

  it("labels each timeline step as its system labels it", () => {
    expect(LABELS).toEqual({ mall: MALL, sauce: SAUCE, cleaning: CLEANING, insurance: INSURANCE });
  });

  it("fits a phone and logs no console errors", async () => {
    expect(await alice.page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(PHONE.width);
    await alice.page.setViewportSize({ width: 375, height: 812 });
    expect(await alice.page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
    await alice.page.setViewportSize(PHONE);
    for (const u of [alice, bob, carol, dave]) expect(u.errors, `console errors of ${u.name}`).toEqual([]);
  });
});
