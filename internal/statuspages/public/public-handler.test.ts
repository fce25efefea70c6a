import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrg, type TestOrg } from "../../../test/support/accounts.js";
import {
  insertMaintenance,
  insertMonitorRow,
  insertRollups,
  insertStatusIncident,
  insertStatusPage,
  setMonitorState,
} from "../../../test/support/status-page-fixtures.js";
import { startTestApi, type TestApi } from "../../../test/support/test-api.js";
import { createStatusPages } from "./public-handler.js";

// The public pages through the real API over HTTP, on a real Postgres: what a stranger's
// browser, a status aggregator and a feed reader get, and how they are cached.

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** get sends a request with any headers (Host included, which fetch will not set). */
function get(
  base: string,
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<Answer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

let api: TestApi;
let org: TestOrg;
const ids: Record<string, string> = {};

beforeAll(async () => {
  api = await startTestApi("status-public", {
    alerts: { publicUrl: "https://pulsar.example.test" },
  });
  org = await createTestOrg(api.db.pool);
  const db = api.db.pool;
  ids.api = await insertMonitorRow(db, org.orgId, {
    name: "api-internal",
    url: "https://api.acme.test/health",
  });
  ids.web = await insertMonitorRow(db, org.orgId, {
    name: "web-internal",
    url: "https://www.acme.test/",
  });
  await setMonitorState(db, ids.api, false);
  await setMonitorState(db, ids.web, true);
  await insertRollups(db, [ids.api, ids.web], { days: 3, failEvery: 5 });
  ids.page = await insertStatusPage(db, {
    orgId: org.orgId,
    slug: "acme",
    title: "Acme",
    showResponseTimes: true,
    groups: [
      { name: "Backend", monitors: [{ monitorId: ids.api, displayName: "Public API" }] },
      { name: "Frontend", monitors: [{ monitorId: ids.web, showUrl: true }] },
    ],
    domains: ["status.acme.test"],
  });
  await insertStatusIncident(db, ids.page, {
    title: "Elevated API errors",
    impact: "partial_outage",
    monitorIds: [ids.api],
    updates: [
      { status: "investigating", message: "Looking into it." },
      { status: "identified", message: "A bad deploy." },
    ],
  });
  await insertStatusIncident(db, ids.page, {
    title: "Slow logins last week",
    impact: "degraded",
    updates: [{ status: "resolved", message: "Fixed." }],
    resolvedAt: new Date(Date.now() - 3 * 86_400_000),
    createdAt: new Date(Date.now() - 4 * 86_400_000),
  });
  await insertMaintenance(db, org.orgId, {
    title: "Database upgrade",
    statusPageIds: [ids.page],
    startsAt: new Date(Date.now() + 86_400_000),
    endsAt: new Date(Date.now() + 86_400_000 + 3_600_000),
  });
}, 60_000);

afterAll(async () => {
  await api?.close();
});

describe("/status/<slug>", () => {
  it("says what a TCP or DNS monitor checks when its target is shown, and nothing of a heartbeat's", async () => {
    const db = api.db.pool;
    const tcp = await insertMonitorRow(db, org.orgId, {
      name: "db",
      kind: "tcp",
      kindSpec: { host: "db.acme.test", port: 5432 },
    });
    const dns = await insertMonitorRow(db, org.orgId, {
      name: "mx",
      kind: "dns",
      kindSpec: { name: "acme.test", recordType: "MX" },
    });
    const beat = await insertMonitorRow(db, org.orgId, {
      name: "backup",
      kind: "heartbeat",
      kindSpec: { periodSeconds: 3600, graceSeconds: 300 },
    });
    await db.query("UPDATE monitors SET ping_token = 'secret-ping-token-0123' WHERE id = $1", [
      beat,
    ]);
    await insertStatusPage(db, {
      orgId: org.orgId,
      slug: "acme-kinds",
      title: "Acme kinds",
      groups: [
        {
          name: "All",
          monitors: [
            { monitorId: tcp, showUrl: true },
            { monitorId: dns, showUrl: true },
            { monitorId: beat, showUrl: true },
          ],
        },
      ],
    });
    const html = (await get(api.baseUrl, "/status/acme-kinds")).body.toString();
    expect(html).toContain('<span class="url">tcp db.acme.test:5432</span>');
    expect(html).toContain('<span class="url">DNS MX acme.test</span>');
    expect(html.match(/class="url"/g)).toHaveLength(2);
    expect(html).not.toContain("secret-ping-token");
  });

  it("serves the page as HTML with its groups, states, bars, incidents and maintenance", async () => {
    const res = await get(api.baseUrl, "/status/acme");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("public, max-age=30");
    expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(res.headers["content-security-policy"]).not.toContain("unsafe-inline");
    expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
    const html = res.body.toString();
    expect(html).toContain("<h1>Acme</h1>");
    expect(html).toContain(">Backend</h2>");
    expect(html).toContain(">Frontend</h2>");
    expect(html).toContain('<span class="name">Public API</span>');
    expect(html).toContain('class="state s-down">Down<');
    expect(html).toContain('class="state s-up">Operational<');
    // The Frontend monitor shows its URL (show_url); the API's does not.
    expect(html).toContain("https://www.acme.test/");
    expect(html).not.toContain("api.acme.test");
    expect(html).not.toContain("api-internal");
    expect(html).toContain("Partial outage");
    expect(html).toContain("Elevated API errors");
    expect(html).toContain("A bad deploy.");
    expect(html).toContain("Slow logins last week");
    expect(html).toContain("Database upgrade");
    expect(html.match(/tabindex=0/g)).toHaveLength(180);
    expect(html.match(/<svg class="spark"/g)).toHaveLength(2);
  });

  it("answers 304 to its own ETag, and HEAD with the headers alone", async () => {
    const first = await get(api.baseUrl, "/status/acme");
    const etag = String(first.headers.etag);
    const again = await get(api.baseUrl, "/status/acme", { "if-none-match": `W/${etag}, "other"` });
    expect(again.status).toBe(304);
    expect(again.body).toHaveLength(0);
    const head = await get(api.baseUrl, "/status/acme", {}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers.etag).toBe(etag);
    expect(Number(head.headers["content-length"])).toBe(first.body.length);
    expect(head.body).toHaveLength(0);
  });

  it("sends gzip to a client that accepts it", async () => {
    const res = await get(api.baseUrl, "/status/acme", { "accept-encoding": "gzip, br" });
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(res.body).toString()).toContain("<h1>Acme</h1>");
  });

  it("refuses methods other than GET and HEAD", async () => {
    for (const method of ["POST", "PUT", "DELETE"]) {
      const res = await get(api.baseUrl, "/status/acme", {}, method);
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe("GET, HEAD");
    }
  });

  it("answers 404 HTML to an unknown, malformed or overlong slug", async () => {
    for (const path of [
      "/status/no-such-page",
      "/status/%3Cscript%3E",
      `/status/${"a".repeat(500)}`,
      "/status/acme/extra/path",
      "/status/",
    ]) {
      const res = await get(api.baseUrl, path);
      expect(res.status, path).toBe(404);
      expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(res.body.toString()).toContain("Status page not found");
    }
  });

  it("serves its stylesheet and refresh script, cached for a year", async () => {
    const html = (await get(api.baseUrl, "/status/acme")).body.toString();
    const paths = [...html.matchAll(/(?:href|src)="(\/status\/assets\/[^"]+)"/g)].map(
      (m) => m[1] ?? "",
    );
    expect(paths).toHaveLength(2);
    for (const path of paths) {
      const res = await get(api.baseUrl, path.replaceAll("&amp;", "&"));
      expect(res.status).toBe(200);
      expect(res.headers["cache-control"]).toContain("immutable");
    }
    expect((await get(api.baseUrl, "/status/assets/nope.js")).status).toBe(404);
  });
});

describe("/status/<slug>/summary.json", () => {
  it("has Statuspage's shape, with page-local ids and no uuid", async () => {
    const res = await get(api.baseUrl, "/status/acme/summary.json");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    const text = res.body.toString();
    for (const id of Object.values(ids)) expect(text).not.toContain(id);
    expect(text).not.toContain(org.orgId);
    const summary = JSON.parse(text);
    expect(summary.page).toMatchObject({
      id: "acme",
      name: "Acme",
      url: "https://pulsar.example.test/status/acme",
    });
    expect(summary.status).toEqual({ indicator: "major", description: "Partial outage" });
    const names = summary.components.map((c: { name: string; status: string }) => [
      c.name,
      c.status,
    ]);
    expect(names).toEqual([
      ["Backend", "major_outage"],
      ["Public API", "major_outage"],
      ["Frontend", "operational"],
      ["web-internal", "operational"],
    ]);
    expect(summary.incidents).toHaveLength(1);
    expect(summary.incidents[0].incident_updates.map((u: { body: string }) => u.body)).toEqual([
      "A bad deploy.",
      "Looking into it.",
    ]);
    expect(summary.scheduled_maintenances[0]).toMatchObject({
      name: "Database upgrade",
      status: "scheduled",
    });
  });
});

describe("/status/<slug>/feed.atom", () => {
  it("is Atom with an entry per incident and maintenance", async () => {
    const res = await get(api.baseUrl, "/status/acme/feed.atom");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/atom+xml; charset=utf-8");
    const atom = res.body.toString();
    expect(atom).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(atom.match(/<entry>/g)).toHaveLength(3);
    expect(atom).toContain("[Identified] Elevated API errors");
    expect(atom).toContain("[Resolved] Slow logins last week");
  });
});

describe("a custom domain", () => {
  it("gets its page at the root, with its summary and feed beside it", async () => {
    const home = await get(api.baseUrl, "/", { host: "Status.Acme.Test:8443" });
    expect(home.status).toBe(200);
    expect(home.body.toString()).toContain("<h1>Acme</h1>");
    expect(home.body.toString()).toContain('href="/feed.atom"');
    const summary = JSON.parse(
      (await get(api.baseUrl, "/summary.json", { host: "status.acme.test" })).body.toString(),
    );
    expect(summary.page.url).toBe("https://status.acme.test/");
    const feed = await get(api.baseUrl, "/feed.atom", { host: "status.acme.test" });
    expect(feed.headers["content-type"]).toBe("application/atom+xml; charset=utf-8");
  });

  it("leaves other hosts, and other paths of the domain, to the rest of the API", async () => {
    expect((await get(api.baseUrl, "/", { host: "unknown.example.test" })).status).toBe(404);
    const other = await get(api.baseUrl, "/", { host: "unknown.example.test" });
    expect(other.headers["content-type"]).toBe("application/json");
    const own = await get(api.baseUrl, "/", { host: "pulsar.example.test" });
    expect(own.headers["content-type"]).toBe("application/json");
    const elsewhere = await get(api.baseUrl, "/monitors", { host: "status.acme.test" });
    expect(elsewhere.headers["content-type"]).toBe("application/json");
  });

  it("is known to the on-demand TLS check, and nothing else is", async () => {
    expect((await get(api.baseUrl, "/status/_domain-check?domain=status.acme.test")).status).toBe(
      200,
    );
    expect((await get(api.baseUrl, "/status/_domain-check?domain=evil.example.test")).status).toBe(
      404,
    );
    expect((await get(api.baseUrl, "/status/_domain-check")).status).toBe(404);
    expect((await get(api.baseUrl, "/status/_domain-check?domain=%3Cx%3E")).status).toBe(404);
  });
});

describe("the page cache", () => {
  it("reads a page once for a burst of requests, and forgets a deleted page after its TTL", async () => {
    let clock = Date.now();
    let queries = 0;
    const pool = api.db.pool;
    const counting = {
      query: ((...args: Parameters<typeof pool.query>) => {
        queries++;
        return pool.query(...args);
      }) as typeof pool.query,
    };
    const pages = createStatusPages({ pool: counting, now: () => clock });
    const serve = async (path: string) => {
      let status = 0;
      await pages.handle(
        { method: "GET", url: path, headers: {} },
        { writeHead: (s: number) => (status = s), end: () => undefined },
      );
      return status;
    };
    const slug = "cached-page";
    const pageId = await insertStatusPage(pool, {
      orgId: org.orgId,
      slug,
      groups: [{ name: "All", monitors: [{ monitorId: ids.web }] }],
    });
    const statuses = await Promise.all(Array.from({ length: 50 }, () => serve(`/status/${slug}`)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const perRender = queries;
    expect(perRender).toBeLessThanOrEqual(6);
    await serve(`/status/${slug}/summary.json`);
    expect(queries).toBe(perRender);

    await pool.query("DELETE FROM status_pages WHERE id = $1", [pageId]);
    expect(await serve(`/status/${slug}`)).toBe(200);
    clock += 10_001;
    expect(await serve(`/status/${slug}`)).toBe(404);
    // The miss is remembered briefly too.
    const afterMiss = queries;
    expect(await serve(`/status/${slug}`)).toBe(404);
    expect(queries).toBe(afterMiss);
    // A page changed or deleted in this process is read again at once when forgotten.
    const again = await insertStatusPage(pool, {
      orgId: org.orgId,
      slug,
      groups: [{ name: "All", monitors: [{ monitorId: ids.web }] }],
    });
    expect(await serve(`/status/${slug}`)).toBe(404);
    pages.forget(slug);
    expect(await serve(`/status/${slug}`)).toBe(200);
    await pool.query("DELETE FROM status_pages WHERE id = $1", [again]);
    pages.forget(slug);
    expect(await serve(`/status/${slug}`)).toBe(404);
    const afterForget = queries;
    // A malformed slug costs no query at all.
    expect(await serve("/status/UPPER_case")).toBe(404);
    expect(queries).toBe(afterForget);
  });
});
