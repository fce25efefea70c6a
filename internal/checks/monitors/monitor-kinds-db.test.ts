import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  DnsSpecSchema,
  HeartbeatSpecSchema,
  TcpSpecSchema,
} from "../../../gen/pulsar/v1/check_pb.js";
import { MonitorKind } from "../../../gen/pulsar/v1/monitor_pb.js";
import { createTestOrg } from "../../../test/support/accounts.js";
import { specFixture } from "../../../test/support/fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { scheduleOf } from "./monitor-schedule.js";
import {
  countEnabledMonitors,
  getMonitor,
  insertMonitor,
  listEnabledSchedules,
  listMonitorsPage,
  updateMonitor,
} from "./monitors.js";

let db: TestDatabase;
let org: string;

beforeAll(async () => {
  db = await createTestDatabase();
  org = (await createTestOrg(db.pool, "Acme")).orgId;
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE monitors CASCADE");
});

const tcp = create(TcpSpecSchema, { host: "db.example.com", port: 5432, tls: true, expect: "+OK" });
const dns = create(DnsSpecSchema, { name: "example.com", recordType: "MX", server: "1.1.1.1" });
const heartbeat = create(HeartbeatSpecSchema, {
  periodSeconds: 600,
  graceSeconds: 60,
  timezone: "UTC",
});
const notHttp = { url: "", conditions: [], tlsExpiryAlertDays: [] };

describe("monitors of every kind", () => {
  it("stores each kind's spec and reads it back as it was", async () => {
    const t = await insertMonitor(
      db.pool,
      org,
      specFixture({ ...notHttp, kind: "tcp", tcp, tlsExpiryAlertDays: [7] }),
    );
    const d = await insertMonitor(db.pool, org, specFixture({ ...notHttp, kind: "dns", dns }));
    const h = await insertMonitor(
      db.pool,
      org,
      specFixture({ ...notHttp, kind: "heartbeat", heartbeat }),
    );
    const u = await insertMonitor(
      db.pool,
      org,
      specFixture({ conditions: ["status == 200", '$.status == "UP"'] }),
    );

    expect(await getMonitor(db.pool, org, t.id)).toMatchObject({
      kind: MonitorKind.TCP,
      tcp,
      url: "",
      tlsExpiryAlertDays: [7],
      pingUrl: "",
    });
    expect(await getMonitor(db.pool, org, d.id)).toMatchObject({ kind: MonitorKind.DNS, dns });
    expect(await getMonitor(db.pool, org, u.id)).toMatchObject({
      kind: MonitorKind.HTTP,
      conditions: ["status == 200", '$.status == "UP"'],
      tlsExpiryAlertDays: [14, 3],
    });
    const stored = await getMonitor(db.pool, org, h.id);
    expect(stored).toMatchObject({ kind: MonitorKind.HEARTBEAT, heartbeat });
    expect(stored?.pingUrl).toMatch(/^\/ping\/[A-Za-z0-9_-]{24}$/);
  });

  it("keeps a heartbeat's ping URL across edits and drops it when it becomes another kind", async () => {
    const h = await insertMonitor(
      db.pool,
      org,
      specFixture({ ...notHttp, kind: "heartbeat", heartbeat }),
    );
    const edited = await updateMonitor(
      db.pool,
      org,
      h.id,
      specFixture({ ...notHttp, name: "renamed", kind: "heartbeat", heartbeat }),
    );
    expect(edited?.pingUrl).toBe(h.pingUrl);
    const other = await insertMonitor(
      db.pool,
      org,
      specFixture({ ...notHttp, kind: "heartbeat", heartbeat }),
    );
    expect(other.pingUrl).not.toBe(h.pingUrl);

    const asTcp = await updateMonitor(
      db.pool,
      org,
      h.id,
      specFixture({ ...notHttp, kind: "tcp", tcp }),
    );
    expect(asTcp).toMatchObject({ kind: MonitorKind.TCP, pingUrl: "" });
    expect(asTcp?.heartbeat).toBeUndefined();
    const back = await updateMonitor(
      db.pool,
      org,
      h.id,
      specFixture({ ...notHttp, kind: "heartbeat", heartbeat }),
    );
    expect(back?.pingUrl).not.toBe(h.pingUrl);
  });

  it("lists one kind when asked, and schedules every kind but heartbeats", async () => {
    const t = await insertMonitor(db.pool, org, specFixture({ ...notHttp, kind: "tcp", tcp }));
    const d = await insertMonitor(db.pool, org, specFixture({ ...notHttp, kind: "dns", dns }));
    await insertMonitor(db.pool, org, specFixture({ ...notHttp, kind: "heartbeat", heartbeat }));
    const u = await insertMonitor(db.pool, org, specFixture({}));

    const tcpOnly = await listMonitorsPage(db.pool, org, { limit: 10, kind: "tcp" });
    expect(tcpOnly.monitors.map((m) => m.id)).toEqual([t.id]);
    expect((await listMonitorsPage(db.pool, org, { limit: 10 })).monitors).toHaveLength(4);

    const schedules = await listEnabledSchedules(db.pool);
    expect(schedules.map((s) => s.monitorId).sort()).toEqual([t.id, d.id, u.id].sort());
    expect(await countEnabledMonitors(db.pool)).toBe(3);
    // The reconciler and the API build the same job from a stored monitor.
    const byId = new Map(schedules.map((s) => [s.monitorId, s]));
    expect(byId.get(t.id)?.target?.tcp).toEqual(tcp);
    expect(byId.get(d.id)?.target?.dns).toEqual(dns);
    expect(byId.get(t.id)).toEqual(scheduleOf(t, org));
    expect(byId.get(d.id)).toEqual(scheduleOf(d, org));
  });

  it("carries an HTTP monitor's conditions in its check job", async () => {
    const u = await insertMonitor(db.pool, org, specFixture({ conditions: ["status == 200"] }));
    const [schedule] = await listEnabledSchedules(db.pool);
    expect(schedule?.target.conditions).toEqual(["status == 200"]);
    expect(schedule).toEqual(scheduleOf(u, org));
  });
});
