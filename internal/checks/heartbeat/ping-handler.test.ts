import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fromBinary } from "@bufbuild/protobuf";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CheckErrorKind } from "../../../gen/pulsar/v1/check_pb.js";
import { StreamEventBatchSchema } from "../../../gen/pulsar/v1/stream_pb.js";
import { createTestOrg } from "../../../test/support/accounts.js";
import { eventually } from "../../../test/support/eventually.js";
import { createHeartbeatMonitor } from "../../../test/support/heartbeat-monitors.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../../test/support/redis.js";
import { silentLogger } from "../../core/logger.js";
import { createRedis } from "../../redis/redis.js";
import { createStreamPublisher } from "../../stream/publisher.js";
import { checkBatchChannel } from "../../stream/topics.js";
import { deleteMonitor } from "../monitors/monitors.js";
import { disarmHeartbeat } from "./heartbeat-state.js";
import { MAX_PING_BODY_BYTES } from "./ping-body.js";
import { createPingHandler, type PingHandler, type PingHandlerDeps } from "./ping-handler.js";
import { sweepHeartbeats } from "./sweeper.js";

// The ping endpoint over real HTTP (a server on port 0 serving the handler alone) against a
// real Postgres schema: what each ping stores, and what it refuses.

let db: TestDatabase;
let orgId: string;
const servers: { server: Server; handler: PingHandler }[] = [];

const MINUTE = 60_000;
/**
 * T0 is the clock of the tests that set it: the start of this hour, so that their results
 * land in the daily partitions the schema made (a fixed date aged out of them two days on).
 */
const T0 = Math.floor(Date.now() / (60 * MINUTE)) * 60 * MINUTE;
/** at is the time `ms` after T0, as Postgres's timestamps print through toISOString. */
const at = (ms: number) => new Date(T0 + ms).toISOString();

beforeAll(async () => {
  db = await createTestDatabase();
  orgId = (await createTestOrg(db.pool, "Pings")).orgId;
});
afterEach(async () => {
  for (const { server, handler } of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await handler.close();
  }
  vi.restoreAllMocks();
});
afterAll(async () => {
  await db.drop();
});

/** serve starts the ping handler on a free port; everything else gets a bare 404. */
async function serve(deps: Partial<PingHandlerDeps> = {}) {
  const handler = createPingHandler({
    pool: db.pool,
    region: "test",
    log: process.env.DEBUGLOG
      ? ({ ...silentLogger, warn: console.log, error: console.log } as never)
      : silentLogger,
    ...deps,
  });
  const server = createServer((req, res) => {
    if (!handler.handle(req, res)) {
      res.writeHead(404);
      res.end("no route");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push({ server, handler });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return async (path: string, init?: RequestInit) => {
    const res = await fetch(`${base}${path}`, init);
    return { status: res.status, text: await res.text(), headers: res.headers };
  };
}

interface ResultRow {
  up: boolean;
  error: string;
  error_kind: number;
  answer: string;
  job_duration_ms: number;
  region: string;
}

const resultsOf = async (monitorId: string) =>
  (
    await db.pool.query<ResultRow>(
      `SELECT up, error, error_kind, answer, job_duration_ms, region FROM check_results
       WHERE monitor_id = $1 ORDER BY checked_at`,
      [monitorId],
    )
  ).rows;

/**
 * appliedResults waits for a monitor's pings to be applied (answered OK once queued, a ping is
 * applied right after) until it has `count` results, and returns them.
 */
const appliedResults = (monitorId: string, count: number) =>
  eventually(
    async () => {
      const rows = await resultsOf(monitorId);
      return rows.length === count && rows;
    },
    { what: `${count} results of pings applied` },
  );

const inboxOf = async (monitorId: string) =>
  (await db.pool.query("SELECT kind FROM ping_inbox WHERE monitor_id = $1", [monitorId])).rows;

const stateOf = async (monitorId: string) =>
  (
    await db.pool.query<{
      due_at: Date | null;
      started_at: Date | null;
      last_ping_at: Date | null;
    }>("SELECT due_at, started_at, last_ping_at FROM heartbeat_state WHERE monitor_id = $1", [
      monitorId,
    ])
  ).rows[0];

const statusOf = async (monitorId: string) =>
  (
    await db.pool.query<{ alert_status: string }>(
      "SELECT alert_status FROM monitor_state WHERE monitor_id = $1",
      [monitorId],
    )
  ).rows[0]?.alert_status;

describe("a success ping", () => {
  it("is answered OK once queued, then stored as an up result moving the deadline a period on", async () => {
    let clock = T0;
    const ping = await serve({ now: () => clock });
    const monitor = await createHeartbeatMonitor(db.pool, orgId, {
      spec: { periodSeconds: 3600, graceSeconds: 300 },
      armedAtMs: clock,
    });
    clock += 30 * 60_000;
    const res = await ping(`/ping/${monitor.token}`, { method: "POST", body: "backup done\n" });

    expect(res.status).toBe(200);
    expect(res.text).toBe("OK\n");
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await appliedResults(monitor.id, 1)).toEqual([
      {
        up: true,
        error: "",
        error_kind: 0,
        answer: "backup done\n",
        job_duration_ms: 0,
        region: "test",
      },
    ]);
    const state = await stateOf(monitor.id);
    expect(state?.last_ping_at?.toISOString()).toBe(at(30 * MINUTE));
    expect(state?.due_at?.toISOString()).toBe(at(95 * MINUTE));
    expect(await statusOf(monitor.id)).toBe("up");
  });

  it("is answered without waiting for its monitor's row: a sweep applies it once free", async () => {
    const ping = await serve();
    const monitor = await createHeartbeatMonitor(db.pool, orgId);
    const holder = await db.pool.connect();
    try {
      // Another transaction (a sweep, an edit of the monitor) holds the heartbeat row.
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM heartbeat_state WHERE monitor_id = $1 FOR UPDATE", [
        monitor.id,
      ]);
      const res = await ping(`/ping/${monitor.token}`);
      expect(res.text).toBe("OK\n");
      // Acknowledged means queued, durably: the applier skipped the row held.
      expect(await inboxOf(monitor.id)).toEqual([{ kind: "success" }]);
      expect(await resultsOf(monitor.id)).toEqual([]);
    } finally {
      await holder.query("ROLLBACK");
      holder.release();
    }
    const round = await sweepHeartbeats(
      { pool: db.pool, region: "w", log: silentLogger },
      Date.now(),
    );
    expect(round.pingsApplied).toBe(1);
    expect((await resultsOf(monitor.id)).map((r) => r.region)).toEqual(["test"]);
  });

  it("answers GET as well, with a trailing slash and a query string", async () => {
    const ping = await serve();
    const monitor = await createHeartbeatMonitor(db.pool, orgId);
    expect((await ping(`/ping/${monitor.token}/?run=42`)).text).toBe("OK\n");
    await appliedResults(monitor.id, 1);
  });

  it("is published live to the monitor's organization", async () => {
    const prefix = uniquePrefix("pings");
    const redis: Redis = createRedis(TEST_REDIS_URL, "command", "pings-publish");
    const subscriber: Redis = createRedis(TEST_REDIS_URL, "command", "pings-subscribe");
    try {
      const channels: string[] = [];
      const topics: string[] = [];
      subscriber.on("pmessageBuffer", (_pattern: Buffer, channel: Buffer, message: Buffer) => {
        channels.push(channel.toString());
        topics.push(...fromBinary(StreamEventBatchSchema, message).events.map((e) => e.topic));
      });
      await subscriber.psubscribe(`${prefix}:stream:*`);
      const ping = await serve({ publisher: createStreamPublisher(redis, prefix) });
      const monitor = await createHeartbeatMonitor(db.pool, orgId);
      expect((await ping(`/ping/${monitor.token}`)).status).toBe(200);
      const expected = checkBatchChannel(prefix, orgId);
      await eventually(() => channels.includes(expected), { what: "the ping's result published" });
      expect(topics).toEqual([`monitor:${monitor.id}`]);
    } finally {
      redis.disconnect();
      subscriber.disconnect();
    }
  });
});

describe("a fail ping", () => {
  it("marks a ping in a maintenance window: a failure stored, no DOWN and no alert", async () => {
    const ping = await serve({ inMaintenance: () => true });
    const monitor = await createHeartbeatMonitor(db.pool, orgId, { confirmations: 1 });
    expect((await ping(`/ping/${monitor.token}/fail`)).text).toBe("OK\n");
    await appliedResults(monitor.id, 1);
    const rows = await db.pool.query<{ maintenance: boolean; up: boolean }>(
      "SELECT maintenance, up FROM check_results WHERE monitor_id = $1",
      [monitor.id],
    );
    expect(rows.rows).toEqual([{ maintenance: true, up: false }]);
    expect(await statusOf(monitor.id)).not.toBe("down");
    const events = await db.pool.query("SELECT 1 FROM alert_events WHERE monitor_id = $1", [
      monitor.id,
    ]);
    expect(events.rows).toEqual([]);
  });

  it("turns the monitor down with HEARTBEAT_FAILED, keeps the body and alerts once", async () => {
    const handedOut: string[] = [];
    const ping = await serve({
      handOut: async (events) => {
        handedOut.push(...events.map((e) => e.event.monitorId));
      },
    });
    const monitor = await createHeartbeatMonitor(db.pool, orgId, { confirmations: 1 });
    const res = await ping(`/ping/${monitor.token}/fail`, {
      method: "POST",
      body: "pg_dump: error: connection refused\r\nexit 1\u0000\u001b[0m",
    });

    expect(res.text).toBe("OK\n");
    const [result] = await appliedResults(monitor.id, 1);
    expect(result).toMatchObject({
      up: false,
      error: "the job reported failure",
      error_kind: CheckErrorKind.HEARTBEAT_FAILED,
      // Control characters but \n and \t are stripped: \r, NUL, ESC.
      answer: "pg_dump: error: connection refused\nexit 1[0m",
    });
    expect(await statusOf(monitor.id)).toBe("down");
    // Handed out right after the commit: the applier may still be on it.
    await eventually(() => handedOut.length > 0, { what: "the alert handed out" });
    expect(handedOut).toEqual([monitor.id]);
    const events = await db.pool.query<{ kind: string }>(
      "SELECT kind FROM alert_events WHERE monitor_id = $1",
      [monitor.id],
    );
    expect(events.rows.map((r) => r.kind)).toEqual(["monitor_down"]);
    // The job did run: the deadline moved on as for a success.
    expect((await stateOf(monitor.id))?.last_ping_at).not.toBeNull();
  });
});

describe("a start ping", () => {
  it("stores nothing, and gives the ping ending it the job's duration", async () => {
    let clock = T0;
    const ping = await serve({ now: () => clock });
    const monitor = await createHeartbeatMonitor(db.pool, orgId, {
      spec: { periodSeconds: 3600, graceSeconds: 600 },
      armedAtMs: clock - 30 * 60_000,
    });
    expect((await ping(`/ping/${monitor.token}/start`)).text).toBe("OK\n");
    const started = await eventually(
      async () => {
        const state = await stateOf(monitor.id);
        return state?.started_at && state;
      },
      { what: "the start applied" },
    );
    expect(await resultsOf(monitor.id)).toEqual([]);
    expect(started?.started_at?.toISOString()).toBe(at(0));
    // It must end within the grace time: 10 min, before the period's deadline (10:35).
    expect(started?.due_at?.toISOString()).toBe(at(10 * MINUTE));

    clock += 125_500;
    expect((await ping(`/ping/${monitor.token}/fail`)).text).toBe("OK\n");
    const [result] = await appliedResults(monitor.id, 1);
    expect(result?.job_duration_ms).toBe(125_500);
    expect(result?.error).toBe("the job reported failure after 2 min 6 s");
    const ended = await stateOf(monitor.id);
    expect(ended?.started_at).toBeNull();
    expect(ended?.due_at?.toISOString()).toBe(at(72 * MINUTE + 5_500));
  });
});

describe("what the endpoint refuses", () => {
  it("answers 404 to an unknown token, asking Postgres once within the TTL", async () => {
    const ping = await serve();
    const queries = vi.spyOn(db.pool, "query");
    const unknown = "A".repeat(24);
    for (let i = 0; i < 5; i++) {
      const res = await ping(`/ping/${unknown}`);
      expect(res.status).toBe(404);
      expect(res.text).toBe("not found\n");
    }
    expect(queries).toHaveBeenCalledTimes(1);
    // Malformed tokens and paths cost no query at all.
    for (const path of ["/ping/short", "/ping/../../etc", `/ping/${unknown}/stop`, "/ping/"]) {
      expect((await ping(path)).status, path).toBe(404);
    }
    expect(queries).toHaveBeenCalledTimes(1);
  });

  it("keeps a real token cached through a flood of made-up ones", async () => {
    const ping = await serve({ targets: { maxEntries: 5 } });
    const monitor = await createHeartbeatMonitor(db.pool, orgId);
    expect((await ping(`/ping/${monitor.token}`)).status).toBe(200);
    const queries = vi.spyOn(db.pool, "query");
    for (let i = 0; i < 20; i++) {
      expect((await ping(`/ping/${String(i).padStart(24, "x")}`)).status).toBe(404);
    }
    expect(queries).toHaveBeenCalledTimes(20);
    // Its lookup is still cached: the ping costs no query (its batch uses a pool client).
    expect((await ping(`/ping/${monitor.token}`)).status).toBe(200);
    expect(queries).toHaveBeenCalledTimes(20);
  });

  it("stops answering for a deleted monitor", async () => {
    const ping = await serve();
    const monitor = await createHeartbeatMonitor(db.pool, orgId);
    expect((await ping(`/ping/${monitor.token}`)).status).toBe(200);
    // As the monitor service deletes it, while its ping may still be being applied.
    expect(await deleteMonitor(db.pool, orgId, monitor.id)).toBe(true);
    // The token is still cached as found; queueing reads the monitor afresh.
    expect((await ping(`/ping/${monitor.token}`)).status).toBe(404);
    // ...and the token is forgotten: the next ping costs a lookup, no transaction, and the
    // ones after it nothing (a stale token cannot make every ping a transaction).
    const connects = vi.spyOn(db.pool, "connect");
    const queries = vi.spyOn(db.pool, "query");
    for (let i = 0; i < 5; i++) expect((await ping(`/ping/${monitor.token}`)).status).toBe(404);
    expect(queries).toHaveBeenCalledTimes(1);
    // pool.query takes a client itself: that one lookup is the only client taken.
    expect(connects).toHaveBeenCalledTimes(1);
  });

  it("counts a resumed monitor's pings within seconds, though its token was cached paused", async () => {
    let clock = Date.now();
    const ping = await serve({ now: () => clock });
    const monitor = await createHeartbeatMonitor(db.pool, orgId);
    await db.pool.query("UPDATE monitors SET enabled = false WHERE id = $1", [monitor.id]);
    await disarmHeartbeat(db.pool, monitor.id);
    expect((await ping(`/ping/${monitor.token}`)).text).toBe("paused, ping ignored\n");
    await db.pool.query("UPDATE monitors SET enabled = true WHERE id = $1", [monitor.id]);
    clock += 6_000;
    expect((await ping(`/ping/${monitor.token}`)).text).toBe("OK\n");
    await appliedResults(monitor.id, 1);
  });

  it("refuses a token the monitor no longer has, even while it is cached", async () => {
    let clock = Date.now();
    const ping = await serve({ now: () => clock });
    const monitor = await createHeartbeatMonitor(db.pool, orgId);
    expect((await ping(`/ping/${monitor.token}`)).status).toBe(200);
    // A found token is reused for minutes: a job pinging every minute costs no lookup.
    clock += 60_000;
    const queries = vi.spyOn(db.pool, "query");
    expect((await ping(`/ping/${monitor.token}`)).status).toBe(200);
    expect(queries).not.toHaveBeenCalled();
    await appliedResults(monitor.id, 2);
    // The monitor gets another token (made a heartbeat again): the old one, still cached as
    // found, queues nothing, since queueing compares it with the monitor's.
    const renewed = "R".repeat(24);
    await db.pool.query("UPDATE monitors SET ping_token = $2 WHERE id = $1", [monitor.id, renewed]);
    clock += 1_000;
    const stale = await ping(`/ping/${monitor.token}`);
    expect(stale.status).toBe(404);
    expect(await inboxOf(monitor.id)).toEqual([]);
    expect(await resultsOf(monitor.id)).toHaveLength(2);
    expect((await ping(`/ping/${renewed}`)).status).toBe(200);
    await appliedResults(monitor.id, 3);
  });

  it("answers other methods with 405", async () => {
    const ping = await serve();
    const monitor = await createHeartbeatMonitor(db.pool, orgId);
    const res = await ping(`/ping/${monitor.token}`, { method: "PUT", body: "x" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, POST");
    expect(await resultsOf(monitor.id)).toEqual([]);
  });

  it("answers 429 with Retry-After past the monitor's rate", async () => {
    const clock = Date.now();
    const ping = await serve({ now: () => clock, rate: { perSecond: 1, burst: 3 } });
    const monitor = await createHeartbeatMonitor(db.pool, orgId);
    const other = await createHeartbeatMonitor(db.pool, orgId);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await ping(`/ping/${monitor.token}`);
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get("retry-after");
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(retryAfter).toBe("1");
    // Another monitor's bucket is its own.
    expect((await ping(`/ping/${other.token}`)).status).toBe(200);
  });

  it("answers 429 to a client past its own rate before looking any token up", async () => {
    const clock = Date.now();
    const ping = await serve({
      now: () => clock,
      clientKey: (req) => req.socket.remoteAddress ?? "",
      clientRate: { perSecond: 1, burst: 3 },
    });
    const monitor = await createHeartbeatMonitor(db.pool, orgId);
    const lookups = vi.spyOn(db.pool, "query");
    const statuses: number[] = [];
    // Made-up tokens: each a lookup while the client has tokens left, none after.
    for (let i = 0; i < 5; i++) statuses.push((await ping(`/ping/${"x".repeat(20)}${i}`)).status);
    expect(statuses).toEqual([404, 404, 404, 429, 429]);
    const made = lookups.mock.calls.length;
    // The real token too: this address has spent its share.
    const res = await ping(`/ping/${monitor.token}`);
    expect(res.status).toBe(429);
    expect(res.text).toBe("too many pings from this address\n");
    expect(lookups.mock.calls.length).toBe(made);
  });

  it("keeps the first 10 KB of a longer body and still counts the ping", async () => {
    const ping = await serve();
    const monitor = await createHeartbeatMonitor(db.pool, orgId);
    const res = await ping(`/ping/${monitor.token}`, {
      method: "POST",
      body: "é".repeat(500_000), // 1 MB
    });
    expect(res.status).toBe(200);
    // The rest was not read: the connection is not reused.
    expect(res.headers.get("connection")).toBe("close");
    const [result] = await appliedResults(monitor.id, 1);
    // 5,000 two-byte characters: the bound cuts no character in half.
    expect(result?.answer).toBe("é".repeat(MAX_PING_BODY_BYTES / 2));
  });

  it("ignores a paused monitor's pings and stores nothing", async () => {
    const ping = await serve();
    const paused = await createHeartbeatMonitor(db.pool, orgId, { enabled: false });
    for (const path of ["", "/fail", "/start"]) {
      const res = await ping(`/ping/${paused.token}${path}`, { method: "POST", body: "x" });
      expect(res.status).toBe(200);
      expect(res.text).toBe("paused, ping ignored\n");
    }
    expect(await resultsOf(paused.id)).toEqual([]);
    expect(await inboxOf(paused.id)).toEqual([]);
    expect(await stateOf(paused.id)).toEqual({
      due_at: null,
      started_at: null,
      last_ping_at: null,
    });
  });

  it("ignores a ping of a monitor paused after its token was cached, leaving it unarmed", async () => {
    const ping = await serve();
    const monitor = await createHeartbeatMonitor(db.pool, orgId);
    expect((await ping(`/ping/${monitor.token}`)).text).toBe("OK\n");
    await appliedResults(monitor.id, 1);
    await db.pool.query("UPDATE monitors SET enabled = false WHERE id = $1", [monitor.id]);
    await disarmHeartbeat(db.pool, monitor.id);
    expect((await ping(`/ping/${monitor.token}`)).text).toBe("paused, ping ignored\n");
    expect(await inboxOf(monitor.id)).toEqual([]);
    expect(await resultsOf(monitor.id)).toHaveLength(1);
    expect((await stateOf(monitor.id))?.due_at).toBeNull();
  });
});
