import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MonitorSpecSchema } from "../../gen/pulsar/v1/monitor_pb.js";
import { createTestOrg } from "../../test/support/accounts.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { resolveMonitorSpec } from "../checks/monitors/monitor-spec.js";
import * as monitorRows from "../checks/monitors/monitors.js";
import { silentLogger } from "../core/logger.js";
import { coversAt, loadMaintenanceWindows, startMaintenanceIndex } from "./maintenance-index.js";

// The workers' index against a real Postgres: which monitors a maintenance covers (its own and
// those of its status pages, only of its organization) and the windows of the next minute.

let db: TestDatabase;
let orgId: string;
let otherOrgId: string;
const monitors: Record<string, string> = {};

async function insertMonitor(org: string, name: string): Promise<string> {
  const spec = resolveMonitorSpec(
    create(MonitorSpecSchema, { name, url: "https://example.test/" }),
  );
  return (await monitorRows.insertMonitor(db.pool, org, spec)).id;
}

async function insertMaintenance(m: {
  org: string;
  monitorIds?: string[];
  pageIds?: string[];
  startsAt: Date;
  endsAt: Date | null;
  recurrence?: unknown;
  timezone?: string;
}): Promise<void> {
  await db.pool.query(
    `INSERT INTO maintenances (org_id, title, monitor_ids, status_page_ids, starts_at, ends_at,
       recurrence, timezone)
     VALUES ($1, 'm', $2, $3, $4, $5, $6, $7)`,
    [
      m.org,
      m.monitorIds ?? [],
      m.pageIds ?? [],
      m.startsAt,
      m.endsAt,
      m.recurrence === undefined ? null : JSON.stringify(m.recurrence),
      m.timezone ?? "UTC",
    ],
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  orgId = (await createTestOrg(db.pool, "Acme")).orgId;
  otherOrgId = (await createTestOrg(db.pool, "Other")).orgId;
  for (const name of ["direct", "onPage", "weekly", "later", "untouched"])
    monitors[name] = await insertMonitor(orgId, name);
  monitors.foreign = await insertMonitor(otherOrgId, "foreign");
});

afterAll(async () => {
  await db?.drop();
});

describe("the maintenance index", () => {
  it("covers a maintenance's monitors and its pages' monitors of its own organization, in the windows of the next minute", async () => {
    const now = Date.UTC(2026, 5, 3, 9, 30); // Wednesday 11:30 in Paris
    const { rows } = await db.pool.query<{ id: string }>(
      "INSERT INTO status_pages (org_id, slug, title) VALUES ($1, 'acme-index', 'Acme') RETURNING id",
      [orgId],
    );
    const pageId = rows[0]?.id ?? "";
    for (const [i, id] of [monitors.onPage, monitors.foreign].entries())
      await db.pool.query(
        "INSERT INTO status_page_monitors (page_id, monitor_id, group_index, position) VALUES ($1, $2, 0, $3)",
        [pageId, id, i],
      );
    // One-off, on now; it also names another organization's monitor (written around the API).
    await insertMaintenance({
      org: orgId,
      monitorIds: [monitors.direct ?? "", monitors.foreign ?? ""],
      pageIds: [pageId],
      startsAt: new Date(now - 60_000),
      endsAt: new Date(now + 3_600_000),
    });
    // Weekly on Wednesdays at 11:00 Paris time for an hour: on now.
    await insertMaintenance({
      org: orgId,
      monitorIds: [monitors.weekly ?? ""],
      startsAt: new Date(Date.UTC(2026, 0, 1)),
      endsAt: null,
      recurrence: { weekly: { days: [3], startTime: "11:00", durationMinutes: 60 } },
      timezone: "Europe/Paris",
    });
    // Opens in 30 s; and a one-off that is over.
    await insertMaintenance({
      org: orgId,
      monitorIds: [monitors.later ?? ""],
      startsAt: new Date(now + 30_000),
      endsAt: new Date(now + 90_000),
    });
    await insertMaintenance({
      org: orgId,
      monitorIds: [monitors.untouched ?? ""],
      startsAt: new Date(now - 7_200_000),
      endsAt: new Date(now - 3_600_000),
    });

    const windows = await loadMaintenanceWindows(db.pool, now, 60_000);
    expect([...windows.keys()].sort()).toEqual(
      [monitors.direct, monitors.onPage, monitors.weekly, monitors.later].sort(),
    );
    expect(coversAt(windows.get(monitors.direct ?? ""), now)).toBe(true);
    expect(coversAt(windows.get(monitors.weekly ?? ""), now)).toBe(true);
    // The weekly window closes at 12:00 Paris time, 10:00 UTC.
    expect(windows.get(monitors.weekly ?? "")).toEqual([
      Date.UTC(2026, 5, 3, 9, 0),
      Date.UTC(2026, 5, 3, 10, 0),
    ]);
    expect(coversAt(windows.get(monitors.later ?? ""), now)).toBe(false);
    expect(coversAt(windows.get(monitors.later ?? ""), now + 30_000)).toBe(true);
    expect(coversAt(windows.get(monitors.foreign ?? ""), now)).toBe(false);
  });

  it("answers from memory once loaded, and follows a deletion at its next refresh", async () => {
    const index = startMaintenanceIndex(
      { pool: db.pool, log: silentLogger },
      { refreshEveryMs: 60_000 },
    );
    try {
      await index.refresh();
      const now = Date.now();
      expect(index.covers(monitors.untouched ?? "", now)).toBe(false);
      await insertMaintenance({
        org: orgId,
        monitorIds: [monitors.untouched ?? ""],
        startsAt: new Date(now - 60_000),
        endsAt: new Date(now + 60_000),
      });
      expect(index.covers(monitors.untouched ?? "", now)).toBe(false);
      await index.refresh();
      expect(index.covers(monitors.untouched ?? "", Date.now())).toBe(true);
      await db.pool.query("DELETE FROM maintenances WHERE $1 = ANY(monitor_ids)", [
        monitors.untouched,
      ]);
      await index.refresh();
      expect(index.covers(monitors.untouched ?? "", Date.now())).toBe(false);
    } finally {
      await index.stop();
    }
  });
});
