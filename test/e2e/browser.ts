// Debian's Chromium driven by playwright-core (its own browser download does
// not work here). Each user gets a context of their own (cookies, storage),
// every page records console errors, and a failed test leaves screenshots
// under test-results/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROME_BIN ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1100, height: 900 };

/** Launched with a fresh, temporary --user-data-dir (playwright makes one per launch). */
export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

export interface UserPage {
  name: string;
  page: Page;
  context: BrowserContext;
  /** Console errors and page errors seen so far, except refusals the test asked for. */
  errors: string[];
  /** While set, "Failed to load resource: … status of 4xx" is expected (a refusal the test provokes). */
  expectRefusals: boolean;
}

export async function openAs(browser: Browser, base: string, name: string, phone = false): Promise<UserPage> {
  const context = await browser.newContext({ viewport: phone ? PHONE : DESKTOP, locale: "ko-KR" });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const user: UserPage = { name, page, context, errors: [], expectRefusals: false };
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    if (user.expectRefusals && /status of 4\d\d/.test(m.text())) return;
    user.errors.push(m.text());
  });
  page.on("pageerror", (e) => user.errors.push(String(e)));
  await page.goto(base);
  await page.getByLabel("User name").fill(name);
  await page.getByLabel("Password").fill("demo");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByTestId("user").waitFor();
  return user;
}

/** Opens a system's page and waits until its live list is connected. */
export async function visit(user: UserPage, system: string): Promise<void> {
  await user.page
    .getByRole("link", { name: new RegExp(system, "i") })
    .first()
    .click();
  await user.page.locator('[data-live="live"]').first().waitFor();
}

export async function screenshots(users: UserPage[], test: string): Promise<void> {
  const dir = join(process.cwd(), "test-results", "e2e");
  mkdirSync(dir, { recursive: true });
  for (const u of users) {
    await u.page
      .screenshot({ path: join(dir, `${test.replace(/[^A-Za-z0-9]+/g, "-")}-${u.name}.png`), fullPage: true })
      .catch(() => {});
  }
}

/** Runs a step that provokes a 4xx on purpose (the browser logs each one as a console error). */
export async function refused(user: UserPage, step: () => Promise<void>): Promise<void> {
  user.expectRefusals = true;
  try {
    await step();
  } finally {
    user.expectRefusals = false;
  }
}

/**
 * A picture for packages/web/README.md: written to packages/web/screenshots/
 * when UPDATE_SCREENSHOTS=1, else to test-results/e2e/shots/ (taken on every
 * run either way). The viewport (scrolled to `scrollTo`'s top first), or one element.
 */
export async function shot(
  user: UserPage,
  name: string,
  { element, scrollTo }: { element?: Locator; scrollTo?: Locator } = {},
): Promise<void> {
  const box = scrollTo ? await scrollTo.boundingBox() : null;
  if (box) await user.page.evaluate(`window.scrollBy(0, ${Math.round(box.y)})`);
  const dir =
    process.env.UPDATE_SCREENSHOTS === "1"
      ? join(process.cwd(), "packages", "web", "screenshots")
      : join(process.cwd(), "test-results", "e2e", "shots");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  if (element) await element.screenshot({ path, animations: "disabled" });
  else await user.page.screenshot({ path, animations: "disabled" });
}
