import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestOrg, type TestOrg } from "../../test/support/accounts.js";
import { specFixture } from "../../test/support/fixtures.js";
import { startTestApi, type TestApi } from "../../test/support/test-api.js";
import { insertMonitor } from "../checks/monitors/monitors.js";

// A hostile tenant against StatusPageService, in raw JSON over HTTP: the largest specs it can
// write are refused with an error naming the field or the limit, quickly, and store nothing.
// Two APIs: one with the default request limit (256 KiB), which refuses these bodies before
// reading them, and one with a limit far above them, where the spec's own bounds must hold.

const MB = 1024 * 1024;
/** Generous for a loaded 2-core machine; a refusal costs a parse and a count. */
const QUICK_MS = 2000;

let api: TestApi;
/** The same API with PULSAR_MAX_REQUEST_BYTES at 16 MiB. */
let roomy: string;
let tenant: TestOrg;
let monitorId: string;

beforeAll(async () => {
  api = await startTestApi("status-page-hostile", { writesPerMinute: 100_000 });
  roomy = await api.serve({ maxRequestBytes: 16 * MB, writesPerMinute: 100_000 });
  tenant = await createTestOrg(api.db.pool, "Mallory");
});

afterAll(async () => {
  await api?.close();
});

beforeEach(async () => {
  await api.db.pool.query("TRUNCATE monitors, status_pages CASCADE");
  monitorId = (await insertMonitor(api.db.pool, tenant.orgId, specFixture())).id;
});

/** call posts body as JSON to a StatusPageService RPC at base, as the tenant (or a stranger). */
async function call(base: string, rpc: string, body: unknown, token = tenant.apiToken) {
  const started = performance.now();
  const res = await fetch(`${base}/pulsar.v1.StatusPageService/${rpc}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as { code?: string; message?: string };
  return { status: res.status, ...answer, ms: performance.now() - started };
}

const pageCount = async () =>
  Number((await api.db.pool.query("SELECT count(*) AS n FROM status_pages")).rows[0].n);

/** A group of `n` distinct monitor ids (none of them the tenant's but the first). */
function hugeGroup(n: number) {
  const ids = Array.from({ length: n }, (_, i) =>
    i === 0 ? monitorId : `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  );
  return { name: "All of them", monitors: ids.map((id) => ({ monitorId: id })) };
}

describe("StatusPageService against a hostile tenant", () => {
  it("refuses a 10,000-monitor group naming the limit, storing nothing", async () => {
    const page = { slug: "mallory", title: "Mallory", groups: [hugeGroup(10_000)] };
    const bounded = await call(api.baseUrl, "CreateStatusPage", { page });
    expect(bounded).toMatchObject({ status: 413, code: "resource_exhausted" });
    expect(bounded.message).toContain("PULSAR_MAX_REQUEST_BYTES");

    const read = await call(roomy, "CreateStatusPage", { page });
    expect(read).toMatchObject({
      status: 400,
      code: "invalid_argument",
      message: "page.groups hold 10000 monitors; at most 200 in all",
    });
    expect(read.ms).toBeLessThan(QUICK_MS);
    // Alone in a group of 10,000 or spread over 20 groups, the same refusal.
    const spread = {
      ...page,
      groups: Array.from({ length: 20 }, () => hugeGroup(500)),
    };
    expect((await call(roomy, "CreateStatusPage", { page: spread })).message).toBe(
      "page.groups hold 10000 monitors; at most 200 in all",
    );
    expect(await pageCount()).toBe(0);
  });

  it("refuses a 1 MB description, title or incident message naming the field, storing nothing", async () => {
    const megabyte = "x".repeat(MB);
    const bounded = await call(api.baseUrl, "CreateStatusPage", {
      page: { slug: "mallory", title: "Mallory", description: megabyte },
    });
    expect(bounded).toMatchObject({ status: 413, code: "resource_exhausted" });

    const cases: [unknown, string][] = [
      [
        { slug: "mallory", title: "Mallory", description: megabyte },
        "page.description must be at most 1000 characters",
      ],
      [{ slug: "mallory", title: megabyte }, "page.title must be at most 100 characters"],
      [{ slug: "m".repeat(MB), title: "Mallory" }, "page.slug must be 3–60 lowercase letters"],
      [
        { slug: "mallory", title: "Mallory", logoUrl: `https://x.test/${megabyte}` },
        "page.logoUrl must be at most 2048 characters",
      ],
      [
        {
          slug: "mallory",
          title: "Mallory",
          domains: Array.from({ length: 10_000 }, (_, i) => `d${i}.test`),
        },
        "page.domains has 10000 domains; at most 5",
      ],
      [
        {
          slug: "mallory",
          title: "Mallory",
          groups: Array.from({ length: 5000 }, () => ({ name: "g" })),
        },
        "page.groups has 5000 groups; at most 20",
      ],
    ];
    for (const [page, message] of cases) {
      const answer = await call(roomy, "CreateStatusPage", { page });
      expect(answer.code, message).toBe("invalid_argument");
      expect(answer.message).toContain(message);
      expect(answer.ms).toBeLessThan(QUICK_MS);
    }
    expect(await pageCount()).toBe(0);

    const { page } = (await (
      await fetch(`${roomy}/pulsar.v1.StatusPageService/CreateStatusPage`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${tenant.apiToken}` },
        body: JSON.stringify({ page: { slug: "mallory", title: "Mallory" } }),
      })
    ).json()) as { page: { id: string } };
    const incident = await call(roomy, "CreateStatusIncident", {
      pageId: page.id,
      title: "Down",
      message: megabyte,
    });
    expect(incident).toMatchObject({
      code: "invalid_argument",
      message: "message must be at most 5000 characters",
    });
    const count = await api.db.pool.query("SELECT count(*) AS n FROM status_incidents");
    expect(Number(count.rows[0].n)).toBe(0);
  });

  it("meters every write RPC against PULSAR_ORG_WRITES_PER_MINUTE, never the reads", async () => {
    const metered = await api.serve({ writesPerMinute: 2 });
    const org = await createTestOrg(api.db.pool, "Metered");
    const page = { slug: "metered", title: "Metered" };
    expect((await call(metered, "CreateStatusPage", { page }, org.apiToken)).status).toBe(200);
    expect((await call(metered, "UpdateStatusPage", { id: "nope", page }, org.apiToken)).code).toBe(
      "invalid_argument",
    );
    const third = await call(metered, "DeleteStatusPage", { id: "nope" }, org.apiToken);
    expect(third).toMatchObject({ status: 429, code: "resource_exhausted" });
    expect(third.message).toContain("PULSAR_ORG_WRITES_PER_MINUTE");
    const list = await call(metered, "ListStatusPages", {}, org.apiToken);
    expect(list.status).toBe(200);
  });

  it("answers a stranger without credentials 401 before reading a byte of its body", async () => {
    const page = { slug: "mallory", title: "Mallory", groups: [hugeGroup(10_000)] };
    const answer = await call(roomy, "CreateStatusPage", { page }, "pulsar_api_not-a-real-token");
    expect(answer).toMatchObject({ status: 401, code: "unauthenticated" });
    expect(await pageCount()).toBe(0);
  });
});
