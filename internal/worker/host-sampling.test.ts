import { fromBinary } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HostSample, HostSampleSchema } from "../../gen/pulsar/v1/host_pb.js";
import { createTestOrg } from "../../test/support/accounts.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { hostSample } from "../../test/support/stream-clients.js";
import { silentLogger } from "../core/logger.js";
import type { SamplerDeps } from "../hosts/reading/sampler.js";
import type { HostSamplePublisher } from "../hosts/server/sample-sink.js";
import { createHostSampleStore, type Owner } from "../hosts/server/sample-store.js";
import { createRedis } from "../redis/redis.js";
import { createStreamPublisher } from "../stream/publisher.js";
import { hostRingKey, ownerScope } from "../stream/topics.js";
import { type HostSampling, startHostSampling } from "./host-sampling.js";
import { createSamplerLease } from "./sampler-lease.js";

let db: TestDatabase;
const redis = createRedis(TEST_REDIS_URL, "command", "host-sampling-test");
const prefix = uniquePrefix("host-sampling");

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await db.drop();
});

/** Worker is one worker's sampling, driven by hand: take() is the sampler's next tick. */
interface Worker {
  sampling: HostSampling;
  take(sample: HostSample): Promise<void>;
  published: { hostId: string; owner: Owner }[];
  stopped(): boolean;
}

function startWorker(owner: Owner, live?: HostSamplePublisher): Worker {
  const published: Worker["published"] = [];
  const publisher: HostSamplePublisher = {
    async publishHostSample(sample, ownerOrgId) {
      published.push({ hostId: sample.hostId, owner: ownerOrgId });
      await live?.publishHostSample(sample, ownerOrgId);
    },
  };
  let onSample: SamplerDeps["onSample"] | undefined;
  let stopped = false;
  const sampling = startHostSampling({
    owner,
    store: createHostSampleStore({ pool: db.pool, log: silentLogger, maxDelayMs: 20 }),
    publisher,
    lease: createSamplerLease(redis, prefix, 60_000),
    intervalMs: 500,
    version: "1.2.3-test",
    hostId: undefined,
    log: silentLogger,
    createSampler: (deps) => {
      onSample = deps.onSample;
      return {
        start() {},
        configure() {},
        async stop() {
          stopped = true;
        },
      };
    },
  });
  return {
    sampling,
    take: async (sample) => {
      await onSample?.(sample);
    },
    published,
    stopped: () => stopped,
  };
}

const stored = async (hostId: string) =>
  (
    await db.pool.query<{ n: number; org_id: string | null }>(
      `SELECT count(*)::int AS n, (SELECT org_id FROM hosts WHERE id = $1) AS org_id
       FROM host_samples WHERE host_id = $1`,
      [hostId],
    )
  ).rows[0];

describe("startHostSampling", () => {
  it("stores and publishes the host's samples as its owner's, from one of the workers sharing the machine", async () => {
    const org = await createTestOrg(db.pool);
    const first = startWorker(org.orgId);
    const second = startWorker(org.orgId);
    const now = Date.now();
    await first.take(hostSample("shared-machine", now - 4000));
    await second.take(hostSample("shared-machine", now - 4000));
    await first.take(hostSample("shared-machine", now - 2000));
    await first.sampling.stop();
    expect(first.stopped()).toBe(true);
    expect(first.published).toEqual([
      { hostId: "shared-machine", owner: org.orgId },
      { hostId: "shared-machine", owner: org.orgId },
    ]);
    expect(second.published).toEqual([]);
    // stop wrote what was pending.
    expect(await stored("shared-machine")).toEqual({ n: 2, org_id: org.orgId });

    // stop gave the lease up: the other worker reports the host at once, not after its TTL.
    await second.take(hostSample("shared-machine", now));
    await second.sampling.stop();
    expect(second.published).toEqual([{ hostId: "shared-machine", owner: org.orgId }]);
    expect(await stored("shared-machine")).toEqual({ n: 3, org_id: org.orgId });
  });

  it("stores and publishes a sample's disk I/O, file handles, process details and host description unchanged", async () => {
    const org = await createTestOrg(db.pool);
    const worker = startWorker(org.orgId, createStreamPublisher(redis, prefix));
    const sample = hostSample("detailed-machine", Date.now() - 2000, {
      diskIo: {
        readBytesPerSec: 4096,
        writeBytesPerSec: 1.5e6,
        readOpsPerSec: 1,
        writeOpsPerSec: 30.5,
        devices: [{ name: "nvme0n1", readBytesPerSec: 4096, writeBytesPerSec: 1.5e6 }],
      },
      fileHandles: { allocated: 2112, max: 2 ** 63 },
      topProcesses: [
        {
          pid: 42,
          name: "postgres",
          memoryPercent: 12.5,
          threads: 3,
          openFiles: -1,
          command: "postgres: checkpointer",
          state: "sleeping",
        },
      ],
      info: {
        os: "Debian GNU/Linux 12",
        ipAddress: "192.0.2.7",
        agentVersion: "0.1.0",
        labels: { env: "prod" },
      },
    });
    await worker.take(sample);
    await worker.sampling.stop();
    // The live stream's ring holds the sample as published: every new field survives.
    const [ring] = await redis.lrangeBuffer(
      hostRingKey(prefix, ownerScope(org.orgId), "detailed-machine"),
      0,
      0,
    );
    if (!ring) throw new Error("nothing published");
    expect(fromBinary(HostSampleSchema, ring)).toEqual(sample);
    const { rows } = await db.pool.query(
      "SELECT disk_write_bps, disk_write_ops, file_handles FROM host_samples WHERE host_id = $1",
      ["detailed-machine"],
    );
    expect(rows).toEqual([{ disk_write_bps: 1.5e6, disk_write_ops: 30.5, file_handles: 2112 }]);
  });

  it("neither stores nor publishes a host another owner claimed", async () => {
    const org = await createTestOrg(db.pool);
    const owned = startWorker(org.orgId);
    await owned.take(hostSample("org-machine", Date.now() - 4000));
    await owned.sampling.stop();
    const shared = startWorker(undefined);
    await shared.take(hostSample("org-machine", Date.now() - 2000));
    await shared.sampling.stop();
    expect(shared.published).toEqual([]);
    expect(await stored("org-machine")).toEqual({ n: 1, org_id: org.orgId });
  });
});
