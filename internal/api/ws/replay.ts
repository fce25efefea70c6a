import { fromBinary } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Redis } from "ioredis";
import { type HostSample, HostSampleSchema } from "../../../gen/pulsar/v1/host_pb.js";
import type { Monitor } from "../../../gen/pulsar/v1/monitor_pb.js";
import { getMonitor, listMonitorsPage } from "../../db/monitors.js";
import type { Queryable } from "../../db/pool.js";
import type { Logger } from "../../log/logger.js";
import { hostRingKey, hostsKey, type Topic } from "../../stream/topics.js";
import type { StreamPayload } from "./frames.js";

/** REPLAY_HOST_SAMPLES is how many recent samples per host a subscription replays. */
export const REPLAY_HOST_SAMPLES = 100;

const MONITOR_PAGE = 500;

/** ReplayDeps are what replay reads: the host rings in Redis and monitor_state in Postgres. */
export interface ReplayDeps {
  pool: Queryable;
  redis: Pick<Redis, "lrangeBuffer" | "smembers" | "pipeline">;
  prefix: string;
  log: Logger;
}

/**
 * Replay is the recent past of one subscription, oldest first, and for each source topic
 * (host:<id> or monitor:<id>) the time of the newest event in it. A live event that raced the
 * replay (published before the read, delivered after the subscription started buffering) is
 * recognised by a time at or before its source's mark and dropped instead of sent twice.
 */
export interface Replay {
  payloads: StreamPayload[];
  marks: Map<string, number>;
}

/** loadReplay reads the replay of a topic. */
export async function loadReplay(deps: ReplayDeps, topic: Topic): Promise<Replay> {
  const replay: Replay = { payloads: [], marks: new Map() };
  switch (topic.kind) {
    case "host":
      addHostRing(
        deps,
        replay,
        topic.id,
        await deps.redis.lrangeBuffer(ringKey(deps, topic.id), 0, REPLAY_HOST_SAMPLES - 1),
      );
      break;
    case "hosts":
      await addAllHosts(deps, replay);
      break;
    case "monitor":
      addMonitor(replay, await getMonitor(deps.pool, topic.id));
      break;
    case "monitors":
      for (let afterSeq: string | undefined; ; ) {
        const page = await listMonitorsPage(deps.pool, { afterSeq, limit: MONITOR_PAGE });
        for (const monitor of page.monitors) addMonitor(replay, monitor);
        if (page.monitors.length < MONITOR_PAGE || page.lastSeq === undefined) break;
        afterSeq = page.lastSeq;
      }
      break;
  }
  return replay;
}

async function addAllHosts(deps: ReplayDeps, replay: Replay): Promise<void> {
  // Sorted so every client sees hosts in the same order; one round trip for all the rings.
  const ids = (await deps.redis.smembers(hostsKey(deps.prefix))).sort();
  if (ids.length === 0) return;
  const pipeline = deps.redis.pipeline();
  for (const id of ids) pipeline.lrangeBuffer(ringKey(deps, id), 0, REPLAY_HOST_SAMPLES - 1);
  const results = (await pipeline.exec()) ?? [];
  ids.forEach((id, i) => {
    const [error, ring] = results[i] ?? [null, []];
    if (error) throw error;
    if (Array.isArray(ring)) addHostRing(deps, replay, id, ring.filter(Buffer.isBuffer));
  });
}

function addHostRing(deps: ReplayDeps, replay: Replay, hostId: string, newestFirst: Buffer[]) {
  let newest: HostSample | undefined;
  for (let i = newestFirst.length - 1; i >= 0; i--) {
    const bytes = newestFirst[i];
    if (!bytes) continue;
    try {
      newest = fromBinary(HostSampleSchema, bytes);
    } catch (error) {
      // A corrupt entry costs one sample, not the whole replay.
      deps.log.warn("skipping undecodable host sample in ring", { hostId, error });
      continue;
    }
    replay.payloads.push({ case: "hostSample", value: newest });
  }
  if (newest?.sampledAt) replay.marks.set(`host:${hostId}`, timestampMs(newest.sampledAt));
}

function addMonitor(replay: Replay, monitor: Monitor | undefined): void {
  const result = monitor?.lastResult;
  if (!monitor || !result) return;
  replay.payloads.push({ case: "checkResult", value: result });
  if (result.checkedAt) replay.marks.set(`monitor:${monitor.id}`, timestampMs(result.checkedAt));
}

function ringKey(deps: ReplayDeps, hostId: string): string {
  return hostRingKey(deps.prefix, hostId);
}
