import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, launchChromium } from "../support/chromium.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { type ProductProcess, startProduct } from "../support/product-process.js";
import { startHttpTarget, type TestTarget } from "../support/targets.js";

// The System page end to end: the product as `npm start` runs it (the launcher, an API and a
// worker, here from source) checking a local target, driven by Debian's Chromium. The first
// account's admin sees the worker's checks per second; an admin of a later organization sees
// no System link and is refused the figures.
//
// Without /usr/bin/chromium the file fails, saying how to install it; PULSAR_E2E=skip is the
// one explicit opt-out, as in dashboard.test.ts.

const optedOut = process.env.PULSAR_E2E === "skip";
const haveChromium = existsSync(CHROMIUM);

let db: TestDatabase;
let product: ProductProcess | undefined;
let browser: Browser;
let target: TestTarget;
let base: string;

beforeAll(async () => {
  if (optedOut || !haveChromium) return;
  // The dashboard as `npm start` serves it (dist/web); the processes run from source.
  await promisify(execFile)("npm", ["run", "build:web"], {
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, NODE_ENV: "production" },
  });
  db = await createTestDatabase();
  target = await startHttpTarget();
  product = await startProduct({
    databaseUrl: db.url,
    name: "e2e-system",
    from: "source",
    env: {
      // A second organization signs up on its own (the launcher closes sign-up by default).
      PULSAR_SIGNUP: "open",
      // Open sign-up blocks private targets by default, and the target is on loopback: without
      // this the checks are counted, but as down (blocked).
      PULSAR_BLOCK_PRIVATE_TARGETS: "false",
    },
  });
  base = product.base;
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await product?.stop();
  await target?.close();
  await db?.drop();
});

it.skipIf(optedOut)("finds Debian's Chromium to drive the System page with", () => {
  expect(haveChromium, `${CHROMIUM} is not installed: apt-get install chromium`).toBe(true);
});

/** signUp creates an account (and its organization) through the dashboard's form. */
async function signUp(page: Page, who: { name: string; email: string; org: string }) {
  await page.goto(`${base}/sign-up`);
  await page.getByLabel("Name").fill(who.name);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill("analytical engine");
  await page.getByLabel("Organization").fill(who.org);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByText("No monitors yet").waitFor();
}

/** getSystemStats calls SystemService from the page, with its session cookie, as the app does. */
function getSystemStats(page: Page): Promise<{ status: number; body: Record<string, unknown> }> {
  return page.evaluate(async () => {
    const res = await fetch("/pulsar.v1.SystemService/GetSystemStats", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  });
}

describe.skipIf(optedOut || !haveChromium)("the System page in Chromium", () => {
  let admin: Page;
  const nav = (page: Page, name: string) =>
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name });

  it("shows the operator's admin non-zero checks per second once a monitor is checked", async () => {
    admin = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await signUp(admin, { name: "Ada", email: "ada@example.test", org: "Operators" });
    await admin.getByRole("link", { name: "Add monitor" }).first().click();
    await admin.getByLabel("Name").fill("Local target");
    await admin.getByLabel("URL").fill(`${target.url}/ok`);
    await admin.getByLabel("Interval (seconds)").fill("10");
    await admin.getByRole("button", { name: "Add monitor" }).click();
    await admin.waitForURL(/\/monitors\/[0-9a-f-]{36}$/);

    await nav(admin, "System").click();
    await admin.getByRole("heading", { name: "System" }).waitFor();
    const checks = admin.locator("dt", { hasText: "Checks per second" }).locator("+ dd");
    await expect
      .poll(async () => (await checks.textContent()) ?? "", { timeout: 60_000, interval: 1000 })
      .toMatch(/^(?!0\/s$)\d+(\.\d+)?\/s$/);
    const shown = Number.parseFloat((await checks.textContent()) ?? "0");
    expect(shown).toBeGreaterThan(0);
    await admin.getByText(/^up \d/).waitFor();
    // One worker and one API process publish; the processes table lists both.
    const processes = admin.getByRole("table", { name: "Processes" });
    await expect.poll(async () => processes.getByRole("row").count()).toBe(3);
    // PULSAR_SCREENSHOTS=docs/screenshots draws the README's picture, as dashboard.test.ts does.
    const screenshots = process.env.PULSAR_SCREENSHOTS;
    if (screenshots) {
      await mkdir(screenshots, { recursive: true });
      await admin.screenshot({ path: join(screenshots, "system.png"), fullPage: true });
    }
  });

  it("shows an admin of another organization no System link and refuses them the figures", async () => {
    const other = await (await browser.newContext()).newPage();
    await signUp(other, { name: "Grace", email: "grace@example.test", org: "Tenants" });
    await nav(other, "Monitors").waitFor();
    expect(await nav(other, "System").count()).toBe(0);
    const refused = await getSystemStats(other);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("permission_denied");
    // Typed by hand, the page says the server's refusal and shows no figures.
    await other.goto(`${base}/system`);
    await other
      .getByRole("alert")
      .getByText(/operator organization/)
      .waitFor();
    expect(await other.locator("dt", { hasText: "Checks per second" }).count()).toBe(0);
    // The operator's admin, meanwhile, is answered.
    expect((await getSystemStats(admin)).status).toBe(200);
  });
});
