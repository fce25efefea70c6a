import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, launchChromium } from "../support/chromium.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { type ProbeProcess, startProbeProcess } from "../support/probe-process.js";
import { type ProductProcess, startProduct } from "../support/product-process.js";

// The Regions page end to end: the product as `npm start` runs it (the launcher, an API and a
// worker of the default region, here from source), driven by Debian's Chromium. The operator's
// admin sees the worker's region live, makes a probe token for a new region on the page, runs a
// real probe with it and sees the probe come online, then revokes the token there and the
// probe stops.
//
// Without /usr/bin/chromium the file fails, saying how to install it; PULSAR_E2E=skip is the
// one explicit opt-out, as in dashboard.test.ts.

const optedOut = process.env.PULSAR_E2E === "skip";
const haveChromium = existsSync(CHROMIUM);

let db: TestDatabase;
let product: ProductProcess | undefined;
let browser: Browser;
let probe: ProbeProcess | undefined;
let base: string;

beforeAll(async () => {
  if (optedOut || !haveChromium) return;
  // The dashboard as `npm start` serves it (dist/web); the processes run from source.
  await promisify(execFile)("npm", ["run", "build:web"], {
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, NODE_ENV: "production" },
  });
  db = await createTestDatabase();
  product = await startProduct({ databaseUrl: db.url, name: "e2e-regions", from: "source" });
  base = product.base;
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  if (probe?.child.exitCode === null) probe.child.kill("SIGKILL");
  await browser?.close();
  await product?.stop();
  await db?.drop();
});

it.skipIf(optedOut)("finds Debian's Chromium to drive the Regions page with", () => {
  expect(haveChromium, `${CHROMIUM} is not installed: apt-get install chromium`).toBe(true);
});

/** signUp creates the first account (the operator's organization) through the dashboard. */
async function signUp(page: Page) {
  await page.goto(`${base}/sign-up`);
  await page.getByLabel("Name").fill("Ada");
  await page.getByLabel("Email").fill("ada@example.test");
  await page.getByLabel("Password").fill("analytical engine");
  await page.getByLabel("Organization").fill("Operators");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByText("No monitors yet").waitFor();
}

describe.skipIf(optedOut || !haveChromium)("the Regions page in Chromium", () => {
  it("shows the worker's region live, and a probe made on the page online until revoked", async () => {
    const page = await (
      await browser.newContext({ viewport: { width: 1280, height: 900 } })
    ).newPage();
    await signUp(page);
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Regions" })
      .click();
    await page.getByRole("heading", { name: "Regions" }).waitFor();
    const regions = page.getByRole("table", { name: "Regions" });
    const row = (name: string) =>
      regions
        .getByRole("row")
        .filter({ has: page.getByRole("rowheader", { name: new RegExp(`^${name}`) }) });
    // The launcher's worker serves the default region, "local".
    await expect
      .poll(async () => (await row("local").textContent()) ?? "", { timeout: 30_000 })
      .toMatch(/Live/);

    // A probe token for a new region, made on the page; the secret is shown once.
    const form = page.getByRole("form", { name: "Create a probe token" });
    await form.getByLabel("Name").fill("edge one");
    await form.getByLabel("Region").fill("edge");
    await form.getByRole("button", { name: "Create probe token" }).click();
    const secret = await page.getByLabel("Probe token", { exact: true }).inputValue();
    expect(secret).toMatch(/^pulsar_probe_/);
    await page.getByRole("button", { name: "Done" }).click();

    // A real probe with it: the page (read every 10 s) shows it online in its region.
    probe = startProbeProcess({ baseUrl: base, token: secret }, { LOG_LEVEL: "warn" });
    await expect
      .poll(async () => (await row("edge").textContent()) ?? "", {
        timeout: 40_000,
        interval: 1000,
      })
      .toMatch(/edge one\s*online/);
    expect(await row("edge").textContent()).toMatch(/Live/);

    // Revoked on the page: the probe is refused at its next call and stops.
    await page.getByRole("button", { name: "Revoke edge one" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Revoke token" }).click();
    const code = await Promise.race([
      probe.exited,
      new Promise((resolve) => setTimeout(() => resolve("still running"), 30_000)),
    ]);
    expect(code).toBe(1);
    expect(probe.stderr()).toMatch(/revoked/);
  }, 150_000);
});
