import { create } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, createClient, createRouterTransport } from "@connectrpc/connect";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HostSample, HostSampleSchema, HostService } from "../../gen/pulsar/v1/host_pb.js";
import { bearer, createTestOrg, type TestOrg } from "../../test/support/accounts.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { refusal as connectError } from "../../test/support/refusal.js";
import { createApi } from "../api/app.js";
import { authenticateCaller } from "../api/auth-gate.js";
import { errorInterceptor } from "../api/errors.js";
import { requestGate } from "../api/request-gate.js";
import { silentLogger } from "../core/logger.js";
import { writeHostSampleBatch } from "../hosts/server/hosts-db.js";
import { createRedis } from "../redis/redis.js";
import { createHostService } from "./host-service.js";

const MINUTE = 60_000;
// A fixed "now" on a minute boundary, so that 60 s buckets hold exactly 30 samples each.
const NOW = Math.floor(Date.now() / MINUTE) * MINUTE;
const ALPHA_START = NOW - 10 * MINUTE;
const BETA_END = NOW - 60 * MINUTE;

type Client = ReturnType<typeof createClient<typeof HostService>>;

let db: TestDatabase;
let redis: Redis;
/** Organization A, which owns host-alpha and host-beta; shared hosts on. */
let client: Client;
/** Organization B, which owns host-bravo; shared hosts on. */
let bravo: Client;
/** A and B again, on an installation with PULSAR_SHARED_HOSTS=false. */
let alphaPrivate: Client;
let bravoPrivate: Client;
let apiClient: Client;
let orgA: TestOrg;
let orgB: TestOrg;

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
    diskIo: { readBytesPerSec: bucket * 1e6 + inBucket, writeBytesPerSec: 4096, readOpsPerSec: 3 },
    fileHandles: { allocated: 1000 + inBucket, max: 9.2e18 },
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

/** otherSample is a recent sample of hostId (i-th, 2 s apart, ending 2 s before NOW). */
function otherSample(hostId: string, hostname: string, i: number): HostSample {
  return create(HostSampleSchema, {
    hostId,
    hostname,
    sampledAt: timestampFromMs(NOW - 2000 - i * 2000),
    cpu: { totalPercent: 99 },
    memory: { totalBytes: 2e9, usedBytes: 1e9 },
    info: { os: "FreeBSD 14", cores: 8 },
  });
}

const owned = (orgId: string | undefined, samples: HostSample[]) =>
  samples.map((sample) => ({ orgId, sample }));

/** serviceClient calls a HostService of its own (fixed clock) with token, as the API does. */
function serviceClient(token: string, sharedHosts: boolean): Client {
  return createClient(
    HostService,
    createRouterTransport(
      (router) =>
        router.service(
          HostService,
          createHostService({
            pool: db.pool,
            sampleIntervalMs: 2000,
            sharedHosts,
            now: () => new Date(NOW),
          }),
          {
            interceptors: [errorInterceptor(silentLogger)],
            requestGate: requestGate([authenticateCaller({ pool: db.pool, log: silentLogger })], {
              log: silentLogger,
            }),
          },
        ),
      { transport: { interceptors: [bearer(token)] } },
    ),
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedis(TEST_REDIS_URL, "command", "host-service-test");
  orgA = await createTestOrg(db.pool, "Alpha org");
  orgB = await createTestOrg(db.pool, "Bravo org");
  const alpha = Array.from({ length: 300 }, (_, i) => alphaSample(i));
  // Out of order and with one batch written twice, as retries and slow batches do.
  for (const batch of [alpha.slice(100, 300), alpha.slice(0, 100), alpha.slice(0, 100)])
    await writeHostSampleBatch(db.pool, owned(orgA.orgId, batch));
  await writeHostSampleBatch(
    db.pool,
    owned(
      orgA.orgId,
      Array.from({ length: 100 }, (_, i) => betaSample(i)),
    ),
  );
  await writeHostSampleBatch(
    db.pool,
    owned(
      orgB.orgId,
      Array.from({ length: 10 }, (_, i) => otherSample("host-bravo", "bravo", i)),
    ),
  );
  await writeHostSampleBatch(
    db.pool,
    owned(
      undefined,
      Array.from({ length: 10 }, (_, i) => otherSample("host-shared", "shared", i)),
    ),
  );
  const api = createApi({
    pool: db.pool,
    redis,
    prefix: uniquePrefix("host-service"),
    scheduler: { schedule: async () => {}, unschedule: async () => {} },
    log: silentLogger,
    sampleIntervalMs: 2000,
  });
  apiClient = createClient(
    HostService,
    createRouterTransport(api.routes, { transport: { interceptors: [bearer(orgA.apiToken)] } }),
  );
  // The service with a fixed clock, for "online" and the default window.
  client = serviceClient(orgA.apiToken, true);
  bravo = serviceClient(orgB.apiToken, true);
  alphaPrivate = serviceClient(orgA.apiToken, false);
  bravoPrivate = serviceClient(orgB.apiToken, false);
});

afterAll(async () => {
  redis.disconnect();
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
      { host_id: "host-bravo", n: 10 },
      { host_id: "host-shared", n: 10 },
    ]);
  });

  it("keeps a host claimed by an organization from being written by a shared worker or another organization", async () => {
    const impostors = Array.from({ length: 5 }, (_, i) => otherSample("host-alpha", "impostor", i));
    expect(await writeHostSampleBatch(db.pool, owned(undefined, impostors))).toEqual([
      { orgId: undefined, hostId: "host-alpha" },
    ]);
    expect(await writeHostSampleBatch(db.pool, owned(orgB.orgId, impostors))).toEqual([
      { orgId: orgB.orgId, hostId: "host-alpha" },
    ]);
    // A batch mixing a foreign host with one of its own still stores its own.
    const mixed = [
      ...owned(orgB.orgId, impostors),
      ...owned(orgB.orgId, [otherSample("host-bravo", "bravo", 20)]),
    ];
    expect(await writeHostSampleBatch(db.pool, mixed)).toEqual([
      { orgId: orgB.orgId, hostId: "host-alpha" },
    ]);

    const { rows } = await db.pool.query(
      `SELECT h.org_id, h.hostname, count(s.*)::int AS n, max(s.cpu_percent) AS cpu_max
       FROM hosts h LEFT JOIN host_samples s ON s.host_id = h.id
       WHERE h.id IN ('host-alpha', 'host-bravo') GROUP BY 1, 2 ORDER BY 2`,
    );
    expect(rows).toEqual([
      { org_id: orgA.orgId, hostname: "alpha", n: 300, cpu_max: 29 },
      { org_id: orgB.orgId, hostname: "bravo", n: 11, cpu_max: 99 },
    ]);
  });
});

describe("ListHosts", () => {
  it("lists the organization's hosts and the shared ones with their newest description, online only with a sample in the last 30 s", async () => {
    const { hosts } = await client.listHosts({});
    expect(
      hosts.map((h) => [h.id, h.hostname, h.os, h.cores, h.memoryBytes, h.online, h.shared]),
    ).toEqual([
      ["host-alpha", "alpha", "Debian GNU/Linux 12", 2, 8e9, true, false],
      ["host-beta", "beta", "Alpine Linux 3.20", 4, 4e9, false, false],
      ["host-shared", "shared", "FreeBSD 14", 8, 2e9, true, true],
    ]);
    // last_seen is the newest sample even though the older batch was written last.
    expect(timestampMs(hosts[0]?.lastSeen ?? timestampFromMs(0))).toBe(ALPHA_START + 299 * 2000);
    expect(timestampMs(hosts[1]?.lastSeen ?? timestampFromMs(0))).toBe(BETA_END);
  });

  it("lists no host of another organization", async () => {
    const { hosts } = await bravo.listHosts({});
    expect(hosts.map((h) => [h.id, h.shared])).toEqual([
      ["host-bravo", false],
      ["host-shared", true],
    ]);
  });

  it("shows shared hosts to no organization when PULSAR_SHARED_HOSTS is false", async () => {
    expect((await alphaPrivate.listHosts({})).hosts.map((h) => h.id)).toEqual([
      "host-alpha",
      "host-beta",
    ]);
    expect((await bravoPrivate.listHosts({})).hosts.map((h) => h.id)).toEqual(["host-bravo"]);
  });

  it("is served by the API next to MonitorService, for the token's organization", async () => {
    const { hosts } = await apiClient.listHosts({});
    expect(hosts.map((h) => h.id)).toEqual(["host-alpha", "host-beta", "host-shared"]);
  });

  it("refuses callers without an API credential: none, forged, or a worker token", async () => {
    const withToken = (token: string | undefined) =>
      createClient(
        HostService,
        createRouterTransport(
          (router) =>
            router.service(
              HostService,
              createHostService({ pool: db.pool, sampleIntervalMs: 2000, sharedHosts: true }),
              {
                interceptors: [errorInterceptor(silentLogger)],
                requestGate: requestGate(
                  [authenticateCaller({ pool: db.pool, log: silentLogger })],
                  { log: silentLogger },
                ),
              },
            ),
          { transport: { interceptors: token ? [bearer(token)] : [] } },
        ),
      );
    const codeOf = async (token: string | undefined) =>
      (await connectError(withToken(token).listHosts({})))[0];
    expect(await codeOf(undefined)).toBe(Code.Unauthenticated);
    expect(await codeOf(`pulsar_api_${"A".repeat(43)}`)).toBe(Code.Unauthenticated);
    expect(await codeOf(await orgA.token("worker"))).toBe(Code.PermissionDenied);
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
      "disk_read_bps",
      "disk_write_bps",
      "file_handles",
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
      expect(at("disk_read_bps")).toMatchObject({ avg: b * 1e6 + 14.5, max: b * 1e6 + 29 });
      expect(at("disk_write_bps")).toMatchObject({ avg: 4096, max: 4096 });
      expect(at("file_handles")).toMatchObject({ avg: 1014.5, max: 1029 });
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

  it("answers not_found for another organization's host, exactly as for one that does not exist", async () => {
    expect(await connectError(bravo.getHostHistory({ hostId: "host-alpha" }))).toEqual([
      Code.NotFound,
      "host host-alpha not found",
    ]);
    expect(await connectError(client.getHostHistory({ hostId: "host-bravo" }))).toEqual([
      Code.NotFound,
      "host host-bravo not found",
    ]);
  });

  it("serves a shared host's history to every organization, and to none when shared hosts are off", async () => {
    for (const org of [client, bravo]) {
      const { series } = await org.getHostHistory({ hostId: "host-shared", stepSeconds: 60 });
      expect(series[0]?.points.length).toBeGreaterThan(0);
    }
    for (const org of [alphaPrivate, bravoPrivate]) {
      expect(await connectError(org.getHostHistory({ hostId: "host-shared" }))).toEqual([
        Code.NotFound,
        "host host-shared not found",
      ]);
    }
  });
});
