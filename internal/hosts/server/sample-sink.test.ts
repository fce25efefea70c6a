import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HostSample } from "../../../gen/pulsar/v1/host_pb.js";
import { createTestOrg } from "../../../test/support/accounts.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { hostSample } from "../../../test/support/stream-clients.js";
import { silentLogger } from "../../core/logger.js";
import type { OwnedHostSample } from "./hosts-db.js";
import { createHostSampleSink, type HostSamplePublisher } from "./sample-sink.js";
import { createHostSampleStore, type HostSampleStore, type Owner } from "./sample-store.js";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

/** recordingPublisher is a publisher that records what it was given, or fails when told to. */
function recordingPublisher(fail = false) {
  const published: { hostId: string; owner: Owner }[] = [];
  const publisher: HostSamplePublisher = {
    async publishHostSample(sample, owner) {
      if (fail) throw new Error("Redis is down");
      published.push({ hostId: sample.hostId, owner });
    },
  };
  return { publisher, published };
}

/** A real store whose onStored (the host rules' place) records each stored batch. */
function recordingStore(): { store: HostSampleStore; batches: OwnedHostSample[][] } {
  const batches: OwnedHostSample[][] = [];
  const store = createHostSampleStore({
    pool: db.pool,
    log: silentLogger,
    maxDelayMs: 20,
    onStored: async (batch) => {
      batches.push(batch);
    },
  });
  return { store, batches };
}

const stored = async (hostId: string) =>
  (
    await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM host_samples WHERE host_id = $1",
      [hostId],
    )
  ).rows[0]?.n;

const hostIdsOf = (batch: OwnedHostSample[]) => batch.map((s) => s.sample.hostId);

describe("createHostSampleSink", () => {
  it("stores and publishes an agent's batch in order, and the rules hear each stored batch once", async () => {
    const org = await createTestOrg(db.pool);
    const { store, batches } = recordingStore();
    const { publisher, published } = recordingPublisher();
    const sink = createHostSampleSink({ store, publisher, log: silentLogger });
    const now = Date.now();
    const first = [hostSample("sink-a", now - 4000), hostSample("sink-b", now - 4000)];
    expect(await sink.push(org.orgId, first, 10)).toEqual({
      createdHostIds: ["sink-a", "sink-b"],
      agentSettings: undefined,
    });
    // Stored by the time push answers, then published, in the order sent.
    expect(await stored("sink-a")).toBe(1);
    expect(published).toEqual([
      { hostId: "sink-a", owner: org.orgId },
      { hostId: "sink-b", owner: org.orgId },
    ]);
    expect(await sink.push(org.orgId, [hostSample("sink-a", now - 2000)], 10)).toEqual({
      createdHostIds: [],
      agentSettings: undefined,
    });
    await store.close();
    expect(batches.map(hostIdsOf)).toEqual([["sink-a", "sink-b"], ["sink-a"]]);
    expect(batches.flat().every((s) => s.orgId === org.orgId)).toBe(true);
  });

  it("stores, publishes and tells the rules nothing of a push naming another owner's host", async () => {
    const owner = await createTestOrg(db.pool, "Owner");
    const intruder = await createTestOrg(db.pool, "Intruder");
    const { store, batches } = recordingStore();
    const { publisher, published } = recordingPublisher();
    const sink = createHostSampleSink({ store, publisher, log: silentLogger });
    const now = Date.now();
    const held = await sink.push(owner.orgId, [hostSample("held-host", now - 4000)], 10);
    expect(held.foreign).toBeUndefined();
    published.length = 0;
    // The intruder's own new host in the same push is not recorded either: all or nothing.
    const push: HostSample[] = [
      hostSample("intruder-host", now - 2000),
      hostSample("held-host", now - 2000),
    ];
    expect((await sink.push(intruder.orgId, push, 10)).foreign).toBe("held-host");
    await store.close();
    expect(published).toEqual([]);
    expect(await stored("held-host")).toBe(1);
    expect(await stored("intruder-host")).toBe(0);
    expect(batches.map(hostIdsOf)).toEqual([["held-host"]]);
  });

  it("answers the newest sample's host's agent settings, and a host recorded again after its row was deleted", async () => {
    const org = await createTestOrg(db.pool);
    const { store } = recordingStore();
    const { publisher } = recordingPublisher();
    const sink = createHostSampleSink({ store, publisher, log: silentLogger });
    const now = Date.now();
    await sink.push(
      org.orgId,
      [hostSample("set-a", now - 6000), hostSample("set-b", now - 6000)],
      10,
    );
    await db.pool.query(
      `UPDATE hosts SET agent_settings = '{"sampleIntervalMs": 1000}' WHERE id = 'set-b'`,
    );
    // set-b's sample is the newest: its settings are the answer's.
    const answer = await sink.push(
      org.orgId,
      [hostSample("set-a", now - 2000), hostSample("set-b", now - 4000)],
      10,
    );
    expect(answer.agentSettings).toBeUndefined();
    const newestB = await sink.push(org.orgId, [hostSample("set-b", now - 1000)], 10);
    expect(newestB.agentSettings?.sampleIntervalMs).toBe(1000);
    expect(newestB.createdHostIds).toEqual([]);
    // The store knows set-a as the organization's (no claim query): the write records it again.
    await db.pool.query("DELETE FROM hosts WHERE id = 'set-a'");
    const back = await sink.push(org.orgId, [hostSample("set-a", now - 500)], 10);
    expect(back).toEqual({ createdHostIds: ["set-a"], agentSettings: undefined });
    const { rows } = await db.pool.query("SELECT org_id FROM hosts WHERE id = 'set-a'");
    expect(rows).toEqual([{ org_id: org.orgId }]);
    await store.close();
  });

  it("takes a sampler's sample of its own host: queued for storage, published at once, the rules told once stored", async () => {
    const org = await createTestOrg(db.pool);
    const { store, batches } = recordingStore();
    const { publisher, published } = recordingPublisher();
    const sink = createHostSampleSink({ store, publisher, log: silentLogger });
    const now = Date.now();
    expect(await sink.offer(org.orgId, hostSample("offered-host", now - 4000))).toBe(true);
    expect(await sink.offer(org.orgId, hostSample("offered-host", now - 2000))).toBe(true);
    expect(published).toEqual([
      { hostId: "offered-host", owner: org.orgId },
      { hostId: "offered-host", owner: org.orgId },
    ]);
    await store.close();
    expect(await stored("offered-host")).toBe(2);
    // Each stored sample heard once, in whichever batches the writer made of them.
    expect(batches.flat().map((s) => s.sample.hostId)).toEqual(["offered-host", "offered-host"]);
  });

  it("refuses a sampler's sample of a host another owner claimed: nothing stored, published or evaluated", async () => {
    const org = await createTestOrg(db.pool);
    const theirs = createHostSampleStore({ pool: db.pool, log: silentLogger });
    theirs.add(org.orgId, hostSample("claimed-host", Date.now() - 6000));
    await theirs.close();
    const { store, batches } = recordingStore();
    const { publisher, published } = recordingPublisher();
    const sink = createHostSampleSink({ store, publisher, log: silentLogger });
    // A shared worker whose HOST_ID is the organization's host.
    expect(await sink.offer(undefined, hostSample("claimed-host", Date.now() - 2000))).toBe(false);
    await store.close();
    expect(published).toEqual([]);
    expect(await stored("claimed-host")).toBe(1);
    expect(batches).toEqual([]);
  });

  it("still stores when publishing fails: live delivery is best effort", async () => {
    const org = await createTestOrg(db.pool);
    const { store, batches } = recordingStore();
    const { publisher } = recordingPublisher(true);
    const sink = createHostSampleSink({ store, publisher, log: silentLogger });
    const now = Date.now();
    const pushed = await sink.push(org.orgId, [hostSample("unpublished-push", now - 2000)], 10);
    expect(pushed.foreign).toBeUndefined();
    expect(await sink.offer(org.orgId, hostSample("unpublished-offer", now - 2000))).toBe(true);
    await store.close();
    expect(await stored("unpublished-push")).toBe(1);
    expect(await stored("unpublished-offer")).toBe(1);
    expect(batches.flat().map((s) => s.sample.hostId)).toEqual([
      "unpublished-push",
      "unpublished-offer",
    ]);
  });
});
