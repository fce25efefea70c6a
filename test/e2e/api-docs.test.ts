import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, launchChromium } from "../support/chromium.js";
import type { OpenApi } from "../support/openapi-schema.js";
import { startTestApi, type TestApi } from "../support/test-api.js";

// /docs in Debian's Chromium: Scalar's viewer, served by the API from this machine only,
// renders the generated document and lists every RPC. Without /usr/bin/chromium the file fails
// (as the dashboard's does); PULSAR_E2E=skip is the one explicit opt-out.

const optedOut = process.env.PULSAR_E2E === "skip";
const haveChromium = existsSync(CHROMIUM);

const DOCUMENT = "gen/openapi/openapi.json";
const doc = JSON.parse(await readFile(DOCUMENT, "utf8")) as OpenApi;

let api: TestApi;
let browser: Browser;
let page: Page;
/** Requests the page sent anywhere but the API, and what the browser logged as errors. */
const elsewhere: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  if (optedOut || !haveChromium) return;
  api = await startTestApi("api-docs", {
    docs: {
      document: DOCUMENT,
      viewer: "node_modules/@scalar/api-reference/dist/browser/standalone.js",
    },
  });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on("request", (request) => {
    if (!request.url().startsWith(api.baseUrl)) elsewhere.push(request.url());
  });
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe.skipIf(optedOut)("/docs in Chromium", () => {
  it("lists every RPC of every service", async () => {
    expect(haveChromium, `${CHROMIUM} is missing: apt-get install chromium`).toBe(true);
    await page.goto(`${api.baseUrl}/docs`);
    const sidebar = page.getByRole("complementary", { name: "Sidebar for Pulsar API" });
    await sidebar.waitFor();
    for (const tag of doc.tags) {
      // The first group opens by itself; the others are opened as a reader would.
      const open = sidebar.getByRole("button", { name: `Open Group - ${tag.name}`, exact: true });
      if (await open.isVisible()) await open.click();
      const operations = Object.entries(doc.paths).filter(
        ([, { post }]) => post.tags[0] === tag.name,
      );
      expect(operations.length, tag.name).toBeGreaterThan(0);
      for (const [path, { post }] of operations) {
        const link = sidebar.locator(`a[href$="/POST${path}"]`);
        await expect.poll(() => link.isVisible(), { message: path }).toBe(true);
        expect(await link.textContent()).toContain(post.summary);
      }
    }
    expect(elsewhere).toEqual([]);
  });

  it("renders without a script error, within the page's content security policy", () => {
    // A CSP violation is logged as an error too: none means the strict policy holds.
    expect(errors).toEqual([]);
  });
});
