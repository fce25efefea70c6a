import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostSampleSchema } from "../../gen/pulsar/v1/host_pb.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { silentLogger } from "../log/logger.js";
import { createHostSampleStore } from "./sample-store.js";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe("createHostSampleStore", () => {
  it("batches samples into host_samples and records the host; close writes what is pending", async () => {
    const store = createHostSampleStore({ pool: db.pool, retentionDays: 30, log: silentLogger });
    const now = Date.now();
    for (let i = 0; i < 5; i++) {
      store.add(
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
    const hosts = await db.pool.query("SELECT hostname, memory_bytes FROM hosts");
    expect(hosts.rows).toEqual([{ hostname: "store", memory_bytes: 1e9 }]);
  });
});
