import { timestampMs } from "@bufbuild/protobuf/wkt";
import { type Client, Code } from "@connectrpc/connect";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Monitor, MonitorService } from "../../gen/pulsar/v1/monitor_pb.js";
import { createTestOrg } from "../../test/support/accounts.js";
import type { TestDatabase } from "../../test/support/postgres.js";
import { refusal } from "../../test/support/refusal.js";
import { serviceClient, startTestApi, type TestApi } from "../../test/support/test-api.js";

// An edit, pause or resume and the heartbeat arming or disarming that follows it are one
// transaction: when heartbeat_state cannot be written (a trigger in this file's schema makes
// every write to it fail, as a crash between the two statements would leave it unwritten), the
// change is refused and nothing of it is stored.

let api: TestApi;
let db: TestDatabase;
let client: Client<typeof MonitorService>;

beforeAll(async () => {
  api = await startTestApi("monitor-service-heartbeat");
  db = api.db;
  const org = await createTestOrg(db.pool, "Acme");
  client = serviceClient(MonitorService, api.baseUrl, org.apiToken);
  await db.pool.query(`
    CREATE FUNCTION refuse_heartbeat_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'heartbeat_state is not writable in this test';
    END $$`);
});

afterAll(async () => {
  await api?.close();
});

beforeEach(async () => {
  await db.pool.query("TRUNCATE monitors CASCADE");
});

afterEach(async () => {
  await db.pool.query("DROP TRIGGER IF EXISTS refuse_heartbeat_write ON heartbeat_state");
});

const refuseHeartbeatWrites = () =>
  db.pool.query(`CREATE TRIGGER refuse_heartbeat_write BEFORE INSERT OR UPDATE ON heartbeat_state
    FOR EACH ROW EXECUTE FUNCTION refuse_heartbeat_write()`);

const dueAtMs = async (id: string) => {
  const { rows } = await db.pool.query<{ due_at: Date | null }>(
    "SELECT due_at FROM heartbeat_state WHERE monitor_id = $1",
    [id],
  );
  return rows[0]?.due_at?.getTime() ?? null;
};

async function heartbeat(): Promise<Monitor> {
  const { monitor } = await client.createMonitor({
    monitor: { name: "backup", heartbeat: { periodSeconds: 600, graceSeconds: 60 } },
  });
  if (!monitor) throw new Error("no monitor created");
  return monitor;
}

const read = async (id: string) => (await client.getMonitor({ id })).monitor;

describe("MonitorService and a heartbeat's deadline", () => {
  it("keeps an edit from being stored when the heartbeat cannot be armed with it", async () => {
    const monitor = await heartbeat();
    const due = await dueAtMs(monitor.id);
    await refuseHeartbeatWrites();
    const [code] = await refusal(
      client.updateMonitor({
        id: monitor.id,
        monitor: { name: "nightly backup", heartbeat: { periodSeconds: 3600, graceSeconds: 60 } },
      }),
    );
    expect(code).toBe(Code.Internal);
    const after = await read(monitor.id);
    expect(after?.name).toBe("backup");
    expect(after?.heartbeat?.periodSeconds).toBe(600);
    expect(await dueAtMs(monitor.id)).toBe(due);
  });

  it("keeps a heartbeat running when it cannot be disarmed on pause", async () => {
    const monitor = await heartbeat();
    await refuseHeartbeatWrites();
    expect((await refusal(client.pauseMonitor({ id: monitor.id })))[0]).toBe(Code.Internal);
    expect((await read(monitor.id))?.enabled).toBe(true);
    expect(await dueAtMs(monitor.id)).not.toBeNull();
  });

  it("keeps a heartbeat paused when it cannot be armed on resume", async () => {
    const monitor = await heartbeat();
    await client.pauseMonitor({ id: monitor.id });
    await refuseHeartbeatWrites();
    expect((await refusal(client.resumeMonitor({ id: monitor.id })))[0]).toBe(Code.Internal);
    expect((await read(monitor.id))?.enabled).toBe(false);
    expect(await dueAtMs(monitor.id)).toBeNull();
  });

  it("arms an edited and a resumed heartbeat, and disarms a paused one, as it answers", async () => {
    const monitor = await heartbeat();
    const edited = await client.updateMonitor({
      id: monitor.id,
      monitor: { name: "backup", heartbeat: { periodSeconds: 3600, graceSeconds: 60 } },
    });
    const editedDue = edited.monitor?.heartbeatDueAt;
    expect(editedDue && timestampMs(editedDue)).toBe(await dueAtMs(monitor.id));
    await client.pauseMonitor({ id: monitor.id });
    expect(await dueAtMs(monitor.id)).toBeNull();
    const resumed = await client.resumeMonitor({ id: monitor.id });
    const resumedDue = resumed.monitor?.heartbeatDueAt;
    expect(resumedDue && timestampMs(resumedDue)).toBe(await dueAtMs(monitor.id));
  });
});
