import { randomUUID } from "node:crypto";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type Client, Code, createClient, createRouterTransport } from "@connectrpc/connect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  MaintenanceService,
  type MaintenanceSpecSchema,
} from "../../gen/pulsar/v1/maintenance_pb.js";
import { MonitorService } from "../../gen/pulsar/v1/monitor_pb.js";
import { createTestOrg, type TestOrg } from "../../test/support/accounts.js";
import type { TestDatabase } from "../../test/support/postgres.js";
import { refusal } from "../../test/support/refusal.js";
import { serviceClient, startTestApi, type TestApi } from "../../test/support/test-api.js";
import { callerKey } from "../auth/caller.js";
import { MAX_MAINTENANCES_PER_ORG } from "../maintenance/maintenances.js";
import { createMaintenanceService } from "./maintenance-service.js";

// MaintenanceService through the real API over HTTP (validation, ownership, the quota, what
// it answers), and in memory with a fixed clock for the occurrences it lists.

let api: TestApi;
let db: TestDatabase;
let org: TestOrg;
let otherOrg: TestOrg;
let client: Client<typeof MaintenanceService>;
let monitors: Client<typeof MonitorService>;
let monitorA: string;
let monitorB: string;
let otherMonitor: string;

beforeAll(async () => {
  api = await startTestApi("maintenance-service");
  db = api.db;
  org = await createTestOrg(db.pool, "Acme");
  otherOrg = await createTestOrg(db.pool, "Other");
  client = serviceClient(MaintenanceService, api.baseUrl, org.apiToken);
  monitors = serviceClient(MonitorService, api.baseUrl, org.apiToken);
  const create = async (c: Client<typeof MonitorService>, name: string) =>
    (await c.createMonitor({ monitor: { name, url: "https://example.test/", enabled: false } }))
      .monitor?.id ?? "";
  monitorA = await create(monitors, "a");
  monitorB = await create(monitors, "b");
  otherMonitor = await create(serviceClient(MonitorService, api.baseUrl, otherOrg.apiToken), "x");
});

afterAll(async () => {
  await api?.close();
});

beforeEach(async () => {
  await db.pool.query("TRUNCATE maintenances");
});

const HOUR = 3_600_000;
const ts = (ms: number) => timestampFromDate(new Date(ms));
const iso = (t: { seconds: bigint; nanos: number } | undefined) =>
  t ? timestampDate(t as Parameters<typeof timestampDate>[0]).toISOString() : "";

type SpecInit = MessageInitShape<typeof MaintenanceSpecSchema>;

function oneOff(extra: SpecInit = {}): SpecInit {
  const now = Date.now();
  return {
    title: "Database upgrade",
    monitorIds: [monitorA],
    startsAt: ts(now - HOUR),
    endsAt: ts(now + HOUR),
    ...extra,
  };
}

async function insertStatusPage(orgId: string, monitorIds: string[]): Promise<string> {
  const { rows } = await db.pool.query<{ id: string }>(
    "INSERT INTO status_pages (org_id, slug, title) VALUES ($1, $2, 'Status') RETURNING id",
    [orgId, `page-${randomUUID().slice(0, 8)}`],
  );
  const pageId = rows[0]?.id ?? "";
  for (const [i, monitorId] of monitorIds.entries()) {
    await db.pool.query(
      "INSERT INTO status_page_monitors (page_id, monitor_id, group_index, position) VALUES ($1, $2, 0, $3)",
      [pageId, monitorId, i],
    );
  }
  return pageId;
}

describe("MaintenanceService", () => {
  it("creates a one-off window that is active now and covers its monitors and its page's", async () => {
    const pageId = await insertStatusPage(org.orgId, [monitorB]);
    const { maintenance } = await client.createMaintenance({
      maintenance: oneOff({ statusPageIds: [pageId] }),
    });
    expect(maintenance?.active).toBe(true);
    expect(maintenance?.spec?.timezone).toBe("UTC");
    expect([...(maintenance?.coveredMonitorIds ?? [])].sort()).toEqual([monitorA, monitorB].sort());
    expect(maintenance?.upcoming).toHaveLength(1);

    const listed = await client.listMaintenances({});
    expect(listed.maintenances.map((m) => m.id)).toEqual([maintenance?.id]);
    // Another organization sees none of it.
    const other = serviceClient(MaintenanceService, api.baseUrl, otherOrg.apiToken);
    expect((await other.listMaintenances({})).maintenances).toHaveLength(0);
    expect((await refusal(other.deleteMaintenance({ id: maintenance?.id ?? "" })))[0]).toBe(
      Code.NotFound,
    );
  });

  it("replaces the spec on update, and deletes", async () => {
    const { maintenance } = await client.createMaintenance({ maintenance: oneOff() });
    const id = maintenance?.id ?? "";
    const updated = await client.updateMaintenance({
      id,
      maintenance: oneOff({
        title: "Weekly reboot",
        monitorIds: [monitorB],
        recurrence: {
          case: "weekly",
          value: { days: [3, 1], startTime: "02:00", durationMinutes: 30 },
        },
        endsAt: undefined,
        timezone: "Europe/Paris",
      }),
    });
    const spec = updated.maintenance?.spec;
    expect(spec?.title).toBe("Weekly reboot");
    expect(spec?.recurrence.case).toBe("weekly");
    expect(spec?.recurrence.value).toMatchObject({ days: [1, 3], startTime: "02:00" });
    expect(updated.maintenance?.coveredMonitorIds).toEqual([monitorB]);
    expect(updated.maintenance?.upcoming.length).toBe(5);
    await client.deleteMaintenance({ id });
    expect((await client.listMaintenances({ includePast: true })).maintenances).toHaveLength(0);
  });

  it("lists active ones first, then by next start, and past ones only when asked", async () => {
    const now = Date.now();
    const later = await client.createMaintenance({
      maintenance: oneOff({
        title: "later",
        startsAt: ts(now + 5 * HOUR),
        endsAt: ts(now + 6 * HOUR),
      }),
    });
    const soon = await client.createMaintenance({
      maintenance: oneOff({ title: "soon", startsAt: ts(now + HOUR), endsAt: ts(now + 2 * HOUR) }),
    });
    const past = await client.createMaintenance({
      maintenance: oneOff({
        title: "past",
        startsAt: ts(now - 3 * HOUR),
        endsAt: ts(now - 2 * HOUR),
      }),
    });
    const active = await client.createMaintenance({ maintenance: oneOff({ title: "active" }) });
    const titles = async (includePast: boolean) =>
      (await client.listMaintenances({ includePast })).maintenances.map((m) => m.spec?.title);
    expect(await titles(false)).toEqual(["active", "soon", "later"]);
    expect(await titles(true)).toEqual(["active", "soon", "later", "past"]);
    expect(past.maintenance?.active).toBe(false);
    expect(
      active.maintenance?.active && !soon.maintenance?.active && !later.maintenance?.active,
    ).toBe(true);
  });

  it("refuses bad input naming the field", async () => {
    const cases: [SpecInit, string][] = [
      [{ title: "" }, "maintenance.title"],
      // A NUL would reach Postgres and fail as an internal error; strangers read these fields.
      [{ title: "a\u0000b" }, "maintenance.title"],
      [{ title: "x".repeat(201) }, "maintenance.title"],
      [{ description: "line\u0000" }, "maintenance.description"],
      [{ description: "x".repeat(2001) }, "maintenance.description"],
      [{ monitorIds: [], statusPageIds: [] }, "maintenance.monitorIds"],
      [{ monitorIds: ["nope"] }, "maintenance.monitorIds[0]"],
      [{ startsAt: undefined }, "maintenance.startsAt"],
      [{ endsAt: ts(Date.now() - 2 * HOUR) }, "maintenance.endsAt"],
      [{ endsAt: undefined }, "maintenance.endsAt"],
      [{ endsAt: ts(Date.now() + 40 * 24 * HOUR) }, "maintenance.endsAt"],
      [{ timezone: "Mars/Olympus_Mons" }, "maintenance.timezone"],
      [
        {
          recurrence: {
            case: "weekly",
            value: { days: [1, 1], startTime: "02:00", durationMinutes: 5 },
          },
        },
        "maintenance.weekly.days[1]",
      ],
      [
        {
          recurrence: {
            case: "weekly",
            value: { days: [7], startTime: "02:00", durationMinutes: 5 },
          },
        },
        "maintenance.weekly.days[0]",
      ],
      [
        {
          recurrence: {
            case: "weekly",
            value: { days: [1], startTime: "24:00", durationMinutes: 5 },
          },
        },
        "maintenance.weekly.startTime",
      ],
      [
        {
          recurrence: {
            case: "weekly",
            value: { days: [1], startTime: "02:00", durationMinutes: 10081 },
          },
        },
        "maintenance.weekly.durationMinutes",
      ],
      [
        {
          recurrence: { case: "cron", value: { expression: "0 0 * * * *", durationMinutes: 5 } },
        },
        "maintenance.cron.expression",
      ],
      [
        {
          recurrence: { case: "cron", value: { expression: "61 * * * *", durationMinutes: 5 } },
        },
        "maintenance.cron.expression",
      ],
      [
        {
          recurrence: { case: "cron", value: { expression: "0 0 30 2 *", durationMinutes: 5 } },
        },
        "maintenance.cron.expression",
      ],
      [
        {
          recurrence: {
            case: "cron",
            value: { expression: `0 0 * * ${"1,".repeat(60)}1`, durationMinutes: 5 },
          },
        },
        "maintenance.cron.expression",
      ],
      [
        {
          recurrence: { case: "cron", value: { expression: "0 3 * * *", durationMinutes: 0 } },
        },
        "maintenance.cron.durationMinutes",
      ],
    ];
    for (const [extra, field] of cases) {
      const [code, message] = await refusal(
        client.createMaintenance({ maintenance: oneOff(extra) }),
      );
      expect({ code, field: message.split(" ")[0] }).toEqual({ code: Code.InvalidArgument, field });
    }
    expect(await db.pool.query("SELECT 1 FROM maintenances")).toMatchObject({ rowCount: 0 });
  });

  it("refuses another organization's monitor or page like one that does not exist", async () => {
    const otherPage = await insertStatusPage(otherOrg.orgId, [otherMonitor]);
    const [code, message] = await refusal(
      client.createMaintenance({ maintenance: oneOff({ monitorIds: [monitorA, otherMonitor] }) }),
    );
    expect(code).toBe(Code.InvalidArgument);
    expect(message).toBe("maintenance.monitorIds[1] names no monitor of this organization");
    const [pageCode, pageMessage] = await refusal(
      client.createMaintenance({ maintenance: oneOff({ statusPageIds: [otherPage] }) }),
    );
    expect(pageCode).toBe(Code.InvalidArgument);
    expect(pageMessage).toBe(
      "maintenance.statusPageIds[0] names no status page of this organization",
    );
    const [missing] = await refusal(
      client.createMaintenance({ maintenance: oneOff({ monitorIds: [randomUUID()] }) }),
    );
    expect(missing).toBe(Code.InvalidArgument);
  });

  it("refuses a maintenance past the organization's limit, naming it", async () => {
    await db.pool.query(
      `INSERT INTO maintenances (org_id, title, starts_at, ends_at)
       SELECT $1, 'filler ' || n, now(), now() + interval '1 hour' FROM generate_series(1, $2) n`,
      [org.orgId, MAX_MAINTENANCES_PER_ORG],
    );
    const [code, message] = await refusal(client.createMaintenance({ maintenance: oneOff() }));
    expect(code).toBe(Code.ResourceExhausted);
    expect(message).toContain(`limit of ${MAX_MAINTENANCES_PER_ORG} maintenances`);
  });
});

describe("MaintenanceService's upcoming windows across a daylight-saving change", () => {
  /** A client of the service alone, as org's caller, with the clock at nowIso. */
  const clientAt = (nowIso: string) =>
    createClient(
      MaintenanceService,
      createRouterTransport((router) =>
        router.service(
          MaintenanceService,
          createMaintenanceService({ pool: db.pool, now: () => new Date(nowIso) }),
          {
            interceptors: [
              (next) => (req) => {
                req.contextValues.set(callerKey, org.caller);
                return next(req);
              },
            ],
          },
        ),
      ),
    );

  it("opens a weekly Paris window at 09:00 local before and after the spring change", async () => {
    const at = clientAt("2026-03-25T12:00:00Z");
    const { maintenance } = await at.createMaintenance({
      maintenance: {
        title: "weekend",
        monitorIds: [monitorA],
        startsAt: timestampFromDate(new Date("2026-01-01T00:00:00Z")),
        recurrence: {
          case: "weekly",
          value: { days: [6, 0], startTime: "09:00", durationMinutes: 60 },
        },
        timezone: "Europe/Paris",
      },
    });
    expect(maintenance?.active).toBe(false);
    expect(maintenance?.upcoming.map((w) => iso(w.startsAt))).toEqual([
      "2026-03-28T08:00:00.000Z", // Saturday 09:00 CET
      "2026-03-29T07:00:00.000Z", // Sunday 09:00 CEST
      "2026-04-04T07:00:00.000Z",
      "2026-04-05T07:00:00.000Z",
      "2026-04-11T07:00:00.000Z",
    ]);
    expect(iso(maintenance?.upcoming[1]?.endsAt)).toBe("2026-03-29T08:00:00.000Z");
    // At 09:30 Paris time on the Sunday it is the current window.
    const during = await clientAt("2026-03-29T07:30:00Z").listMaintenances({});
    expect(during.maintenances[0]?.active).toBe(true);
    expect(iso(during.maintenances[0]?.upcoming[0]?.startsAt)).toBe("2026-03-29T07:00:00.000Z");
  });

  it("opens a cron New York window at 03:00 local before and after the autumn change", async () => {
    const { maintenance } = await clientAt("2026-10-30T12:00:00Z").createMaintenance({
      maintenance: {
        title: "nightly",
        monitorIds: [monitorA],
        startsAt: timestampFromDate(new Date("2026-10-01T00:00:00Z")),
        endsAt: timestampFromDate(new Date("2026-11-03T00:00:00Z")),
        recurrence: { case: "cron", value: { expression: "0 3 * * *", durationMinutes: 15 } },
        timezone: "America/New_York",
      },
    });
    expect(maintenance?.upcoming.map((w) => iso(w.startsAt))).toEqual([
      "2026-10-31T07:00:00.000Z", // 03:00 EDT
      "2026-11-01T08:00:00.000Z", // 03:00 EST
      "2026-11-02T08:00:00.000Z",
    ]);
  });
});
