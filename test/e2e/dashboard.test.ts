import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, launchChromium } from "../support/chromium.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { type ProductProcess, startProduct } from "../support/product-process.js";
import { startHttpTarget, type TestTarget } from "../support/targets.js";

// The dashboard end to end: the built product (what `npm start` runs after building), driven
// by Debian's Chromium through playwright-core. PULSAR_SCREENSHOTS=<dir> saves a screenshot of
// each page (docs/screenshots is made that way).
//
// Without /usr/bin/chromium the file fails, saying how to install it: a green run must mean the
// dashboard was driven. PULSAR_E2E=skip is the one explicit opt-out (for a machine that cannot
// have Chromium); CI never sets it, and .ci/run installs Chromium.

const optedOut = process.env.PULSAR_E2E === "skip";
const haveChromium = existsSync(CHROMIUM);
const missingChromium =
  `${CHROMIUM} is not installed: the dashboard's end-to-end test needs Debian's Chromium. ` +
  "Install it with `apt-get install chromium` (as .ci/run does), or set PULSAR_E2E=skip to " +
  "opt out on this machine.";
const screenshots = process.env.PULSAR_SCREENSHOTS;

let db: TestDatabase;
let product: ProductProcess | undefined;
let browser: Browser;
let target: TestTarget;
/** Where the alert channel posts: the test target's /echo answers 200 to any POST. */
let receiver: TestTarget;
let base: string;
/** A Redis-like TCP service for the TCP monitor: "+PONG\r\n" to each "PING\r\n". */
let tcpTarget: Server | undefined;
let tcpPort = 0;
/** Bytes of JavaScript (as sent, gzipped) the first load of the app fetched. */
let firstLoadJsBytes = 0;

async function shot(page: Page, name: string) {
  if (!screenshots) return;
  await mkdir(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  // Without Chromium the test below fails; a throw here would only mark the others skipped.
  if (optedOut || !haveChromium) return;
  // The very build `npm start` runs: TypeScript to dist/, the dashboard to dist/web.
  // NODE_ENV is "test" under vitest; the product is built as `npm start` builds it.
  await promisify(execFile)("npm", ["run", "build"], {
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, NODE_ENV: "production" },
  });
  db = await createTestDatabase();
  target = await startHttpTarget();
  receiver = await startHttpTarget();
  const server = createServer((socket) => {
    socket.on("data", (data) => {
      if (data.toString().includes("PING\r\n")) socket.write("+PONG\r\n");
    });
    socket.on("error", () => {});
  });
  tcpTarget = server;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  tcpPort = typeof address === "object" && address ? address.port : 0;
  product = await startProduct({
    databaseUrl: db.url,
    name: "e2e",
    from: "dist",
    env: { SAMPLE_INTERVAL_MS: "1000" },
  });
  base = product.base;
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await product?.stop();
  await target?.close();
  await receiver?.close();
  await new Promise((resolve) => (tcpTarget ? tcpTarget.close(resolve) : resolve(undefined)));
  await db?.drop();
});

it.skipIf(optedOut)("finds Debian's Chromium to drive the dashboard with", () => {
  expect(haveChromium, missingChromium).toBe(true);
});

describe.skipIf(optedOut || !haveChromium)(
  `the dashboard in Chromium${optedOut ? " (skipped: PULSAR_E2E=skip)" : ""}`,
  () => {
    let page: Page;
    const nav = (name: string) =>
      page.getByRole("navigation", { name: "Main" }).getByRole("link", { name });

    it("signs up and lands on an empty overview", async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      page = await context.newPage();
      page.on("response", async (response) => {
        if (response.request().resourceType() !== "script") return;
        firstLoadJsBytes += Number((await response.headerValue("content-length")) ?? 0);
      });
      await page.goto(`${base}/`);
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      await shot(page, "sign-in");
      await page.getByRole("link", { name: "Create an account" }).click();
      await page.getByLabel("Name").fill("Ada Lovelace");
      await page.getByLabel("Email").fill("ada@example.test");
      await page.getByLabel("Password").fill("analytical engine");
      await page.getByLabel("Organization").fill("Engines");
      await shot(page, "sign-up");
      await page.getByRole("button", { name: "Create account" }).click();
      await page.getByText("No monitors yet").waitFor();
      await shot(page, "overview-empty");
    });

    it("loads the app with under 300 KB of JavaScript, gzipped", () => {
      console.log(
        `first load: ${(firstLoadJsBytes / 1024).toFixed(1)} KiB of JavaScript (gzipped)`,
      );
      expect(firstLoadJsBytes).toBeGreaterThan(10_000);
      expect(firstLoadJsBytes).toBeLessThan(300 * 1024);
    });

    it("shows the server's validation message beside the field it names", async () => {
      await page.getByRole("link", { name: "Add monitor" }).first().click();
      await page.getByLabel("Name").fill("Too eager");
      await page.getByLabel("URL").fill(`${target.url}/ok`);
      await page.getByLabel("Interval (seconds)").fill("5");
      await page.getByRole("button", { name: "Add monitor" }).click();
      const interval = page.getByLabel("Interval (seconds)");
      await expect
        .poll(async () => interval.getAttribute("aria-invalid"), { timeout: 5000 })
        .toBe("true");
      const describedBy = (await interval.getAttribute("aria-describedby")) ?? "";
      const messages = await Promise.all(
        describedBy.split(" ").map((id) => page.locator(`[id="${id}"]`).textContent()),
      );
      expect(messages).toContain("monitor.intervalSeconds must be between 10 and 86400");
      await shot(page, "monitor-form-error");
    });

    it("adds a monitor with the form, sees it come up with its waterfall, pauses, resumes and deletes it", async () => {
      await page.getByLabel("Interval (seconds)").fill("10");
      await page.getByRole("button", { name: "Add monitor" }).click();
      await page.waitForURL(/\/monitors\/[0-9a-f-]{36}$/);
      await page.getByText("Up", { exact: true }).first().waitFor({ timeout: 20_000 });
      for (const phase of ["DNS", "TCP", "TLS", "TTFB", "Download"]) {
        await page.getByText(phase, { exact: true }).first().waitFor();
      }
      await shot(page, "monitor-detail");

      await page.getByRole("button", { name: "Pause" }).click();
      await page.getByText("Paused", { exact: true }).first().waitFor();
      await page.getByRole("button", { name: "Resume" }).click();
      await page.getByRole("button", { name: "Pause" }).waitFor();

      await nav("Monitors").click();
      await page.getByRole("link", { name: "Too eager" }).waitFor();
      await shot(page, "overview");
      await page.getByRole("link", { name: "Too eager" }).click();

      await page.getByRole("button", { name: "Delete" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Delete monitor" }).click();
      await page.waitForURL(`${base}/`);
      await page.getByText("No monitors yet").waitFor();
    });

    it("shows the host's live CPU within 5 s", async () => {
      const opened = Date.now();
      await nav("Hosts").click();
      await page
        .getByText(/^\d+(\.\d+)? ?%$/)
        .first()
        .waitFor({ timeout: 5000 });
      expect(Date.now() - opened).toBeLessThan(5000);
      await page.getByText("CPU").first().waitFor();
      await shot(page, "hosts");
    });

    it("adds a webhook alert channel and sends it a test message", async () => {
      await nav("Alerts").click();
      const form = page.getByRole("form", { name: "Add a channel" });
      await form.getByLabel("Name").fill("Ops webhook");
      await form.getByLabel("Type").selectOption({ label: "Webhook" });
      await form.getByLabel("Webhook URL").fill(`${receiver.url}/echo`);
      await form.getByLabel("Secret").fill("a secret of sixteen+");
      await form.getByRole("button", { name: "Add channel" }).click();
      await page.getByRole("button", { name: "Send test to Ops webhook" }).click();
      await page.getByText(/^Test delivered/).waitFor();
      await shot(page, "alerts");
    });

    it("creates an API token shown once", async () => {
      await nav("API tokens").click();
      await page.getByLabel("Name").fill("ci");
      await page.getByRole("button", { name: /create/i }).click();
      const secret = page.locator("input[readonly]").first();
      await secret.waitFor();
      expect(await secret.inputValue()).toMatch(/^pulsar_api_[A-Za-z0-9_-]{43}$/);
      await shot(page, "api-tokens");
    });

    it("invites a member by link on a closed installation, and removing them signs them out", async () => {
      // The product runs with the default PULSAR_SIGNUP=closed: only the first account could
      // sign up without an invitation.
      await nav("Members").click();
      const invite = page.getByRole("form", { name: "Invite someone" });
      await invite.getByLabel("Email").fill("grace@example.test");
      await invite.getByRole("button", { name: "Invite" }).click();
      const link = page.getByLabel("Invitation link");
      await link.waitFor();
      const url = await link.inputValue();
      expect(url).toMatch(/\/sign-up\?invitation=pulsar_invite_/);
      await shot(page, "members");

      const invitee = await (await browser.newContext()).newPage();
      await invitee.goto(url);
      await invitee.getByRole("heading", { name: "Join your organization" }).waitFor();
      expect(await invitee.getByLabel("Organization").count()).toBe(0);
      await invitee.getByLabel("Name").fill("Grace Hopper");
      await invitee.getByLabel("Email").fill("grace@example.test");
      await invitee.getByLabel("Password").fill("compile it all");
      await invitee.getByRole("button", { name: "Create account" }).click();
      await invitee.getByText("No monitors yet").waitFor();

      await page.reload();
      await page.getByRole("button", { name: "Remove Grace Hopper" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Remove member" }).click();
      await page
        .getByRole("button", { name: "Remove Grace Hopper" })
        .waitFor({ state: "detached" });
      // Her session is gone: her next request lands her on the sign-in page.
      await invitee.reload();
      await invitee.getByRole("heading", { name: "Sign in" }).waitFor();
      await invitee.context().close();
    });

    it("adds a TCP monitor that comes up, and a heartbeat that comes up when its ping URL is called", async () => {
      await nav("Monitors").click();
      await page.getByRole("link", { name: "Add monitor" }).first().click();
      await page.getByLabel("Name", { exact: true }).fill("Cache");
      await page.getByLabel("TCP port").check();
      await page.getByLabel("Host").fill("127.0.0.1");
      await page.getByLabel("Port", { exact: true }).fill(String(tcpPort));
      await page.getByLabel("Send").fill("PING\\r\\n");
      await page.getByLabel("Expect").fill("+PONG");
      await page.getByLabel("Interval (seconds)").fill("10");
      await shot(page, "monitor-form-tcp");
      await page.getByRole("button", { name: "Add monitor" }).click();
      await page.waitForURL(/\/monitors\/[0-9a-f-]{36}$/);
      const status = page.getByRole("status", { name: "Monitor status" });
      await expect.poll(() => status.textContent(), { timeout: 20_000 }).toBe("Up");
      await page.getByText(`127.0.0.1:${tcpPort}`, { exact: true }).waitFor();
      const timing = page.getByRole("figure", { name: "Timing of the latest connection" });
      for (const phase of ["DNS", "Connect", "Answer"]) {
        await timing.getByText(phase, { exact: true }).waitFor();
      }
      // What the peer said, with its CR shown as the escape people type.
      const answer = page.getByRole("figure", { name: "Answer" }).locator("pre");
      await expect.poll(() => answer.textContent()).toBe("+PONG\\r\n");
      await shot(page, "monitor-detail-tcp");

      await nav("Monitors").click();
      await page.getByRole("link", { name: "Add monitor" }).first().click();
      await page.getByLabel("Name", { exact: true }).fill("Nightly backup");
      await page.getByLabel("Heartbeat").check();
      expect(await page.getByLabel("Interval (seconds)").count()).toBe(0);
      await page.getByLabel("Period").fill("1 h");
      await page.getByRole("button", { name: "Add monitor" }).click();
      await page.waitForURL(/\/monitors\/[0-9a-f-]{36}$/);
      await page.getByRole("heading", { name: "How the job reports" }).waitFor();
      const pingUrl = await page.getByRole("textbox", { name: "Ping URL" }).inputValue();
      // Without PUBLIC_URL the server gives the path: the dashboard puts it on its own origin.
      expect(pingUrl).toMatch(new RegExp(`^${base}/ping/[A-Za-z0-9_-]{16,64}$`));
      await page.getByText(`curl -fsS -m 10 --retry 5 ${pingUrl}`, { exact: true }).waitFor();
      await page
        .context()
        .grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
      await page.getByRole("button", { name: "Copy Ping URL" }).click();
      await page.getByText("Copied to the clipboard.").first().waitFor();
      expect(await page.evaluate("navigator.clipboard.readText()")).toBe(pingUrl);
      await expect.poll(() => status.textContent()).toBe("Pending");

      const ping = await fetch(pingUrl, { method: "POST", body: "backup done: 3 files" });
      expect(ping.status).toBe(200);
      await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe("Up");
      const body = page.getByRole("figure", { name: "Body of the last ping" });
      await expect.poll(() => body.locator("pre").textContent()).toBe("backup done: 3 files");
      // Due a period and the grace after the ping: in about 65 minutes.
      await page.getByText(/^in 1 h [45] min \(every 1 h \+ 5 min grace\)$/).waitFor();
      await shot(page, "monitor-detail-heartbeat");

      await nav("Monitors").click();
      const kinds = page.getByRole("group", { name: "Filter by kind" });
      await kinds.getByRole("button", { name: /^TCP 1$/ }).waitFor();
      await page.getByText("a ping every 1 h", { exact: true }).waitFor();
      // The ping URL is a secret: the overview never shows it.
      expect(await page.content()).not.toContain(pingUrl.slice(base.length));
      await shot(page, "overview");
      await kinds.getByRole("button", { name: /^Heartbeat 1$/ }).click();
      expect(await page.getByRole("list", { name: "Monitors" }).getByRole("listitem").count()).toBe(
        1,
      );
    });
  },
);
