import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AlertKind, DeliveryStatus } from "../../../gen/pulsar/v1/alert_pb.js";
import { type HostSample, HostSampleSchema } from "../../../gen/pulsar/v1/host_pb.js";
import { createTestOrg, type TestOrg } from "../../../test/support/accounts.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { silentLogger } from "../../core/logger.js";
import * as admin from "../alert-admin.js";
import type { OwnedAlertEvent } from "../alert-event.js";
import { createHostRuleEvaluator, type RuleSample } from "./host-rules.js";

let db: TestDatabase;
let orgA: TestOrg;
let orgB: TestOrg;
let channelA: string;
let channelB: string;
const T0 = Date.now() - 5 * 60_000;

/** cpu builds host hostId's sample at T0 + seconds with the given CPU use. */
function cpu(hostId: string, seconds: number, percent: number): HostSample {
  return create(HostSampleSchema, {
    hostId,
    hostname: `${hostId}.example`,
    sampledAt: timestampFromMs(T0 + seconds * 1000),
    cpu: { totalPercent: percent },
    memory: { totalBytes: 100, usedBytes: 10 },
  });
}

const owned = (ownerOrgId: string | undefined, ...samples: HostSample[]): RuleSample[] =>
  samples.map((sample) => ({ sample, ownerOrgId }));

const evaluator = (onEvents?: (events: readonly OwnedAlertEvent[]) => Promise<void>) =>
  createHostRuleEvaluator({ pool: db.pool, log: silentLogger, onEvents });

async function cpuRule(
  org: TestOrg,
  channelId: string,
  hostId = "",
  forSeconds = 60,
  hostSelector = "",
) {
  return admin.insertRule(db.pool, org.orgId, {
    name: "Hot CPU",
    hostId,
    hostSelector,
    metric: "cpu_percent",
    mount: "",
    op: "gt",
    threshold: 90,
    forSeconds,
    channelIds: [channelId],
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  orgA = await createTestOrg(db.pool, "A");
  orgB = await createTestOrg(db.pool, "B");
  channelA = (
    await admin.insertChannel(db.pool, orgA.orgId, {
      name: "ops",
      kind: "discord",
      url: "https://discord.com/api/webhooks/123456/abcdefghijklmnopqrstuvwxyz",
    })
  ).id;
  channelB = (
    await admin.insertChannel(db.pool, orgB.orgId, {
      name: "b-ops",
      kind: "discord",
      url: "https://discord.com/api/webhooks/654321/abcdefghijklmnopqrstuvwxyz",
    })
  ).id;
});

beforeEach(async () => {
  await db.pool.query("TRUNCATE host_rules, host_rule_state, alert_events CASCADE");
});

afterAll(async () => {
  await db.drop();
});

describe("host rule evaluation", () => {
  it("applies a rule with a label selector to the hosts whose labels match at evaluation time", async () => {
    const rule = await cpuRule(orgA, channelA, "", 0, "env=prod");
    const { rows: ruleRows } = await db.pool.query("SELECT host_selector FROM host_rules");
    expect(ruleRows).toEqual([{ host_selector: "env=prod" }]);
    // Two hosts of A: one the agent labels env=prod, one env=staging.
    await db.pool.query(
      `INSERT INTO hosts (id, org_id, hostname, first_seen, last_seen, agent_labels)
       VALUES ('sel-prod', $1, 'prod', now(), now(), '{"env": "prod"}'),
              ('sel-staging', $1, 'staging', now(), now(), '{"env": "staging"}')`,
      [orgA.orgId],
    );
    const evaluate = evaluator().evaluate;
    const fired = await evaluate(
      owned(orgA.orgId, cpu("sel-prod", 0, 95), cpu("sel-staging", 0, 99)),
    );
    expect(fired.map((c) => [c.event.hostId, c.event.ruleId, c.event.kind])).toEqual([
      ["sel-prod", rule.id, AlertKind.HOST_FIRING],
    ]);
    // Labels edited in the dashboard win over the agent's: now staging is prod, and prod is not.
    await db.pool.query(`UPDATE hosts SET labels = '{"env": "prod"}' WHERE id = 'sel-staging'`);
    await db.pool.query(`UPDATE hosts SET labels = '{}' WHERE id = 'sel-prod'`);
    const later = await evaluate(
      owned(orgA.orgId, cpu("sel-prod", 10, 96), cpu("sel-staging", 10, 99)),
    );
    // The rule fires on the host it now watches, and lets go of the one it no longer does,
    // resolving the alert that host had fired (with no value: no sample decided it).
    expect(later.map((c) => [c.event.hostId, c.event.kind, c.event.value])).toEqual([
      ["sel-staging", AlertKind.HOST_FIRING, 99],
      ["sel-prod", AlertKind.HOST_RESOLVED, 0],
    ]);
    expect(later[1]?.event.title).toBe(
      "sel-prod.example: CPU resolved, host no longer matches the rule",
    );
    // Once let go of, the host is not the rule's business: nothing more, even when hot.
    expect(await evaluate(owned(orgA.orgId, cpu("sel-prod", 20, 99)))).toEqual([]);
    const { rows: states } = await db.pool.query(
      "SELECT host_id, firing, holding_since FROM host_rule_state ORDER BY host_id",
    );
    expect(states).toEqual([
      { host_id: "sel-prod", firing: false, holding_since: null },
      { host_id: "sel-staging", firing: true, holding_since: expect.any(Date) },
    ]);
    // A host without a row (its samples are not stored) has no labels: not matched.
    expect(await evaluate(owned(orgA.orgId, cpu("sel-unknown", 20, 99)))).toEqual([]);
  });

  it("fires once after the condition held forSeconds, and resolves when it clears", async () => {
    const rule = await cpuRule(orgA, channelA);
    const heard: OwnedAlertEvent[] = [];
    const evaluate = evaluator(async (events) => {
      heard.push(...events);
    }).evaluate;

    expect(await evaluate(owned(orgA.orgId, cpu("web-1", 0, 95), cpu("web-1", 30, 96)))).toEqual(
      [],
    );
    const fired = await evaluate(owned(orgA.orgId, cpu("web-1", 60, 97), cpu("web-1", 62, 98)));
    expect(fired).toHaveLength(1);
    const [firing] = fired;
    expect(firing?.orgId).toBe(orgA.orgId);
    expect(firing?.event).toMatchObject({
      kind: AlertKind.HOST_FIRING,
      hostId: "web-1",
      ruleId: rule.id,
      value: 97,
      title: "web-1.example: CPU above 90 %",
      deliveries: [{ channelId: channelA, channelName: "ops", status: DeliveryStatus.PENDING }],
    });
    // Still hot: no second alert.
    expect(await evaluate(owned(orgA.orgId, cpu("web-1", 90, 99)))).toEqual([]);
    const resolved = await evaluate(owned(orgA.orgId, cpu("web-1", 120, 20)));
    expect(resolved.map((c) => c.event.kind)).toEqual([AlertKind.HOST_RESOLVED]);
    expect(heard.map((c) => c.event.id)).toEqual([firing?.event.id, resolved[0]?.event.id]);

    // Recorded with their pending deliveries, newest first.
    const history = await admin.listAlertEvents(db.pool, orgA.orgId, { limit: 10 });
    expect(history.map((e) => [e.kind, e.deliveries.map((d) => d.status)])).toEqual([
      [AlertKind.HOST_RESOLVED, [DeliveryStatus.PENDING]],
      [AlertKind.HOST_FIRING, [DeliveryStatus.PENDING]],
    ]);
    expect(await admin.listAlertEvents(db.pool, orgB.orgId, { limit: 10 })).toEqual([]);
  });

  it("never alerts twice when several processes evaluate the same samples at once", async () => {
    await cpuRule(orgA, channelA, "", 0);
    const batch = owned(orgA.orgId, cpu("web-2", 0, 95));
    const results = await Promise.all(Array.from({ length: 6 }, () => evaluator().evaluate(batch)));
    expect(results.flat()).toHaveLength(1);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM alert_events");
    expect(rows[0].n).toBe(1);
  });

  it("applies only the host owner's rules to its hosts, and any organization's to a shared host", async () => {
    await cpuRule(orgA, channelA, "", 0);
    await cpuRule(orgB, channelB, "", 0);
    const own = await evaluator().evaluate(owned(orgA.orgId, cpu("a-host", 0, 99)));
    expect(own.map((c) => c.orgId)).toEqual([orgA.orgId]);
    const shared = await evaluator().evaluate(owned(undefined, cpu("s-host", 0, 99)));
    expect(shared.map((c) => c.orgId).sort()).toEqual([orgA.orgId, orgB.orgId].sort());
    const off = createHostRuleEvaluator({ pool: db.pool, log: silentLogger, sharedHosts: false });
    expect(await off.evaluate(owned(undefined, cpu("s-host-2", 0, 99)))).toEqual([]);
  });

  it("watches only the named host when a rule names one", async () => {
    await cpuRule(orgA, channelA, "db-1", 0);
    const events = await evaluator().evaluate(
      owned(orgA.orgId, cpu("web-3", 0, 99), cpu("db-1", 0, 99)),
    );
    expect(events.map((c) => c.event.hostId)).toEqual(["db-1"]);
  });

  it("records the event without deliveries to a channel deleted since the rule was made", async () => {
    const channel = await admin.insertChannel(db.pool, orgA.orgId, {
      name: "gone",
      kind: "discord",
      url: "https://discord.com/api/webhooks/1111111/abcdefghijklmnopqrstuvwxyz",
    });
    const rule = await cpuRule(orgA, channel.id, "", 0);
    // As if deleted in a race that left the id behind.
    await db.pool.query("DELETE FROM alert_channels WHERE id = $1", [channel.id]);
    expect(rule.spec?.channelIds).toEqual([channel.id]);
    const [event] = await evaluator().evaluate(owned(orgA.orgId, cpu("web-4", 0, 99)));
    expect(event?.event.deliveries).toEqual([]);
  });

  it("ignores samples too old to be news, and samples without the metric", async () => {
    await cpuRule(orgA, channelA, "", 0);
    const old = cpu("web-5", 0, 99);
    old.sampledAt = timestampFromMs(Date.now() - 60 * 60_000);
    const bare = create(HostSampleSchema, {
      hostId: "web-5",
      sampledAt: timestampFromMs(Date.now()),
    });
    expect(await evaluator().evaluate(owned(orgA.orgId, old, bare))).toEqual([]);
  });
});
