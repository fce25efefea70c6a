import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepHeartbeats } from "../../internal/checks/heartbeat/sweeper.js";
import { silentLogger } from "../../internal/core/logger.js";
import { createTestOrg } from "../support/accounts.js";
import { type ApiProcess, startApiProcess } from "../support/api-process.js";
import { createHeartbeatMonitor } from "../support/heartbeat-monitors.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { uniquePrefix } from "../support/redis.js";

// A ping the API acknowledged is not lost when the API is killed before applying it: a real
// cmd/api answers it, is killed with SIGKILL, and a worker's sweep applies it.

let db: TestDatabase;
let api: ApiProcess | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await api?.stop();
  await db.drop();
});

describe("an acknowledged ping", () => {
  it("survives its API process killed before applying it", async () => {
    const { orgId } = await createTestOrg(db.pool, "Killed");
    const monitor = await createHeartbeatMonitor(db.pool, orgId, { confirmations: 1 });
    api = await startApiProcess({ databaseUrl: db.url, prefix: uniquePrefix("ping-killed") });

    // The monitor's heartbeat row is held (as by a sweep in progress): the API's applier skips
    // it, so the ping stays queued when the API dies.
    const holder = await db.pool.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM heartbeat_state WHERE monitor_id = $1 FOR UPDATE", [
        monitor.id,
      ]);
      const res = await fetch(`${api.baseUrl}/ping/${monitor.token}/fail`, {
        method: "POST",
        body: "exit 3",
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("OK\n");
      const exited = once(api.child, "exit");
      api.child.kill("SIGKILL");
      await exited;
    } finally {
      await holder.query("ROLLBACK");
      holder.release();
    }

    const queued = await db.pool.query("SELECT kind FROM ping_inbox WHERE monitor_id = $1", [
      monitor.id,
    ]);
    expect(queued.rows).toEqual([{ kind: "fail" }]);
    const round = await sweepHeartbeats(
      { pool: db.pool, region: "worker", log: silentLogger },
      Date.now(),
    );
    expect(round.pingsApplied).toBe(1);
    const results = await db.pool.query<{ up: boolean; answer: string }>(
      "SELECT up, answer FROM check_results WHERE monitor_id = $1",
      [monitor.id],
    );
    expect(results.rows).toEqual([{ up: false, answer: "exit 3" }]);
    const status = await db.pool.query<{ alert_status: string }>(
      "SELECT alert_status FROM monitor_state WHERE monitor_id = $1",
      [monitor.id],
    );
    expect(status.rows[0]?.alert_status).toBe("down");
  });
});
