import type { MessageInitShape } from "@bufbuild/protobuf";
import { type Timestamp, timestampMs } from "@bufbuild/protobuf/wkt";
import { type Client, Code } from "@connectrpc/connect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  MonitorKind,
  MonitorService,
  type MonitorSpecSchema,
} from "../../gen/pulsar/v1/monitor_pb.js";
import { createTestOrg } from "../../test/support/accounts.js";
import type { TestDatabase } from "../../test/support/postgres.js";
import { refusal } from "../../test/support/refusal.js";
import { serviceClient, startTestApi, type TestApi } from "../../test/support/test-api.js";

// MonitorService with TCP, DNS and heartbeat monitors through the real API: what is stored,
// what is scheduled (every kind but heartbeats), the ping URL, the kind filter.

let api: TestApi;
let db: TestDatabase;
let client: Client<typeof MonitorService>;

beforeAll(async () => {
  api = await startTestApi("monitor-service-kinds", {
    alerts: { publicUrl: "https://pulsar.example.com/" },
  });
  db = api.db;
  const org = await createTestOrg(db.pool, "Acme");
  client = serviceClient(MonitorService, api.baseUrl, org.apiToken);
});

afterAll(async () => {
  await api?.close();
});

beforeEach(async () => {
  await db.pool.query("TRUNCATE monitors CASCADE");
  await api.queue.obliterate({ force: true });
  await api.schedule.remove(await api.schedule.monitorIds());
});

function required(value: Timestamp | undefined): Timestamp {
  if (!value) throw new Error("missing timestamp");
  return value;
}

describe("MonitorService with monitor kinds", () => {
  it("creates a TCP and a DNS monitor and schedules their checks", async () => {
    const tcp = (
      await client.createMonitor({
        monitor: { name: "db", tcp: { host: "127.0.0.1", port: 5432 }, intervalSeconds: 30 },
      })
    ).monitor;
    const dns = (
      await client.createMonitor({
        monitor: { name: "mx", dns: { name: "example.com", recordType: "MX" } },
      })
    ).monitor;
    expect(tcp).toMatchObject({
      kind: MonitorKind.TCP,
      url: "",
      tcp: { host: "127.0.0.1", port: 5432 },
    });
    expect(dns).toMatchObject({
      kind: MonitorKind.DNS,
      dns: { name: "example.com", recordType: "MX" },
    });
    expect((await api.schedule.monitorIds()).sort()).toEqual([tcp?.id, dns?.id].sort());
  });

  it("gives a heartbeat its full ping URL, arms its deadline and schedules no check", async () => {
    const before = Date.now();
    const { monitor } = await client.createMonitor({
      monitor: { name: "backup", heartbeat: { periodSeconds: 600, graceSeconds: 60 } },
    });
    expect(monitor?.kind).toBe(MonitorKind.HEARTBEAT);
    expect(monitor?.pingUrl).toMatch(/^https:\/\/pulsar\.example\.com\/ping\/[A-Za-z0-9_-]{24}$/);
    expect(await api.schedule.monitorIds()).toEqual([]);
    const { rows } = await db.pool.query<{ due_at: Date }>(
      "SELECT due_at FROM heartbeat_state WHERE monitor_id = $1",
      [monitor?.id],
    );
    const dueMs = rows[0]?.due_at.getTime() ?? 0;
    expect(dueMs).toBeGreaterThanOrEqual(before + 660_000 - 1000);
    expect(dueMs).toBeLessThanOrEqual(Date.now() + 660_000 + 1000);
    // The answer and a later read show that deadline; read back, it is the same URL, in full.
    expect(timestampMs(required(monitor?.heartbeatDueAt))).toBe(dueMs);
    const read = await client.getMonitor({ id: monitor?.id ?? "" });
    expect(read.monitor?.pingUrl).toBe(monitor?.pingUrl);
    expect(timestampMs(required(read.monitor?.heartbeatDueAt))).toBe(dueMs);
    // Paused, it waits for nothing.
    const paused = await client.pauseMonitor({ id: monitor?.id ?? "" });
    expect(paused.monitor?.heartbeatDueAt).toBeUndefined();
    const dueAfterPause = await db.pool.query(
      "SELECT due_at FROM heartbeat_state WHERE monitor_id = $1",
      [monitor?.id],
    );
    expect(dueAfterPause.rows).toEqual([{ due_at: null }]);
    // Resumed, it waits a whole period from now.
    const resumed = await client.resumeMonitor({ id: monitor?.id ?? "" });
    expect(timestampMs(required(resumed.monitor?.heartbeatDueAt))).toBeGreaterThanOrEqual(dueMs);
  });

  it("drops the job scheduler of a monitor that becomes a heartbeat", async () => {
    const { monitor } = await client.createMonitor({
      monitor: { name: "job", tcp: { host: "127.0.0.1", port: 9 } },
    });
    expect(await api.schedule.monitorIds()).toEqual([monitor?.id]);
    const updated = await client.updateMonitor({
      id: monitor?.id ?? "",
      monitor: { name: "job", heartbeat: { cron: "0 3 * * *", timezone: "Europe/Paris" } },
    });
    expect(updated.monitor?.kind).toBe(MonitorKind.HEARTBEAT);
    expect(await api.schedule.monitorIds()).toEqual([]);
    // And back: checked again, its deadline forgotten.
    const back = await client.updateMonitor({
      id: monitor?.id ?? "",
      monitor: { name: "job", tcp: { host: "127.0.0.1", port: 9 } },
    });
    expect(back.monitor?.heartbeatDueAt).toBeUndefined();
    expect(await api.schedule.monitorIds()).toEqual([monitor?.id]);
    const state = await db.pool.query("SELECT due_at FROM heartbeat_state WHERE monitor_id = $1", [
      monitor?.id,
    ]);
    expect(state.rows).toEqual([{ due_at: null }]);
    // Pausing a monitor that never was a heartbeat leaves no heartbeat row behind.
    const { monitor: web } = await client.createMonitor({
      monitor: { name: "web", url: "http://127.0.0.1:9/" },
    });
    await client.pauseMonitor({ id: web?.id ?? "" });
    const none = await db.pool.query("SELECT 1 FROM heartbeat_state WHERE monitor_id = $1", [
      web?.id,
    ]);
    expect(none.rows).toEqual([]);
  });

  it("lists the monitors of one kind", async () => {
    await client.createMonitor({ monitor: { name: "web", url: "http://127.0.0.1:9/" } });
    const { monitor: tcp } = await client.createMonitor({
      monitor: { name: "db", tcp: { host: "127.0.0.1", port: 5432 } },
    });
    const listed = await client.listMonitors({ kind: MonitorKind.TCP });
    expect(listed.monitors.map((m) => m.id)).toEqual([tcp?.id]);
    expect((await client.listMonitors({})).monitors).toHaveLength(2);
    expect(await refusal(client.listMonitors({ kind: 99 as MonitorKind }))).toEqual([
      Code.InvalidArgument,
      "kind must be a MonitorKind",
    ]);
  });

  it("refuses a bad spec of each kind, naming the field, and stores nothing", async () => {
    const cases: [MessageInitShape<typeof MonitorSpecSchema>, string][] = [
      [{ name: "x", tcp: { host: "127.0.0.1", port: 0 } }, "monitor.tcp.port is required"],
      [{ name: "x", dns: { name: "example.com", recordType: "PTR" } }, "monitor.dns.recordType"],
      [{ name: "x", heartbeat: { cron: "not cron" } }, "monitor.heartbeat.cron"],
      [
        { name: "x", url: "http://127.0.0.1/", conditions: ["$.a =="] },
        "monitor.conditions[0] does not parse",
      ],
    ];
    for (const [monitor, message] of cases) {
      const [code, text] = await refusal(client.createMonitor({ monitor }));
      expect(code).toBe(Code.InvalidArgument);
      expect(text).toContain(message);
    }
    expect((await client.listMonitors({})).monitors).toEqual([]);
  });
});
