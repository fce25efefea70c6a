import { fromBinary } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Redis } from "ioredis";
import { type HostSample, HostSampleSchema } from "../../../gen/pulsar/v1/host_pb.js";
import type { Monitor } from "../../../gen/pulsar/v1/monitor_pb.js";
import { listAlertEvents } from "../../db/alert-admin.js";
import { getMonitor, listMonitorsPage } from "../../db/monitors.js";
import type { Queryable } from "../../db/pool.js";
import type { Logger } from "../../log/logger.js";
import { alertSource, hostRingKey, hostsKey, type Topic } from "../../stream/topics.js";
import type { StreamPayload } from "./frames.js";

/** REPLAY_HOST_SAMPLES is how many recent samples per host a subscription replays. */
export const REPLAY_HOST_SAMPLES = 100;

/** REPLAY_ALERT_EVENTS is how many of its organization's latest alert events `alerts` replays. */
export const REPLAY_ALERT_EVENTS = 20;

const MONITOR_PAGE = 500;

/**
 * ReplayScope is whose past a subscription may see: the caller's organization (monitors) and
 * the owner scopes of its host topics (visibleScopes).
 */
export interface ReplayScope {
  orgId: string;
  scopes: readonly string[];
}

/**
 * ReplayDeps are what replay reads: the host rings in Redis, monitor_state and alert_events in
 * Postgres.
 */
export interface ReplayDeps {
  pool: Queryable;
  redis: Pick<Redis, "smembers" | "pipeline">;
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

/**
 * loadReplay reads the replay of a topic within a scope: the rings of the scope's hosts, the
 * organization's monitors or its latest alert events. Another organization's host or monitor replays nothing, exactly like
 * one that does not exist.
 */
export async function loadReplay(
  deps: ReplayDeps,
  topic: Topic,
  scope: ReplayScope,
): Promise<Replay> {
  const replay: Replay = { payloads: [], marks: new Map() };
  switch (topic.kind) {
    case "host":
      await addHostRings(
        deps,
        replay,
        scope.scopes.map((owner) => ({ owner, id: topic.id })),
      );
      break;
    case "hosts":
      await addAllHosts(deps, replay, scope.scopes);
      break;
    case "monitor":
      addMonitor(replay, await getMonitor(deps.pool, scope.orgId, topic.id));
      break;
    case "monitors":
      for (let afterSeq: string | undefined; ; ) {
        const page = await listMonitorsPage(deps.pool, scope.orgId, {
          afterSeq,
          limit: MONITOR_PAGE,
        });
        for (const monitor of page.monitors) addMonitor(replay, monitor);
        if (page.monitors.length < MONITOR_PAGE || page.lastSeq === undefined) break;
        afterSeq = page.lastSeq;
      }
      break;
    case "alerts":
      await addAlertEvents(deps, replay, scope.orgId);
      break;
  }
  return replay;
}

async function addAllHosts(
  deps: ReplayDeps,
  replay: Replay,
  scopes: readonly string[],
): Promise<void> {
  const rings: { owner: string; id: string }[] = [];
  for (const owner of scopes) {
    for (const id of await deps.redis.smembers(hostsKey(deps.prefix, owner))) {
      rings.push({ owner, id });
    }
  }
  // Sorted so every client sees hosts in the same order.
  rings.sort((a, b) => (a.id === b.id ? cmp(a.owner, b.owner) : cmp(a.id, b.id)));
  await addHostRings(deps, replay, rings);
}

/** addHostRings reads the rings of (owner scope, host id) pairs in one round trip. */
async function addHostRings(
  deps: ReplayDeps,
  replay: Replay,
  rings: readonly { owner: string; id: string }[],
): Promise<void> {
  if (rings.length === 0) return;
  const pipeline = deps.redis.pipeline();
  for (const { owner, id } of rings) {
    pipeline.lrangeBuffer(hostRingKey(deps.prefix, owner, id), 0, REPLAY_HOST_SAMPLES - 1);
  }
  const results = (await pipeline.exec()) ?? [];
  rings.forEach(({ id }, i) => {
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
  if (!newest?.sampledAt) return;
  // Two scopes may hold rings of one host id (two owners sampled it before Postgres told one
  // of them that it is not theirs): the mark is the newest of them.
  const source = `host:${hostId}`;
  replay.marks.set(source, Math.max(replay.marks.get(source) ?? 0, timestampMs(newest.sampledAt)));
}

function addMonitor(replay: Replay, monitor: Monitor | undefined): void {
  const result = monitor?.lastResult;
  if (!monitor || !result) return;
  replay.payloads.push({ case: "checkResult", value: result });
  if (result.checkedAt) replay.marks.set(`monitor:${monitor.id}`, timestampMs(result.checkedAt));
}

/** addAlertEvents replays the organization's latest alert events, oldest first. */
async function addAlertEvents(deps: ReplayDeps, replay: Replay, orgId: string): Promise<void> {
  const newestFirst = await listAlertEvents(deps.pool, orgId, { limit: REPLAY_ALERT_EVENTS });
  for (const event of newestFirst.reverse()) {
    replay.payloads.push({ case: "alertEvent", value: event });
    if (event.createdAt) replay.marks.set(alertSource(event.id), timestampMs(event.createdAt));
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
