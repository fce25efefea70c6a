import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckTargetSchema } from "../../gen/pulsar/v1/check_pb.js";
import { runCheck } from "../../internal/checks/http/index.js";
import { storeCheckResults } from "../../internal/checks/results/store-check-results.js";
import { freePort } from "../../internal/launcher/free-port.js";
import { createTestOrg, type TestOrg } from "../support/accounts.js";
import {
  insertMaintenance,
  insertMonitorRow,
  insertRollups,
  insertStatusIncident,
  insertStatusPage,
} from "../support/status-page-fixtures.js";
import { startHttpTarget, type TestTarget } from "../support/targets.js";
import { startTestApi, type TestApi } from "../support/test-api.js";

// Nothing private of a monitor reaches a public page. Monitors with distinctive URLs, headers,
// bodies, keywords and internal names are checked for real against a local failing target (so
// errors, addresses and an automatic incident exist), put on a page with a custom domain, and
// every public URL of the page is crawled — HTML, assets, summary.json, feed.atom, the custom
// domain's root, 404s, HEAD answers, headers included — and every byte grepped for them. The
// one monitor whose owner ticked show_url must show its URL.

const mark = (what: string) => `${what}-${randomBytes(5).toString("hex")}`;

interface Answer {
  url: string;
  status: number;
  bytes: string;
}

function fetchRaw(
  base: string,
  path: string,
  host: string | undefined,
  method = "GET",
): Promise<Answer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (host) headers.host = host;
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          url: `${method} ${host ?? ""}${path}`,
          status: res.statusCode ?? 0,
          // Headers and body alike are public bytes.
          bytes: `${JSON.stringify(res.headers)}\n${Buffer.concat(chunks).toString("utf8")}`,
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

let api: TestApi;
let org: TestOrg;
let target: TestTarget;
const secrets = new Map<string, string>();
let shownUrl = "";
const answers: Answer[] = [];

beforeAll(async () => {
  api = await startTestApi("status-privacy", {
    alerts: { publicUrl: "https://pulsar.example.test" },
  });
  const db = api.db.pool;
  const orgName = mark("org-name");
  org = await createTestOrg(db, orgName);
  target = await startHttpTarget();
  const closedPort = await freePort();

  const urlToken = mark("private-url");
  const refusedToken = mark("refused-url");
  const headerName = mark("x-private-header");
  const headerValue = mark("private-header-value");
  const bodyText = mark("private-body");
  const keyword = mark("private-keyword");
  const internalName = mark("internal-name");
  shownUrl = `${target.localhostUrl}/ok?shown=${mark("public-url")}`;

  const failing = await insertMonitorRow(db, org.orgId, {
    name: internalName,
    url: `${target.url}/status/503?token=${urlToken}`,
    headers: { [headerName]: headerValue },
  });
  await db.query("UPDATE monitors SET method = 'POST', body = $2, keyword = $3 WHERE id = $1", [
    failing,
    bodyText,
    keyword,
  ]);
  const refused = await insertMonitorRow(db, org.orgId, {
    name: mark("refused-name"),
    url: `http://127.0.0.1:${closedPort}/${refusedToken}`,
  });
  const shown = await insertMonitorRow(db, org.orgId, { name: "Shown", url: shownUrl });

  // Checked for real, twice: errors, addresses, the state's streak error and an automatic
  // incident with its cause all exist before the page is read.
  const targets = [
    [
      failing,
      {
        url: `${target.url}/status/503?token=${urlToken}`,
        method: "POST",
        headers: { [headerName]: headerValue },
        body: bodyText,
        keyword,
      },
    ],
    [refused, { url: `http://127.0.0.1:${closedPort}/${refusedToken}`, method: "GET" }],
    [shown, { url: shownUrl, method: "GET" }],
  ] as const;
  for (let round = 0; round < 2; round++) {
    const results = await Promise.all(
      targets.map(async ([monitorId, t]) => {
        const result = await runCheck(
          create(CheckTargetSchema, {
            ...t,
            timeoutMs: 3000,
            expectedStatus: [{ min: 200, max: 399 }],
            followRedirects: true,
          }),
        );
        result.monitorId = monitorId;
        result.region = mark("private-region");
        secrets.set(`region ${round} ${monitorId}`, result.region);
        return result;
      }),
    );
    await storeCheckResults(db, results);
  }
  await insertRollups(db, [failing, refused, shown], { days: 2, failEvery: 3 });

  const pageId = await insertStatusPage(db, {
    orgId: org.orgId,
    slug: "privacy-page",
    title: "Privacy page",
    showResponseTimes: true,
    groups: [
      {
        name: "Private",
        monitors: [
          { monitorId: failing, displayName: "Checkout" },
          { monitorId: refused, displayName: "Search" },
        ],
      },
      { name: "Public", monitors: [{ monitorId: shown, showUrl: true }] },
    ],
    domains: ["status.privacy.test"],
  });
  const incidentId = await insertStatusIncident(db, pageId, {
    title: "Checkout errors",
    impact: "partial_outage",
    monitorIds: [failing],
    updates: [{ status: "investigating", message: "We are looking into it." }],
  });
  const maintenanceId = await insertMaintenance(db, org.orgId, {
    title: "Search reindex",
    monitorIds: [refused],
    startsAt: new Date(Date.now() - 60_000),
    endsAt: new Date(Date.now() + 3_600_000),
  });

  // What is private: what the owner wrote about the request, what the checks saw, and ids.
  const stored = await db.query<{ error: string; remote_address: string; tls_cert_issuer: string }>(
    "SELECT error, remote_address, tls_cert_issuer FROM check_results WHERE monitor_id = ANY($1)",
    [[failing, refused, shown]],
  );
  const states = await db.query<{ streak_error: string; last_result: unknown }>(
    "SELECT streak_error, last_result FROM monitor_state WHERE monitor_id = ANY($1)",
    [[failing, refused]],
  );
  const causes = await db.query<{ cause: string }>(
    "SELECT cause FROM incidents WHERE org_id = $1",
    [org.orgId],
  );
  expect(causes.rows.length, "the failing checks opened automatic incidents").toBeGreaterThan(0);
  const add = (name: string, value: string) => {
    if (value) secrets.set(name, value);
  };
  for (const [i, row] of stored.rows.entries()) {
    add(`error ${i}`, row.error);
    add(`remote address ${i}`, row.remote_address);
  }
  for (const [i, row] of states.rows.entries()) add(`streak error ${i}`, row.streak_error);
  for (const [i, row] of causes.rows.entries()) add(`incident cause ${i}`, row.cause);
  expect([...secrets.keys()].some((k) => k.startsWith("error"))).toBe(true);
  expect([...secrets.keys()].some((k) => k.startsWith("remote address"))).toBe(true);
  const named: Record<string, string> = {
    urlToken,
    refusedToken,
    headerName,
    headerValue,
    bodyText,
    keyword,
    internalName,
    orgName,
    orgId: org.orgId,
    email: org.email,
    failing,
    refused,
    shown,
    pageId,
    incidentId,
    maintenanceId,
    privateUrl: `${target.url}/status/503`,
    targetAddress: "127.0.0.1",
  };
  for (const [name, value] of Object.entries(named)) add(name, value);

  await crawl();
}, 60_000);

afterAll(async () => {
  await target?.close();
  await api?.close();
});

/**
 * crawl fetches the page's public URLs at both addresses, follows every same-site link they
 * contain (stylesheet, script, feed, summary), and adds HEAD answers and 404s.
 */
async function crawl() {
  const seen = new Set<string>();
  const queue: [string, string | undefined][] = [
    ["/status/privacy-page", undefined],
    ["/status/privacy-page/summary.json", undefined],
    ["/status/privacy-page/feed.atom", undefined],
    ["/", "status.privacy.test"],
    ["/summary.json", "status.privacy.test"],
    ["/feed.atom", "status.privacy.test"],
    ["/status/no-such-page", undefined],
    ["/status/assets/no-such-file.css", undefined],
    ["/status/_domain-check?domain=status.privacy.test", undefined],
  ];
  while (queue.length > 0) {
    const next = queue.shift();
    if (!next) break;
    const [path, host] = next;
    const key = `${host ?? ""} ${path}`;
    if (seen.has(key) || seen.size > 100) continue;
    seen.add(key);
    const answer = await fetchRaw(api.baseUrl, path, host);
    answers.push(answer);
    answers.push(await fetchRaw(api.baseUrl, path, host, "HEAD"));
    for (const m of answer.bytes.matchAll(/(?:href|src)="(\/[^"]*)"/g)) {
      queue.push([(m[1] ?? "").replaceAll("&amp;", "&"), host]);
    }
  }
}

describe("a public status page", () => {
  it("crawls every public URL: page, assets, summary, feed, custom domain, 404s", () => {
    const urls = answers.map((a) => a.url);
    expect(urls).toEqual(
      expect.arrayContaining([
        "GET /status/privacy-page",
        "GET status.privacy.test/",
        "GET /status/privacy-page/summary.json",
        "GET /status/privacy-page/feed.atom",
        "GET /status/no-such-page",
      ]),
    );
    expect(urls.filter((u) => u.includes("/status/assets/")).length).toBeGreaterThanOrEqual(4);
    const page = answers.find((a) => a.url === "GET /status/privacy-page");
    expect(page?.status).toBe(200);
    expect(page?.bytes).toContain("Checkout");
    // Search is in its maintenance window: its state says so rather than its failures.
    expect(page?.bytes).toContain('class="state s-maintenance">Maintenance<');
  });

  it("contains none of the monitors' URLs, headers, bodies, keywords, errors, addresses or ids", () => {
    const leaks: string[] = [];
    for (const answer of answers) {
      const bytes = answer.bytes.toLowerCase();
      for (const [name, secret] of secrets) {
        if (bytes.includes(secret.toLowerCase())) leaks.push(`${answer.url}: ${name} (${secret})`);
      }
    }
    expect(secrets.size).toBeGreaterThan(20);
    expect(leaks).toEqual([]);
  });

  it("shows the URL of the monitor whose owner chose to show it", () => {
    const html = answers.find((a) => a.url === "GET /status/privacy-page")?.bytes ?? "";
    expect(html).toContain(shownUrl.replaceAll("&", "&amp;"));
    const domainRoot = answers.find((a) => a.url === "GET status.privacy.test/")?.bytes ?? "";
    expect(domainRoot).toContain(shownUrl);
  });
});
