import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, launchChromium } from "../support/chromium.js";
import { eventually } from "../support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { type ProductProcess, startProduct } from "../support/product-process.js";
import { cookieOf, postRpc } from "../support/rpc-json.js";

// The public status page end to end: the product as `npm start` runs it (the launcher, an API
// and a worker, here from source) checking a local target whose answer the test switches. A
// page and an incident are created over the API; a signed-out Chromium reads the page (groups,
// 90-day bars, the incident), its feed parses as Atom in the browser's own XML parser, and the
// target going down shows on the server's page within one interval plus the cache's TTL, and
// on the open page (its refresh script) without a reload.
//
// Without /usr/bin/chromium the file fails, saying how to install it; PULSAR_E2E=skip is the
// one explicit opt-out, as in dashboard.test.ts.

const optedOut = process.env.PULSAR_E2E === "skip";
const haveChromium = existsSync(CHROMIUM);
const INTERVAL_SECONDS = 10;

let db: TestDatabase;
let product: ProductProcess | undefined;
let browser: Browser;
let target: Server;
let targetUrl = "";
/** Switches the API monitor's path to 503. */
let failing = false;
let base: string;
let cookie: string;

const rpc = async (name: string, body: unknown) => {
  const answer = await postRpc(base, name, body, { cookie });
  if (answer.status !== 200)
    throw new Error(`${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
};

beforeAll(async () => {
  if (optedOut || !haveChromium) return;
  db = await createTestDatabase();
  // Only the API's path fails when switched; the website stays up.
  target = createServer((req, res) => {
    const down = failing && req.url === "/api";
    res.writeHead(down ? 503 : 200, { "content-type": "text/plain" });
    res.end(down ? "down" : "ok");
  });
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  product = await startProduct({
    databaseUrl: db.url,
    name: "e2e-status",
    from: "source",
    // The target is on loopback.
    env: { PULSAR_SIGNUP: "open", PULSAR_BLOCK_PRIVATE_TARGETS: "false" },
  });
  base = product.base;
  const signedUp = await postRpc(base, "AuthService/SignUp", {
    email: "ada@example.test",
    password: "analytical engine",
    name: "Ada",
    orgName: "Acme",
  });
  cookie = cookieOf(signedUp);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await product?.stop();
  await new Promise((resolve) => target?.close(resolve));
  await db?.drop();
});

it.skipIf(optedOut)("finds Debian's Chromium to read the status page with", () => {
  expect(haveChromium, `${CHROMIUM} is not installed: apt-get install chromium`).toBe(true);
});

describe.skipIf(optedOut || !haveChromium)("a public status page in Chromium", () => {
  let reader: Page;
  const problems: string[] = [];

  it("renders a page created over the API for a signed-out reader: groups, bars, incident", async () => {
    const monitor = async (name: string) =>
      (
        (await rpc("MonitorService/CreateMonitor", {
          monitor: { name, url: `${targetUrl}/${name}`, intervalSeconds: INTERVAL_SECONDS },
        })) as { monitor: { id: string } }
      ).monitor.id;
    const apiId = await monitor("api");
    const webId = await monitor("web");
    const created = (await rpc("StatusPageService/CreateStatusPage", {
      page: {
        slug: "acme",
        title: "Acme status",
        description: "How Acme's services are doing.",
        theme: "STATUS_PAGE_THEME_DARK",
        groups: [
          { name: "Backend", monitors: [{ monitorId: apiId, displayName: "Public API" }] },
          { name: "Frontend", monitors: [{ monitorId: webId, displayName: "Website" }] },
        ],
      },
    })) as { page: { id: string } };
    await rpc("StatusPageService/CreateStatusIncident", {
      pageId: created.page.id,
      title: "Slow sign-ins",
      impact: "STATUS_INCIDENT_IMPACT_DEGRADED",
      monitorIds: [webId],
      message: "We are looking into slow sign-ins.",
    });
    // Both monitors checked once (up) before the reader comes.
    await eventually(
      async () => {
        const html = await (await fetch(`${base}/status/acme`)).text();
        return (
          (html.match(/class="state s-up"/g) ?? []).length === 1 && html.includes("s-degraded")
        );
      },
      {
        what: "the page to show both monitors checked",
        timeoutMs: 40_000,
        intervalMs: 1000,
        detail: () => product?.output() ?? "",
      },
    );

    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    reader = await context.newPage();
    reader.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    reader.on("pageerror", (e) => problems.push(e.message));
    await reader.goto(`${base}/status/acme`);
    await reader.getByRole("heading", { name: "Acme status", level: 1 }).waitFor();
    await reader.getByRole("heading", { name: "Backend" }).waitFor();
    await reader.getByRole("heading", { name: "Frontend" }).waitFor();
    expect(await reader.getByRole("status").textContent()).toBe("Degraded performance");
    await reader.getByRole("heading", { name: "Active incidents" }).waitFor();
    await reader.getByText("We are looking into slow sign-ins.").waitFor();
    // Two bars of 90 days; today's cell says its figures to the keyboard as to the mouse.
    expect(await reader.locator(".bar li").count()).toBe(180);
    const bar = reader.getByRole("list", { name: /^Public API: uptime per day/ });
    const today = bar.getByRole("listitem").last();
    await today.focus();
    const label = await reader.locator(":focus").getAttribute("title");
    expect(label).toMatch(
      /^\d{4}-\d{2}-\d{2}: (100|\d{1,2}\.\d\d)% up, \d+ checks, \d+ failed|no data/,
    );
    // The title is the cell's accessible name, and focus shows it on screen too.
    expect(await bar.getByRole("listitem", { name: label ?? "" }).count()).toBe(1);
    const shown = await reader.evaluate(
      "getComputedStyle(document.activeElement, '::after').content",
    );
    expect(shown).toBe(JSON.stringify(label));
    // Dark theme, styles applied by the external sheet (the policy allows no inline style).
    const background = await reader.evaluate("getComputedStyle(document.body).backgroundColor");
    expect(background).toBe("rgb(14, 17, 22)");
    expect(problems).toEqual([]);
  });

  it("serves a feed that Chromium's XML parser reads as Atom, and a JSON summary", async () => {
    // Run in the page (a string, so this file needs no DOM types): the browser's own parser.
    const parsed = (await reader.evaluate(`(async () => {
      const text = await (await fetch("/status/acme/feed.atom")).text();
      const doc = new DOMParser().parseFromString(text, "application/xml");
      const root = doc.documentElement;
      return {
        error: doc.getElementsByTagName("parsererror").length,
        root: root.localName,
        namespace: root.namespaceURI,
        titles: [...doc.getElementsByTagNameNS("http://www.w3.org/2005/Atom", "entry")].map(
          (e) => e.getElementsByTagName("title")[0]?.textContent,
        ),
        summary: await (await fetch("/status/acme/summary.json")).json(),
      };
    })()`)) as {
      error: number;
      root: string;
      namespace: string;
      titles: string[];
      summary: { status: { indicator: string }; components: { name: string }[] };
    };
    expect(parsed.error).toBe(0);
    expect(parsed.root).toBe("feed");
    expect(parsed.namespace).toBe("http://www.w3.org/2005/Atom");
    expect(parsed.titles).toEqual(["[Investigating] Slow sign-ins"]);
    expect(parsed.summary.status.indicator).toBe("minor");
    expect(parsed.summary.components.map((c) => c.name)).toEqual([
      "Backend",
      "Public API",
      "Frontend",
      "Website",
    ]);
  });

  it("shows a monitor going down within one interval plus the cache, and the open page follows", async () => {
    failing = true;
    const switched = Date.now();
    await eventually(
      async () =>
        (await (await fetch(`${base}/status/acme`)).text()).includes('class="state s-down">Down<'),
      {
        what: "the server's page to show the API down",
        timeoutMs: 40_000,
        intervalMs: 500,
        detail: () => product?.output() ?? "",
      },
    );
    const serverSeconds = (Date.now() - switched) / 1000;
    // A check within one interval (plus its own time), then at most the page cache's 10 s.
    expect(serverSeconds).toBeLessThan(INTERVAL_SECONDS + 10 + 5);
    // The open page, never reloaded, swaps itself (refresh.js every 30 s) once the reader's
    // focus has left the bars (it waits rather than pull a focused cell away).
    await reader.locator(":focus").blur();
    await reader.locator(".state.s-down", { hasText: "Down" }).waitFor({ timeout: 45_000 });
    expect(await reader.getByRole("status").textContent()).toBe("Partial outage");
    expect(await reader.locator("html").getAttribute("data-refreshed")).toMatch(/^\d+$/);
    expect(problems).toEqual([]);
  }, 120_000);
});
