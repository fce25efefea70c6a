import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Window } from "happy-dom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BADGE_KINDS } from "../../shared/badge-kinds.js";
import { createTestOrg, type TestOrg } from "../../test/support/accounts.js";
import { resultFixture, specFixture } from "../../test/support/fixtures.js";
import { startTestApi, type TestApi } from "../../test/support/test-api.js";
import { insertMonitor, setMonitorEnabled } from "../checks/monitors/monitors.js";
import { storeCheckResults } from "../checks/results/store-check-results.js";
import type { Queryable } from "../db/pool.js";
import { insertMaintenance } from "../maintenance/maintenances.js";
import { hoursStart } from "./badge-facts.js";
import { type BadgeHandlerDeps, createBadgeHandler } from "./badge-handler.js";

// The public badge routes through the real API (createApi's fallback chain) over HTTP, and the
// handler alone where a test counts its queries or moves its clock.

let api: TestApi;
let org: TestOrg;
const parser = new new Window().DOMParser();

beforeAll(async () => {
  api = await startTestApi("badges");
  org = await createTestOrg(api.db.pool, "Badges");
});

afterAll(async () => {
  await api?.close();
});

/** newMonitor stores a monitor (a fresh one per test: the API caches facts for 60 s). */
async function newMonitor(publicBadges = true) {
  return insertMonitor(api.db.pool, org.orgId, specFixture({ publicBadges }));
}

const badge = (publicId: string, file: string, init?: RequestInit, base = api.baseUrl) =>
  fetch(`${base}/badge/${publicId}/${file}`, init);

/** svgText parses an SVG as XML (failing on any parse error) and returns its text content. */
function svgText(svg: string): string {
  const doc = parser.parseFromString(svg, "image/svg+xml");
  expect(doc.getElementsByTagName("parsererror").length, svg).toBe(0);
  expect(doc.documentElement.nodeName.toLowerCase()).toBe("svg");
  return doc.documentElement.textContent ?? "";
}

/** addRollup writes one hour of rollups as the results store does, maintenance counted apart. */
async function addRollup(
  db: Queryable,
  monitorId: string,
  hour: Date,
  r: {
    checks: number;
    failures: number;
    maintenance: number;
    responses?: number;
    totalMs?: number;
  },
) {
  await db.query(
    `INSERT INTO check_rollups_hourly
       (monitor_id, hour, checks, failures, responses, total_ms_sum, maintenance_checks)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [monitorId, hour, r.checks, r.failures, r.responses ?? 0, r.totalMs ?? 0, r.maintenance],
  );
}

describe("public badges", () => {
  it("serves every kind as an SVG image with caching and hardening headers", async () => {
    const monitor = await newMonitor();
    await storeCheckResults(api.db.pool, [
      resultFixture({ monitorId: monitor.id, checkedAtMs: Date.now() - 1000, totalMs: 120 }),
    ]);
    const texts: Record<string, string> = {};
    for (const kind of BADGE_KINDS) {
      const res = await badge(monitor.publicId, `${kind}.svg`);
      expect(res.status, kind).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
      expect(res.headers.get("cache-control")).toBe("public, max-age=60");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("content-security-policy")).toBe(
        "default-src 'none'; style-src 'unsafe-inline'",
      );
      expect(res.headers.get("etag")).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
      texts[kind] = svgText(await res.text());
    }
    expect(texts.status).toContain("status");
    expect(texts.status).toContain("up");
    expect(texts["uptime-24h"]).toContain("100%");
    expect(texts["uptime-7d"]).toContain("uptime 7d");
    expect(texts["uptime-30d"]).toContain("100%");
    expect(texts["response-time"]).toContain("120 ms");
  });

  it("says down, pending and paused", async () => {
    const down = await newMonitor();
    await storeCheckResults(api.db.pool, [
      resultFixture({ monitorId: down.id, checkedAtMs: Date.now() - 1000, up: false }),
    ]);
    expect(svgText(await (await badge(down.publicId, "status.svg")).text())).toContain("down");
    const pending = await newMonitor();
    expect(svgText(await (await badge(pending.publicId, "status.svg")).text())).toContain(
      "pending",
    );
    const paused = await newMonitor();
    await setMonitorEnabled(api.db.pool, org.orgId, paused.id, false);
    expect(svgText(await (await badge(paused.publicId, "status.svg")).text())).toContain("paused");
  });

  it("counts uptime without the checks that ran during maintenance", async () => {
    const monitor = await newMonitor();
    const now = new Date();
    const thisHour = hoursStart(now, 1);
    const hour = (n: number) => new Date(thisHour.getTime() - n * 3_600_000);
    // 1 failure in 1000 counted checks; 500 maintenance checks (failing or not) count for nothing.
    await addRollup(api.db.pool, monitor.id, hour(0), {
      checks: 1000,
      failures: 1,
      maintenance: 500,
    });
    // An hour of maintenance only, inside the 24 h: no counted check at all.
    await addRollup(api.db.pool, monitor.id, hour(5), { checks: 0, failures: 0, maintenance: 60 });
    // Three days ago: in the 7 and 30 day windows only.
    await addRollup(api.db.pool, monitor.id, hour(72), {
      checks: 1000,
      failures: 0,
      maintenance: 0,
    });
    // 20 days ago: in the 30 day window only.
    await addRollup(api.db.pool, monitor.id, hour(480), {
      checks: 2000,
      failures: 1999,
      maintenance: 5,
    });
    // 31 days ago: in none.
    await addRollup(api.db.pool, monitor.id, hour(744), {
      checks: 10,
      failures: 10,
      maintenance: 0,
    });

    const text = async (file: string) =>
      svgText(await (await badge(monitor.publicId, file)).text());
    expect(await text("uptime-24h.svg")).toContain("99.9%");
    expect(await text("uptime-7d.svg")).toContain("99.95%");
    expect(await text("uptime-30d.svg")).toContain("50%");
  });

  it("leaves checks stored during maintenance out of uptime, and says maintenance while a window of the monitor is open", async () => {
    const monitor = await newMonitor();
    const now = Date.now();
    const inWindow = (ms: number) => ({
      ...resultFixture({ monitorId: monitor.id, checkedAtMs: ms, up: false }),
      maintenance: true,
    });
    await storeCheckResults(api.db.pool, [
      resultFixture({ monitorId: monitor.id, checkedAtMs: now - 3000 }),
      inWindow(now - 2000),
      inWindow(now - 1000),
    ]);
    expect(svgText(await (await badge(monitor.publicId, "uptime-24h.svg")).text())).toContain(
      "100%",
    );

    const windowed = await newMonitor();
    await storeCheckResults(api.db.pool, [
      resultFixture({ monitorId: windowed.id, checkedAtMs: now - 1000, up: false }),
    ]);
    await insertMaintenance(api.db.pool, org.orgId, {
      title: "Deploy",
      description: "",
      monitorIds: [windowed.id],
      statusPageIds: [],
      startsAt: new Date(now - 3_600_000),
      endsAt: new Date(now + 3_600_000),
      recurrence: null,
      timezone: "UTC",
    });
    expect(svgText(await (await badge(windowed.publicId, "status.svg")).text())).toContain(
      "maintenance",
    );
  });

  it("answers an unknown, a malformed, a non-public id and an unknown badge with the same 404", async () => {
    const hidden = await newMonitor(false);
    const shown = await newMonitor();
    const paths = [
      `${randomBytes(16).toString("hex")}/status.svg`,
      `${hidden.publicId}/status.svg`,
      `${hidden.publicId}/uptime-24h.svg`,
      `${shown.publicId.toUpperCase()}/status.svg`,
      `${shown.publicId}0/status.svg`,
      `${shown.id}/status.svg`,
      `${shown.publicId}/status.png`,
      `${shown.publicId}/status`,
      `${shown.publicId}/uptime-1y.svg`,
      `${shown.publicId}/status.svg/extra`,
      `..%2F..%2Fetc/status.svg`,
    ];
    const answers = await Promise.all(
      paths.map(async (path) => {
        const res = await fetch(`${api.baseUrl}/badge/${path}`);
        return {
          status: res.status,
          type: res.headers.get("content-type"),
          cache: res.headers.get("cache-control"),
          etag: res.headers.get("etag"),
          body: await res.text(),
        };
      }),
    );
    expect(answers[0]).toEqual({
      status: 404,
      type: "application/json",
      cache: "no-store",
      etag: null,
      body: JSON.stringify({ code: "not_found", message: "no such badge" }),
    });
    for (const [i, answer] of answers.entries()) expect(answer, paths[i]).toEqual(answers[0]);
    expect((await badge(shown.publicId, "status.svg")).status).toBe(200);
  });

  it("answers If-None-Match with the current ETag with 304 and no body", async () => {
    const monitor = await newMonitor();
    const first = await badge(monitor.publicId, "status.svg");
    const etag = first.headers.get("etag") ?? "";
    await first.text();
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const res = await badge(monitor.publicId, "status.svg", {
        headers: { "if-none-match": header },
      });
      expect(res.status, header).toBe(304);
      expect(res.headers.get("etag")).toBe(etag);
      expect(await res.text()).toBe("");
    }
    const stale = await badge(monitor.publicId, "status.svg", {
      headers: { "if-none-match": '"stale"' },
    });
    expect(stale.status).toBe(200);
    // Another style is another image, with another tag.
    const square = await badge(monitor.publicId, "status.svg?style=flat-square");
    expect(square.headers.get("etag")).not.toBe(etag);
  });

  it("answers HEAD with GET's headers and no body, and other methods with 405", async () => {
    const monitor = await newMonitor();
    const get = await badge(monitor.publicId, "uptime-24h.svg");
    const body = await get.text();
    const head = await badge(monitor.publicId, "uptime-24h.svg", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(Buffer.byteLength(body)));
    expect(head.headers.get("etag")).toBe(get.headers.get("etag"));
    expect(head.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(await head.text()).toBe("");
    const post = await badge(monitor.publicId, "status.svg", { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("draws the styles and a label asked for, escaped, and refuses bad ones naming the parameter", async () => {
    const monitor = await newMonitor();
    const flat = await (await badge(monitor.publicId, "status.svg")).text();
    for (const style of ["flat-square", "plastic", "for-the-badge"]) {
      const svg = await (await badge(monitor.publicId, `status.svg?style=${style}`)).text();
      svgText(svg);
      expect(svg, style).not.toBe(flat);
    }
    const hostile = `<script>alert("x")</script> & 'q'`;
    const res = await badge(monitor.publicId, `status.svg?label=${encodeURIComponent(hostile)}`);
    const svg = await res.text();
    expect(svg).not.toContain("<script>");
    expect(svgText(svg)).toContain(hostile);
    const unlabelled = svgText(await (await badge(monitor.publicId, "status.svg?label=")).text());
    expect(unlabelled).toContain("pending");
    expect(unlabelled).not.toContain("status");

    for (const [query, message] of [
      ["style=social", "style must be one of flat, flat-square, plastic, for-the-badge"],
      [`label=${"x".repeat(65)}`, "label must be at most 64 characters"],
      ["label=a%0Ab", "label must not contain control characters"],
    ] as const) {
      const bad = await badge(monitor.publicId, `status.svg?${query}`);
      expect(bad.status, query).toBe(400);
      expect(await bad.json()).toEqual({ code: "invalid_argument", message });
    }
    expect((await badge(monitor.publicId, `status.svg?label=${"é".repeat(64)}`)).status).toBe(200);
  });
});

describe("the badge cache", () => {
  /** serve runs the handler alone over a pool that counts the queries it is sent. */
  async function serve(deps: Omit<BadgeHandlerDeps, "pool">) {
    const counter = { queries: 0 };
    const pool: Queryable = {
      query: ((...args: Parameters<Queryable["query"]>) => {
        counter.queries++;
        return api.db.pool.query(...args);
      }) as Queryable["query"],
    };
    const handler = createBadgeHandler({ pool, ...deps });
    const server = createServer((req, res) => {
      handler.handle(req, res).then((handled) => {
        if (!handled) res.writeHead(418).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      baseUrl,
      counter,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  it("reads a monitor's facts once for a burst of all its badges, and again after the TTL", async () => {
    let now = Date.now();
    const monitor = await newMonitor();
    const server = await serve({ now: () => new Date(now) });
    try {
      const burst = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          badge(monitor.publicId, `${BADGE_KINDS[i % BADGE_KINDS.length]}.svg`, {}, server.baseUrl),
        ),
      );
      expect(burst.map((res) => res.status)).toEqual(Array(50).fill(200));
      expect(server.counter.queries).toBe(1);
      // A new result shows only once the cached facts expire.
      await storeCheckResults(api.db.pool, [
        resultFixture({ monitorId: monitor.id, checkedAtMs: now - 500, up: false }),
      ]);
      const cached = await badge(monitor.publicId, "status.svg", {}, server.baseUrl);
      expect(svgText(await cached.text())).toContain("pending");
      now += 60_000;
      const fresh = await badge(monitor.publicId, "status.svg", {}, server.baseUrl);
      expect(svgText(await fresh.text())).toContain("down");
      expect(server.counter.queries).toBe(2);
      // Unknown ids are remembered too; malformed ones never reach the database.
      const unknown = randomBytes(16).toString("hex");
      await badge(unknown, "status.svg", {}, server.baseUrl);
      await badge(unknown, "status.svg", {}, server.baseUrl);
      await badge("nope", "status.svg", {}, server.baseUrl);
      expect(server.counter.queries).toBe(3);
    } finally {
      await server.close();
    }
  });

  it("shows maintenance while the monitor's window is open, but paused first", async () => {
    const monitor = await newMonitor();
    await storeCheckResults(api.db.pool, [
      resultFixture({ monitorId: monitor.id, checkedAtMs: Date.now() - 1000, up: false }),
    ]);
    const asked: string[] = [];
    const server = await serve({
      inMaintenance: async (m) => {
        asked.push(m.id);
        return true;
      },
    });
    try {
      const res = await badge(monitor.publicId, "status.svg", {}, server.baseUrl);
      expect(svgText(await res.text())).toContain("maintenance");
      expect(asked).toEqual([monitor.id]);
      const paused = await newMonitor();
      await setMonitorEnabled(api.db.pool, org.orgId, paused.id, false);
      const p = await badge(paused.publicId, "status.svg", {}, server.baseUrl);
      expect(svgText(await p.text())).toContain("paused");
    } finally {
      await server.close();
    }
  });
});
