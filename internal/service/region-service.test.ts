import { timestampMs } from "@bufbuild/protobuf/wkt";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RegionService } from "../../gen/pulsar/v1/region_pb.js";
import { createTestOrg, type TestOrg } from "../../test/support/accounts.js";
import { insertMonitorRow } from "../../test/support/monitor-rows.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../test/support/redis.js";
import { deleteKeys } from "../../test/support/redis-keys.js";
import { errorInterceptor } from "../api/errors.js";
import { callerKey } from "../auth/caller.js";
import { rememberRegions } from "../checks/queue/check-regions.js";
import { silentLogger } from "../core/logger.js";
import { createRedis } from "../redis/redis.js";
import { ONLINE_MS, recordProbe, recordWorker } from "../regions/region-presence.js";
import { createRegionService } from "./region-service.js";

// RegionService.ListRegions through a Connect router transport, on a real Postgres and Redis:
// the regions known, who serves each (as workers and probes recorded it), and how many of the
// caller's organization's monitors list each.

const DEFAULT_REGION = "eu-central";
const NOW = 1_800_000_000_000;

let db: TestDatabase;
let redis: Redis;
let prefix: string;
const prefixes: string[] = [];
let acme: TestOrg;
let globex: TestOrg;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedis(TEST_REDIS_URL, "command", "region-service-test");
  acme = await createTestOrg(db.pool, "Acme");
  globex = await createTestOrg(db.pool, "Globex");
});
afterAll(async () => {
  for (const used of prefixes) await deleteKeys(redis, `${used}:*`);
  redis.disconnect();
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE monitors CASCADE");
  prefix = uniquePrefix("region-service");
  prefixes.push(prefix);
});

/** clientOf calls the service as a member of `org`; the known regions are Redis' set. */
function clientOf(org: TestOrg) {
  const service = createRegionService({
    pool: db.pool,
    redis,
    prefix,
    defaultRegion: DEFAULT_REGION,
    knownRegions: () => redis.smembers(`${prefix}:check-regions`),
    now: () => NOW,
  });
  return createClient(
    RegionService,
    createRouterTransport((router) =>
      router.service(RegionService, service, {
        interceptors: [
          errorInterceptor(silentLogger),
          (next) => (req) => {
            req.contextValues.set(callerKey, org.caller);
            return next(req);
          },
        ],
      }),
    ),
  );
}

async function monitorListing(org: TestOrg, regions: string[], enabled = true) {
  const id = await insertMonitorRow(db.pool, org.orgId, { enabled });
  await db.pool.query("UPDATE monitors SET regions = $2 WHERE id = $1", [id, regions]);
  return id;
}

describe("ListRegions", () => {
  it("lists the default region alone, live or not, when nothing else is known", async () => {
    const answer = await clientOf(acme).listRegions({});
    expect(answer.defaultRegion).toBe(DEFAULT_REGION);
    expect(answer.regions.map((r) => [r.name, r.live, r.monitors])).toEqual([
      [DEFAULT_REGION, false, 0],
    ]);
  });

  it("lists the regions known, the default and those the caller's monitors list, by name", async () => {
    await rememberRegions(redis, prefix, ["us-east", "ap-south"]);
    // A region no worker serves any more that an Acme monitor still lists; and one only Globex lists.
    await monitorListing(acme, ["gone-west"]);
    await monitorListing(globex, ["globex-only"]);
    const acmeNames = (await clientOf(acme).listRegions({})).regions.map((r) => r.name);
    expect(acmeNames).toEqual(["ap-south", DEFAULT_REGION, "gone-west", "us-east"]);
    const globexNames = (await clientOf(globex).listRegions({})).regions.map((r) => r.name);
    expect(globexNames).toEqual(["ap-south", DEFAULT_REGION, "globex-only", "us-east"]);
  });

  it("counts the caller's organization's monitors per region, the default counting those listing none", async () => {
    await rememberRegions(redis, prefix, ["us-east", "ap-south"]);
    await monitorListing(acme, []);
    await monitorListing(acme, [], false); // paused: it still lists the default region
    await monitorListing(acme, ["us-east", DEFAULT_REGION]);
    await monitorListing(acme, ["us-east"]);
    // Another organization's monitors are not the caller's.
    await monitorListing(globex, []);
    await monitorListing(globex, ["ap-south", "us-east"]);
    const count = async (org: TestOrg) =>
      Object.fromEntries(
        (await clientOf(org).listRegions({})).regions.map((r) => [r.name, r.monitors]),
      );
    expect(await count(acme)).toEqual({ "ap-south": 0, [DEFAULT_REGION]: 3, "us-east": 2 });
    expect(await count(globex)).toEqual({ "ap-south": 1, [DEFAULT_REGION]: 1, "us-east": 1 });
  });

  it("shows each region's live workers and its probes, online or not, and whether it is live", async () => {
    await rememberRegions(redis, prefix, ["us-east", "ap-south", "sa-east"]);
    await recordWorker(redis, prefix, "us-east", { id: "box:1", version: "1.0.0" }, NOW - 1_000);
    // Restarted long ago: no longer a worker of the region.
    await recordWorker(redis, prefix, "us-east", { id: "box:0", version: "0.9.0" }, NOW - 60_000);
    const probe = {
      tokenId: "00000000-0000-0000-0000-000000000001",
      name: "Mumbai rack",
      version: "1.0.0",
      checksPerSecond: 2.5,
      latenessP99Ms: 40,
      clockOffsetMs: -12,
    };
    await recordProbe(redis, prefix, "ap-south", probe, NOW - 5_000);
    await recordProbe(
      redis,
      prefix,
      "sa-east",
      { ...probe, tokenId: "00000000-0000-0000-0000-000000000002", name: "São Paulo" },
      NOW - ONLINE_MS - 1,
    );
    const regions = new Map((await clientOf(acme).listRegions({})).regions.map((r) => [r.name, r]));

    const usEast = regions.get("us-east");
    expect(usEast?.live).toBe(true);
    expect(usEast?.workers.map((w) => [w.id, w.version])).toEqual([["box:1", "1.0.0"]]);
    expect(usEast?.workers[0]?.lastSeenAt && timestampMs(usEast.workers[0].lastSeenAt)).toBe(
      NOW - 1_000,
    );
    expect(usEast?.probes).toEqual([]);

    const apSouth = regions.get("ap-south");
    expect(apSouth?.live).toBe(true);
    expect(apSouth?.workers).toEqual([]);
    expect(
      apSouth?.probes.map((p) => [p.name, p.online, p.checksPerSecond, p.clockOffsetMs]),
    ).toEqual([["Mumbai rack", true, 2.5, -12]]);

    // A probe offline for longer than ONLINE_MS is still shown, and its region is silent.
    const saEast = regions.get("sa-east");
    expect(saEast?.live).toBe(false);
    expect(saEast?.probes.map((p) => [p.name, p.online])).toEqual([["São Paulo", false]]);

    expect(regions.get(DEFAULT_REGION)?.live).toBe(false);
  });
});
