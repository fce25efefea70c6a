import { create, fromJsonString, toJsonString } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import type { Redis } from "ioredis";
import {
  type RegionProbe,
  RegionProbeSchema,
  type RegionWorker,
  RegionWorkerSchema,
} from "../../gen/pulsar/v1/region_pb.js";

/** ONLINE_MS is how recently a worker or probe must have been seen to count as online. */
export const ONLINE_MS = 30_000;

/** Entries not seen for this long are dropped when read: a probe's token may be long gone. */
const FORGET_MS = 24 * 3600_000;

/** presenceKey is the Redis hash of one region's workers and probes, as last seen. */
function presenceKey(prefix: string, region: string): string {
  return `${prefix}:region-presence:${region}`;
}

/**
 * recordWorker says that a worker serves `region` now. A worker calls it every few seconds
 * (well within ONLINE_MS); the hash field is its id, so a restarted worker with a new pid shows
 * as a new one and the old one goes offline.
 */
export async function recordWorker(
  redis: Pick<Redis, "hset">,
  prefix: string,
  region: string,
  worker: Omit<RegionWorker, "$typeName" | "lastSeenAt">,
  nowMs = Date.now(),
): Promise<void> {
  const seen = create(RegionWorkerSchema, { ...worker, lastSeenAt: timestampFromMs(nowMs) });
  await redis.hset(
    presenceKey(prefix, region),
    `worker:${worker.id}`,
    toJsonString(RegionWorkerSchema, seen),
  );
}

/**
 * forgetWorker says that a worker stopped serving `region` (its graceful shutdown), so that the
 * Regions page stops listing it at once instead of after ONLINE_MS.
 */
export async function forgetWorker(
  redis: Pick<Redis, "hdel">,
  prefix: string,
  region: string,
  id: string,
): Promise<void> {
  await redis.hdel(presenceKey(prefix, region), `worker:${id}`);
}

/** recordProbe says that the probe of a token called the API now, with what it said. */
export async function recordProbe(
  redis: Pick<Redis, "hset">,
  prefix: string,
  region: string,
  probe: Omit<RegionProbe, "$typeName" | "lastSeenAt" | "online">,
  nowMs = Date.now(),
): Promise<void> {
  const seen = create(RegionProbeSchema, { ...probe, lastSeenAt: timestampFromMs(nowMs) });
  await redis.hset(
    presenceKey(prefix, region),
    `probe:${probe.tokenId}`,
    toJsonString(RegionProbeSchema, seen),
  );
}

/** RegionPresence is what serves one region: live workers, and every probe that has called. */
export interface RegionPresence {
  workers: RegionWorker[];
  probes: RegionProbe[];
  /** A worker or probe was seen within ONLINE_MS. */
  live: boolean;
}

/**
 * readRegionPresence reads who serves a region. Workers not seen within ONLINE_MS are left out
 * (each restart is a new one); probes are kept, marked online or not; entries older than a day
 * are deleted.
 */
export async function readRegionPresence(
  redis: Pick<Redis, "hgetall" | "hdel">,
  prefix: string,
  region: string,
  nowMs = Date.now(),
): Promise<RegionPresence> {
  const fields = await redis.hgetall(presenceKey(prefix, region));
  const presence: RegionPresence = { workers: [], probes: [], live: false };
  const forgotten: string[] = [];
  for (const [field, json] of Object.entries(fields)) {
    const seen = parseSeen(field, json);
    const seenMs = seen?.lastSeenAt ? timestampMs(seen.lastSeenAt) : 0;
    if (!seen || nowMs - seenMs > FORGET_MS) {
      forgotten.push(field);
      continue;
    }
    const online = nowMs - seenMs <= ONLINE_MS;
    presence.live ||= online;
    if (seen.$typeName === RegionWorkerSchema.typeName) {
      if (online) presence.workers.push(seen);
    } else {
      seen.online = online;
      presence.probes.push(seen);
    }
  }
  if (forgotten.length > 0) await redis.hdel(presenceKey(prefix, region), ...forgotten);
  presence.workers.sort((a, b) => a.id.localeCompare(b.id));
  presence.probes.sort((a, b) => a.name.localeCompare(b.name));
  return presence;
}

/** parseSeen reads one hash field; undefined for one this version cannot read. */
function parseSeen(field: string, json: string): RegionWorker | RegionProbe | undefined {
  try {
    if (field.startsWith("worker:")) return fromJsonString(RegionWorkerSchema, json);
    if (field.startsWith("probe:")) return fromJsonString(RegionProbeSchema, json);
  } catch {
    // Written by another version, or by hand: forgotten like a stale one.
  }
  return undefined;
}
