import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AlertKind, DeliveryStatus } from "../../../gen/pulsar/v1/alert_pb.js";
import { createTestOrg, type TestOrg } from "../../../test/support/accounts.js";
import { eventually } from "../../../test/support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { silentLogger } from "../../core/logger.js";
import * as admin from "../alert-admin.js";
import type { OwnedAlertEvent } from "../alert-event.js";
import {
  SILENT_HOST_AFTER_MS,
  startSilentHostSweep,
  sweepSilentHosts,
} from "./silent-host-sweep.js";

let db: TestDatabase;
let org: TestOrg;
let channelId: string;
let ruleId: string;
const MINUTE = 60_000;

/** hostSeen records a host of the organization whose newest sample is msAgo old. */
async function hostSeen(hostId: string, msAgo: number): Promise<void> {
  const seen = new Date(Date.now() - msAgo);
  await db.pool.query(
    `INSERT INTO hosts (id, org_id, hostname, first_seen, last_seen) VALUES ($1, $2, $3, $4, $4)`,
    [hostId, org.orgId, `${hostId}.example`, seen],
  );
}

/** ruleState sets the rule's state on a host as the evaluator would have left it. */
async function ruleState(hostId: string, state: { firing: boolean; holding: boolean }) {
  await db.pool.query(
    `INSERT INTO host_rule_state (rule_id, host_id, holding_since, firing)
     VALUES ($1, $2, CASE WHEN $3 THEN now() - interval '20 minutes' END, $4)`,
    [ruleId, hostId, state.holding, state.firing],
  );
}

async function stateOf(hostId: string) {
  const { rows } = await db.pool.query(
    "SELECT firing, holding_since FROM host_rule_state WHERE rule_id = $1 AND host_id = $2",
    [ruleId, hostId],
  );
  return rows[0];
}

async function eventRows() {
  const { rows } = await db.pool.query(
    `SELECT e.kind, e.host_id, e.value, e.title, d.channel_id, d.status
     FROM alert_events e LEFT JOIN alert_deliveries d ON d.event_id = e.id ORDER BY e.host_id`,
  );
  return rows;
}

const sweep = (heard?: OwnedAlertEvent[]) =>
  sweepSilentHosts({
    pool: db.pool,
    log: silentLogger,
    handOut: heard
      ? async (events) => {
          heard.push(...events);
        }
      : undefined,
  });

beforeAll(async () => {
  db = await createTestDatabase();
  org = await createTestOrg(db.pool, "A");
  channelId = (
    await admin.insertChannel(db.pool, org.orgId, {
      name: "ops",
      kind: "discord",
      url: "https://discord.com/api/webhooks/123456/abcdefghijklmnopqrstuvwxyz",
    })
  ).id;
});

beforeEach(async () => {
  await db.pool.query("TRUNCATE host_rules, host_rule_state, alert_events, hosts CASCADE");
  ruleId = (
    await admin.insertRule(db.pool, org.orgId, {
      name: "Hot CPU",
      hostId: "",
      hostSelector: "",
      metric: "cpu_percent",
      mount: "",
      op: "gt",
      threshold: 90,
      forSeconds: 60,
      channelIds: [channelId],
    })
  ).id;
});

afterAll(async () => {
  await db.drop();
});

describe("the silent-host sweep", () => {
  it("resolves a rule firing on a host silent past the bound, with a delivery, handed out once", async () => {
    await hostSeen("web-1", SILENT_HOST_AFTER_MS + 2 * MINUTE);
    await ruleState("web-1", { firing: true, holding: true });
    const heard: OwnedAlertEvent[] = [];

    const events = await sweep(heard);

    expect(events).toHaveLength(1);
    expect(events[0]?.orgId).toBe(org.orgId);
    expect(events[0]?.event).toMatchObject({
      kind: AlertKind.HOST_RESOLVED,
      hostId: "web-1",
      ruleId,
      title: "web-1.example: CPU resolved, host stopped reporting",
      message:
        'Rule "Hot CPU" resolved: the host stopped reporting (no sample for 12 min), so CPU is no longer known (alerts when above 90 %).',
      deliveries: [{ channelId, channelName: "ops", status: DeliveryStatus.PENDING }],
    });
    expect(heard.map((e) => e.event.id)).toEqual([events[0]?.event.id]);
    // No sample decided it: no value is recorded, rather than a made-up 0.
    expect(await eventRows()).toEqual([
      {
        kind: "host_resolved",
        host_id: "web-1",
        value: null,
        title: "web-1.example: CPU resolved, host stopped reporting",
        channel_id: channelId,
        status: "pending",
      },
    ]);
    expect(await stateOf("web-1")).toEqual({ firing: false, holding_since: null });
    expect(await sweep(heard)).toEqual([]);
    expect(heard).toHaveLength(1);
  });

  it("leaves a rule firing while its host reported within the bound", async () => {
    await hostSeen("web-2", SILENT_HOST_AFTER_MS - MINUTE);
    await ruleState("web-2", { firing: true, holding: true });
    expect(await sweep()).toEqual([]);
    expect((await stateOf("web-2"))?.firing).toBe(true);
  });

  it("resolves a rule firing on a host that is gone, and silently stops one only holding", async () => {
    await ruleState("gone", { firing: true, holding: true });
    await hostSeen("quiet", SILENT_HOST_AFTER_MS + MINUTE);
    await ruleState("quiet", { firing: false, holding: true });

    const events = await sweep();

    expect(events.map((e) => [e.event.hostId, e.event.message])).toEqual([
      [
        "gone",
        'Rule "Hot CPU" resolved: the host stopped reporting, so CPU is no longer known (alerts when above 90 %).',
      ],
    ]);
    expect(await stateOf("quiet")).toEqual({ firing: false, holding_since: null });
  });

  it("skips a state someone holds locked, and resolves it on a later pass", async () => {
    await hostSeen("web-3", SILENT_HOST_AFTER_MS + MINUTE);
    await ruleState("web-3", { firing: true, holding: true });
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT 1 FROM host_rule_state WHERE host_id = 'web-3' FOR UPDATE");
      expect(await sweep()).toEqual([]);
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    expect(await sweep()).toHaveLength(1);
  });

  it("resolves each silent host once when several processes sweep at once", async () => {
    const hosts = Array.from({ length: 40 }, (_, i) => `h-${String(i).padStart(2, "0")}`);
    for (const host of hosts) {
      await hostSeen(host, SILENT_HOST_AFTER_MS + MINUTE);
      await ruleState(host, { firing: true, holding: true });
    }

    const passes = await Promise.all(Array.from({ length: 4 }, () => sweep()));

    const resolved = passes.flat().map((e) => e.event.hostId);
    expect(resolved.sort()).toEqual(hosts);
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM alert_events WHERE kind = 'host_resolved'",
    );
    expect(rows[0].n).toBe(hosts.length);
  });

  it("runs on a timer from the start until stopped", async () => {
    await hostSeen("web-4", SILENT_HOST_AFTER_MS + MINUTE);
    await ruleState("web-4", { firing: true, holding: true });
    const heard: OwnedAlertEvent[] = [];
    const running = startSilentHostSweep({
      pool: db.pool,
      log: silentLogger,
      everyMs: 50,
      handOut: async (events) => {
        heard.push(...events);
      },
    });
    await eventually(() => heard.length === 1 || undefined, { what: "the first pass" });
    await running.stop();

    await hostSeen("web-5", SILENT_HOST_AFTER_MS + MINUTE);
    await ruleState("web-5", { firing: true, holding: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heard.map((e) => e.event.hostId)).toEqual(["web-4"]);
    expect((await stateOf("web-5"))?.firing).toBe(true);
  });
});
