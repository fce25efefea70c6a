import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HostSample, HostSampleSchema } from "../../../gen/pulsar/v1/host_pb.js";
import { createTestOrg } from "../../../test/support/accounts.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { silentLogger } from "../../core/logger.js";
import { QuotaExceededError } from "../../quota/org-quotas.js";
import { createHostSampleStore, DEFAULT_VERDICT_CACHE_SIZE } from "./sample-store.js";

let db: TestDatabase;

const sampleOf = (hostId: string, atMs: number, init: { hostname?: string } = {}): HostSample =>
  create(HostSampleSchema, {
    hostId,
    hostname: init.hostname ?? hostId,
    sampledAt: timestampFromMs(atMs),
    cpu: { totalPercent: 5 },
  });

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe("createHostSampleStore", () => {
  it("batches samples into host_samples and records the host; close writes what is pending", async () => {
    const store = createHostSampleStore({
      pool: db.pool,
      log: silentLogger,
    });
    const now = Date.now();
    for (let i = 0; i < 5; i++) {
      store.add(
        undefined,
        create(HostSampleSchema, {
          hostId: "store-host",
          hostname: "store",
          sampledAt: timestampFromMs(now - i * 2000),
          cpu: { totalPercent: 10 * i, perCorePercent: [1.5, 2.25] },
          memory: { totalBytes: 1e9, usedBytes: 5e8 },
          disks: [{ mount: "/", fsType: "ext4", sizeBytes: 200, usedBytes: 50 }],
        }),
      );
    }
    await store.close();
    const { rows } = await db.pool.query<{ n: number; cores: number[]; disk: number }>(
      `SELECT count(*)::int AS n, max(per_core_percent) AS cores, max(disk_used_percent) AS disk
       FROM host_samples WHERE host_id = 'store-host'`,
    );
    expect(rows[0]).toEqual({ n: 5, cores: [1.5, 2.25], disk: 25 });
    const hosts = await db.pool.query("SELECT hostname, memory_bytes, org_id FROM hosts");
    expect(hosts.rows).toEqual([{ hostname: "store", memory_bytes: 1e9, org_id: null }]);
  });

  it("records its owner's hosts as theirs and refuses a host id another owner claimed first", async () => {
    const org = await createTestOrg(db.pool);
    const warnings: string[] = [];
    const log = { ...silentLogger, warn: (message: string) => warnings.push(message) };
    const owned = createHostSampleStore({ pool: db.pool, log });
    const shared = createHostSampleStore({ pool: db.pool, log });
    const now = Date.now();
    // Unclaimed, a host id is accepted by anyone: the first stored batch claims it.
    expect(await owned.accepts(org.orgId, "claimed-host")).toBe(true);
    expect(await shared.accepts(undefined, "claimed-host")).toBe(true);
    owned.add(org.orgId, sampleOf("claimed-host", now - 4000, { hostname: "mine" }));
    await owned.close();

    expect(await owned.accepts(org.orgId, "claimed-host")).toBe(true);
    expect(await shared.accepts(undefined, "claimed-host")).toBe(false);
    shared.add(undefined, sampleOf("claimed-host", now - 2000, { hostname: "theirs" }));
    await shared.close();
    expect(warnings).toEqual([
      "this host id belongs to another owner; its samples are not stored or published",
    ]);
    const { rows } = await db.pool.query(
      `SELECT h.org_id, h.hostname, count(s.*)::int AS n
       FROM hosts h JOIN host_samples s ON s.host_id = h.id
       WHERE h.id = 'claimed-host' GROUP BY 1, 2`,
    );
    expect(rows).toEqual([{ org_id: org.orgId, hostname: "mine", n: 1 }]);
  });

  it("learns from a refused batch that a host is another owner's", async () => {
    const org = await createTestOrg(db.pool);
    const theirs = createHostSampleStore({ pool: db.pool, log: silentLogger });
    const late = createHostSampleStore({ pool: db.pool, log: silentLogger });
    // Both checked before either stored anything, as two workers starting at once do.
    expect(await late.accepts(undefined, "raced-host")).toBe(true);
    theirs.add(org.orgId, sampleOf("raced-host", Date.now() - 4000));
    await theirs.close();
    late.add(undefined, sampleOf("raced-host", Date.now() - 2000));
    await late.close();
    expect(await late.accepts(undefined, "raced-host")).toBe(false);
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM host_samples WHERE host_id = 'raced-host'",
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  it("write resolves once a batch of several owners is stored, naming the hosts it refused", async () => {
    const alpha = await createTestOrg(db.pool, "Alpha");
    const bravo = await createTestOrg(db.pool, "Bravo");
    // One store for every owner, as the API's: batches mix organizations.
    const store = createHostSampleStore({
      pool: db.pool,
      log: silentLogger,
      maxDelayMs: 50,
    });
    const now = Date.now();
    const first = await store.write(alpha.orgId, [sampleOf("alpha-host", now - 6000)]);
    expect(first.refused).toEqual([]);
    // The write recorded the host: new, with no agent settings set.
    expect(first.hosts.get("alpha-host")).toEqual({
      orgId: alpha.orgId,
      created: true,
      agentSettings: undefined,
    });
    // Stored by the time write resolves, not later.
    const count = async (hostId: string) =>
      (
        await db.pool.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM host_samples WHERE host_id = $1",
          [hostId],
        )
      ).rows[0]?.n;
    expect(await count("alpha-host")).toBe(1);

    // In one batch: Bravo's impostor sample of Alpha's host first, then Alpha's own and Bravo's
    // own. Alpha's is stored whichever owner the batch saw first; only Bravo's impostor is not.
    const [impostor, own, other] = await Promise.all([
      store.write(bravo.orgId, [sampleOf("alpha-host", now - 4000)]),
      store.write(alpha.orgId, [sampleOf("alpha-host", now - 2000)]),
      store.write(bravo.orgId, [sampleOf("bravo-host", now - 2000)]),
    ]);
    expect([impostor, own, other].map((w) => w.refused)).toEqual([["alpha-host"], [], []]);
    expect(own.hosts.get("alpha-host")?.created).toBe(false);
    expect(await count("alpha-host")).toBe(2);
    expect(await count("bravo-host")).toBe(1);
    await store.close();
  });

  it("claims an organization's new hosts within its quota, and records none of a push past it", async () => {
    const org = await createTestOrg(db.pool);
    const store = createHostSampleStore({
      pool: db.pool,
      log: silentLogger,
    });
    const now = Date.now();
    const hostsOf = async () =>
      (
        await db.pool.query<{ id: string }>("SELECT id FROM hosts WHERE org_id = $1 ORDER BY id", [
          org.orgId,
        ])
      ).rows.map((r) => r.id);
    expect(await store.claim(org.orgId, [sampleOf("q-1", now), sampleOf("q-2", now)], 3)).toEqual({
      foreign: [],
      created: ["q-1", "q-2"],
    });
    // Recorded before any sample is written, with the newest sample's description.
    expect(await hostsOf()).toEqual(["q-1", "q-2"]);
    // Two more would make four: refused, and neither is recorded.
    const past = store.claim(org.orgId, [sampleOf("q-3", now), sampleOf("q-4", now)], 3);
    await expect(past).rejects.toBeInstanceOf(QuotaExceededError);
    await expect(past).rejects.toThrow(
      "this organization has reached its limit of 3 hosts (PULSAR_ORG_MAX_HOSTS)",
    );
    expect(await hostsOf()).toEqual(["q-1", "q-2"]);
    // Hosts it holds cost nothing; one more new one fits.
    expect(
      await store.claim(
        org.orgId,
        [sampleOf("q-1", now), sampleOf("q-2", now), sampleOf("q-3", now)],
        3,
      ),
    ).toEqual({ foreign: [], created: ["q-3"] });
    expect(await hostsOf()).toEqual(["q-1", "q-2", "q-3"]);
    expect(await store.claim(org.orgId, [sampleOf("q-3", now)], 3)).toEqual({
      foreign: [],
      created: [],
    });
    await store.close();
  });

  it("answers the hosts another owner holds, and then records none of the push's new ones", async () => {
    const alpha = await createTestOrg(db.pool, "Alpha");
    const bravo = await createTestOrg(db.pool, "Bravo");
    const store = createHostSampleStore({
      pool: db.pool,
      log: silentLogger,
    });
    const now = Date.now();
    expect(await store.claim(bravo.orgId, [sampleOf("bravo-box", now)], 10)).toEqual({
      foreign: [],
      created: ["bravo-box"],
    });
    expect(
      await store.claim(alpha.orgId, [sampleOf("alpha-box", now), sampleOf("bravo-box", now)], 10),
    ).toEqual({ foreign: ["bravo-box"], created: [] });
    // Asked again, from the cache: the same answer.
    expect(await store.claim(alpha.orgId, [sampleOf("bravo-box", now)], 10)).toEqual({
      foreign: ["bravo-box"],
      created: [],
    });
    const { rows } = await db.pool.query("SELECT id, org_id FROM hosts WHERE id LIKE '%-box'");
    expect(rows).toEqual([{ id: "bravo-box", org_id: bravo.orgId }]);
    await store.close();
  });

  it("remembers at most verdictCacheSize host owners, asking Postgres again for the least recently used", async () => {
    const org = await createTestOrg(db.pool);
    let queries = 0;
    const pool = {
      connect: () => db.pool.connect(),
      query: ((...args: Parameters<typeof db.pool.query>) => {
        queries++;
        return db.pool.query(...args);
      }) as typeof db.pool.query,
    };
    const store = createHostSampleStore({
      pool,
      log: silentLogger,
      verdictCacheSize: 3,
    });
    const now = Date.now();
    const ids = Array.from({ length: 10 }, (_, i) => `lru-${i}`);
    for (const id of ids) await store.claim(org.orgId, [sampleOf(id, now)], 100);
    const asks = async (id: string) => {
      const before = queries;
      expect((await store.claim(org.orgId, [sampleOf(id, now)], 100)).foreign).toEqual([]);
      return queries - before;
    };
    // The last three are remembered; the first was forgotten long ago.
    expect(await asks("lru-9")).toBe(0);
    expect(await asks("lru-8")).toBe(0);
    expect(await asks("lru-7")).toBe(0);
    expect(await asks("lru-0")).toBe(1);
    // Asking for lru-0 remembered it and pushed out the least recently used, lru-9.
    expect(await asks("lru-0")).toBe(0);
    expect(await asks("lru-9")).toBe(1);
    expect(DEFAULT_VERDICT_CACHE_SIZE).toBe(10_000);
    await store.close();
  });
});
