// The dashboard in a real browser: every system's main flow walked through
// the UI by the users who do it in life, each in a browser context of their
// own. What is checked is what a person sees: the status label of a card
// changes on its own (server-sent events, no reload), refusals appear next to
// the field or button that caused them, the layout fits a phone.
import { startTestNode, type TestNode } from "@seed/platform/testing";
import type { Browser, Locator } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launch, openAs, refused, screenshots, type UserPage, visit } from "./browser.js";

let node: TestNode;
let browser: Browser;
let alice: UserPage; // customer, member — on a phone
let bob: UserPage; // seller
let carol: UserPage; // cleaner
let dave: UserPage; // admin, manager
const run = Math.random().toString(36).slice(2, 7);

const card = (u: UserPage, text: string): Locator => u.page.locator(".card", { hasText: text });
const badge = (c: Locator): Locator => c.locator(".badge");

beforeAll(async () => {
  node = await startTestNode({
    config: { MEETINGROOM_SLOTS: "00:00-24:00", INSURANCE_DOCUMENT_DELAY_MS: 300, RATE_LIMIT_PER_MINUTE: 0 },
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

    await card(bob, product).getByRole("button", { name: "Check deposit" }).click();
    await expect.poll(() => badge(mine).textContent()).toBe("배송중");
    await mine.getByRole("button", { name: "Receive" }).click();
    await expect.poll(() => badge(mine).textContent()).toMatch(/^(수령확인|배송완료)$/);

    await alice.page.getByRole("button", { name: "English" }).click();
    await expect.poll(() => badge(mine).textContent()).toMatch(/^(Receipt confirmed|Delivered)$/);
    await alice.page.getByRole("button", { name: "한국어" }).click();
    await expect.poll(() => badge(mine).textContent()).toMatch(/^(수령확인|배송완료)$/);
  });

  it("sauce: ordered and paid, delivered by the admin; a late cancel is refused next to its button", async () => {
    const sauce = `chili-${run}`;
    await visit(alice, "sauce");
    await visit(dave, "sauce");
    const form = alice.page.getByTestId("sauce-order");
    await form.getByLabel("Sauce").fill(sauce);
    await form.getByRole("button", { name: "Order" }).click();
    const mine = card(alice, sauce);
    await expect.poll(() => badge(mine).textContent()).toBe("배송시작");
    await card(dave, sauce).getByRole("button", { name: "Complete delivery" }).click();
    await expect.poll(() => badge(mine).textContent()).toBe("배송완료");
    await refused(alice, async () => {
      await mine.getByRole("button", { name: "Cancel" }).click();
      await expect.poll(() => mine.locator(".action .error").textContent()).toMatch(/deliver/i);
    });
    expect(await badge(mine).textContent()).toBe("배송완료");
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
    await theirs.getByRole("button", { name: "Clean" }).click();
    await expect.poll(() => badge(mine).textContent()).toBe("청소완료");
    await theirs.getByRole("button", { name: "Review…" }).click();
    await theirs.getByLabel("Review").fill("Kind customer");
    await theirs.getByRole("button", { name: "Review" }).click();
    await expect.poll(() => badge(mine).textContent()).toBe("리뷰완료");
    await expect.poll(() => mine.textContent()).toContain("Kind customer");
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
    await mine.getByRole("button", { name: "Request document" }).click();
    await expect.poll(() => badge(mine).textContent()).toBe("상품설명서발행완료");
    await mine.getByRole("button", { name: "Propose…" }).click();
    await mine.getByLabel("Account number").fill("123-45-678901");
    await mine.getByRole("button", { name: "Propose" }).click();
    await expect.poll(() => badge(mine).textContent()).toBe("청약완료");
    await mine.getByRole("button", { name: "Withdraw" }).click();
    await expect.poll(() => badge(mine).textContent()).toMatch(/^(청약철회|결제취소)$/);
  });

  it("fits a phone and logs no console errors", async () => {
    const width = await alice.page.evaluate("document.documentElement.scrollWidth");
    expect(width).toBeLessThanOrEqual(375);
    for (const u of [alice, bob, carol, dave]) expect(u.errors, `console errors of ${u.name}`).toEqual([]);
  });
});
