import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostSampleSchema } from "../../../gen/pulsar/v1/host_pb.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { applySchema } from "../../db/schema.js";
import { getHostHistory, HOST_METRICS } from "./host-history-db.js";
import { insertHostSamples } from "./host-samples-db.js";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

/** plainSample is a sample of io-host without disk I/O or file handles (an older agent's). */
const plainSample = (atMs: number) =>
  create(HostSampleSchema, {
    hostId: "io-host",
    hostname: "io",
    sampledAt: timestampFromMs(atMs),
    cpu: { totalPercent: 5 },
  });

describe("host samples' disk I/O and file handles", () => {
  it("stores disk I/O and file handles, NULL where a sample left them out, and charts them with gaps", async () => {
    // Four samples in two 60 s buckets: the first bucket's samples hold disk I/O and file
    // handles, the second's do not (an agent with those readings disabled, or an old one).
    const start = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
    const withReadings = (i: number) =>
      create(HostSampleSchema, {
        hostId: "io-host",
        hostname: "io",
        sampledAt: timestampFromMs(start + i * 2000),
        cpu: { totalPercent: 1 },
        diskIo: {
          readBytesPerSec: 1e6 * (i + 1),
          writeBytesPerSec: 2.5e9,
          readOpsPerSec: 10 * (i + 1),
          writeOpsPerSec: 0.5,
          devices: [{ name: "sda", readBytesPerSec: 1e6 * (i + 1), writeBytesPerSec: 2.5e9 }],
        },
        fileHandles: { allocated: 1000 + i, max: 2 ** 63 },
      });
    await db.pool.query(
      "INSERT INTO hosts (id, hostname, first_seen, last_seen) VALUES ('io-host', 'io', now(), now())",
    );
    await insertHostSamples(db.pool, [
      withReadings(0),
      withReadings(1),
      plainSample(start + 60_000),
      plainSample(start + 62_000),
    ]);

    const { rows } = await db.pool.query(
      `SELECT disk_read_bps, disk_write_bps, disk_read_ops, disk_write_ops, file_handles
       FROM host_samples WHERE host_id = 'io-host' ORDER BY sampled_at`,
    );
    const none = {
      disk_read_bps: null,
      disk_write_bps: null,
      disk_read_ops: null,
      disk_write_ops: null,
      file_handles: null,
    };
    expect(rows).toEqual([
      {
        disk_read_bps: 1e6,
        disk_write_bps: 2.5e9,
        disk_read_ops: 10,
        disk_write_ops: 0.5,
        file_handles: 1000,
      },
      {
        disk_read_bps: 2e6,
        disk_write_bps: 2.5e9,
        disk_read_ops: 20,
        disk_write_ops: 0.5,
        file_handles: 1001,
      },
      none,
      none,
    ]);

    const series = await getHostHistory(
      db.pool,
      { orgId: "00000000-0000-0000-0000-000000000000", includeShared: true },
      {
        hostId: "io-host",
        since: new Date(start),
        until: new Date(start + 120_000),
        stepSeconds: 60,
      },
    );
    const points = (metric: string) =>
      series
        .find((s) => s.metric === metric)
        ?.points.map((p) => ({ at: Number(p.at?.seconds) * 1000, avg: p.avg, max: p.max }));
    // Both buckets have CPU; only the first has the new readings: the second is a gap, not 0.
    expect(points("cpu_percent")).toHaveLength(2);
    expect(points("disk_read_bps")).toEqual([{ at: start, avg: 1.5e6, max: 2e6 }]);
    expect(points("disk_write_bps")).toEqual([{ at: start, avg: 2.5e9, max: 2.5e9 }]);
    expect(points("file_handles")).toEqual([{ at: start, avg: 1000.5, max: 1001 }]);
  });

  it("lists the new series after the old ones, and init.sql adds their columns once", async () => {
    expect(HOST_METRICS.slice(-3)).toEqual(["disk_read_bps", "disk_write_bps", "file_handles"]);
    // An upgrade runs init.sql again on a database that has the columns already.
    await db.pool.query("UPDATE pulsar_schema SET init_sql_sha256 = 'older'");
    await applySchema(db.pool, 90);
    const { rows } = await db.pool.query(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = 'host_samples'
         AND column_name IN ('disk_read_bps', 'disk_write_bps', 'disk_read_ops', 'disk_write_ops',
           'file_handles')
       ORDER BY column_name`,
    );
    expect(rows).toEqual([
      { column_name: "disk_read_bps", data_type: "double precision", is_nullable: "YES" },
      { column_name: "disk_read_ops", data_type: "real", is_nullable: "YES" },
      { column_name: "disk_write_bps", data_type: "double precision", is_nullable: "YES" },
      { column_name: "disk_write_ops", data_type: "real", is_nullable: "YES" },
      { column_name: "file_handles", data_type: "double precision", is_nullable: "YES" },
    ]);
  });
});
