import { create } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HostSample, HostSampleSchema, HostService } from "../../gen/pulsar/v1/host_pb.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { createApi } from "../api/app.js";
import { errorInterceptor } from "../api/errors.js";
import { writeHostSampleBatch } from "../db/hosts.js";
import { silentLogger } from "../log/logger.js";
import { createHostService } from "./host-service.js";

const MINUTE = 60_000;
// A fixed "now" on a minute boundary, so that 60 s buckets hold exactly 30 samples each.
const NOW = Math.floor(Date.now() / MINUTE) * MINUTE;
const ALPHA_START = NOW - 10 * MINUTE;
const BETA_END = NOW - 60 * MINUTE;

let db: TestDatabase;
let client: ReturnType<typeof createClient<typeof HostService>>;
let apiClient: ReturnType<typeof createClient<typeof HostService>>;

/** sample builds host alpha's i-th sample (2 s apart): values that repeat every 60 s bucket. */
function alphaSample(i: number, hostname = "alpha"): HostSample {
  const inBucket = i % 30;
  const bucket = Math.floor(i / 30);
  return create(HostSampleSchema, {
    hostId: "host-alpha",
    hostname,
    sampledAt: timestampFromMs(ALPHA_START + i * 2000),
    cpu: { totalPercent: inBucket, perCorePercent: [inBucket, 0], load1: inBucket / 10 },
    memory: { totalBytes: 8e9, usedBytes: 1000 * (bucket + 1), availableBytes: 7e9 },
    disks: [
      { mount: "/", fsType: "ext4", sizeBytes: 1000, usedBytes: 250 },
      { mount: "/data", fsType: "xfs", sizeBytes: 1000, usedBytes: 500 + bucket },
    ],
    network: { rxBytesPerSec: bucket * 100 + inBucket, txBytesPerSec: 7 },
    processes: { total: 100, running: 2, sleeping: 98, threads: 300 },
    info: { os: "Debian GNU/Linux 12", kernel: "6.1", arch: "x64", cpuModel: "Test", cores: 2 },
  });
}

function betaSample(i: number): HostSample {
  return create(HostSampleSchema, {
    hostId: "host-beta",
    hostname: "beta",
    sampledAt: timestampFromMs(BETA_END - i * 2000),
    cpu: { totalPercent: 50 },
    memory: { totalBytes: 4e9, usedBytes: 1e9 },
    info: { os: "Alpine Linux 3.20", cores: 4 },
  });
}

async function connectError(call: Promise<unknown>): Promise<[Code, string]> {
  try {
    await call;
  } catch (error) {
    const e = ConnectError.from(error);
    return [e.code, e.rawMessage];
  }
  throw new Error("expected the call to fail");
}

beforeAll(async () => {
  db = await createTestDatabase();
  const alpha = Array.from({ length: 300 }, (_, i) => alphaSample(i));
  // Out of order and with one batch written twice, as retries and slow batches do.
  for (const batch of [alpha.slice(100, 300), alpha.slice(0, 100), alpha.slice(0, 100)])
    await writeHostSampleBatch(db.pool, batch);
  await writeHostSampleBatch(
    db.pool,
    Array.from({ length: 100 }, (_, i) => betaSample(i)),
  );
  const api = createApi({
    pool: db.pool,
    redis: { ping: async () => "PONG" },
    scheduler: { schedule: async () => {}, unschedule: async () => {} },
    log: silentLogger,
    sampleIntervalMs: 2000,
  });
  apiClient = createClient(HostService, createRouterTransport(api.routes));
  // The same service with a fixed clock, for "online" and the default window.
  client = createClient(
    HostService,
    createRouterTransport((router) =>
      router.service(
        HostService,
        createHostService({ pool: db.pool, sampleIntervalMs: 2000, now: () => new Date(NOW) }),
        { interceptors: [errorInterceptor(silentLogger)] },
      ),
    ),
  );
});

afterAll(async () => {
  await db.drop();
});

describe("HostService", () => {
  it("stores each sample once however its batches arrive", async () => {
    const { rows } = await db.pool.query<{ host_id: string; n: number }>(
      "SELECT host_id, count(*)::int AS n FROM host_samples GROUP BY 1 ORDER BY 1",
    );
    expect(rows).toEqual([
      { host_id: "host-alpha", n: 300 },
      { host_id: "host-beta", n: 100 },
    ]);
  });
});

describe("ListHosts", () => {
  it("lists every host with its newest description, online only with a sample in the last 30 s", async () => {
    const { hosts } = await client.listHosts({});
    expect(hosts.map((h) => [h.id, h.hostname, h.os, h.cores, h.memoryBytes, h.online])).toEqual([
      ["host-alpha", "alpha", "Debian GNU/Linux 12", 2, 8e9, true],
      ["host-beta", "beta", "Alpine Linux 3.20", 4, 4e9, false],
    ]);
    // last_seen is the newest sample even though the older batch was written last.
    expect(timestampMs(hosts[0]?.lastSeen ?? timestampFromMs(0))).toBe(ALPHA_START + 299 * 2000);
    expect(timestampMs(hosts[1]?.lastSeen ?? timestampFromMs(0))).toBe(BETA_END);
  });

  it("is served by the API next to MonitorService", async () => {
    const { hosts } = await apiClient.listHosts({});
    expect(hosts.map((h) => h.id)).toEqual(["host-alpha", "host-beta"]);
  });
});

describe("GetHostHistory", () => {
  const window = { since: timestampFromMs(ALPHA_START), until: timestampFromMs(NOW) };

  it("returns the average and maximum of each metric per bucket, computed in SQL", async () => {
    const { series } = await client.getHostHistory({
      hostId: "host-alpha",
      ...window,
      stepSeconds: 60,
    });
    expect(series.map((s) => s.metric)).toEqual([
      "cpu_percent",
      "memory_used_bytes",
      "load1",
      "rx_bytes_per_sec",
      "tx_bytes_per_sec",
      "disk_used_percent",
    ]);
    const byMetric = Object.fromEntries(series.map((s) => [s.metric, s.points]));
    for (const points of Object.values(byMetric)) expect(points).toHaveLength(10);
    for (let b = 0; b < 10; b++) {
      const at = (metric: string) => byMetric[metric]?.[b];
      expect(timestampMs(at("cpu_percent")?.at ?? timestampFromMs(0))).toBe(
        ALPHA_START + b * MINUTE,
      );
      // Samples 0..29 of a bucket carry 0..29.
      expect(at("cpu_percent")?.avg).toBeCloseTo(14.5, 5);
      expect(at("cpu_percent")?.max).toBe(29);
      expect(at("memory_used_bytes")).toMatchObject({ avg: 1000 * (b + 1), max: 1000 * (b + 1) });
      expect(at("load1")?.avg).toBeCloseTo(1.45, 5);
      expect(at("load1")?.max).toBeCloseTo(2.9, 5);
      expect(at("rx_bytes_per_sec")).toMatchObject({ avg: b * 100 + 14.5, max: b * 100 + 29 });
      expect(at("tx_bytes_per_sec")).toMatchObject({ avg: 7, max: 7 });
      // The fullest mount: /data, 500 + b of 1000 bytes.
      expect(at("disk_used_percent")?.max).toBeCloseTo((500 + b) / 10, 4);
    }
  });

  it("defaults to the last hour in about 300 buckets, never finer than the sample interval", async () => {
    const { series } = await client.getHostHistory({ hostId: "host-alpha" });
    // 3600 s / 300 = 12 s buckets; alpha's 10 minutes of samples fill 50 of them.
    expect(series[0]?.points).toHaveLength(50);
    const short = await client.getHostHistory({ hostId: "host-alpha", ...window });
    // 600 s / 300 = 2 s: one sample per bucket.
    expect(short.series[0]?.points).toHaveLength(300);
  });

  it("answers invalid_argument naming the field for bad requests", async () => {
    const cases: [Parameters<typeof client.getHostHistory>[0], string][] = [
      [{ hostId: "" }, "hostId is required"],
      [
        { hostId: "host-alpha", since: window.until, until: window.since },
        "since must be before until",
      ],
      [
        {
          hostId: "host-alpha",
          since: timestampFromMs(NOW - 91 * 86_400_000),
          until: window.until,
        },
        "since must be at most 90 days before until",
      ],
      [{ hostId: "host-alpha", stepSeconds: 86_401 }, "stepSeconds must be between 1 and 86400"],
      [{ hostId: "host-alpha", stepSeconds: -5 }, "stepSeconds must be between 1 and 86400"],
      [
        {
          hostId: "host-alpha",
          since: timestampFromMs(NOW - 86_400_000),
          until: window.until,
          stepSeconds: 1,
        },
        "stepSeconds is too small: the window holds more than 5000 steps; raise stepSeconds",
      ],
    ];
    for (const [request, message] of cases) {
      expect(await connectError(apiClient.getHostHistory(request))).toEqual([
        Code.InvalidArgument,
        message,
      ]);
    }
  });

  it("answers not_found for a host that never sent a sample", async () => {
    expect(await connectError(client.getHostHistory({ hostId: "host-gamma" }))).toEqual([
      Code.NotFound,
      "host host-gamma not found",
    ]);
  });
});
