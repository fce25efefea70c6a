import { fromBinary } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Redis } from "ioredis";
import type { CheckResult } from "../../../gen/pulsar/v1/check_pb.js";
import { type HostSample, HostSampleSchema } from "../../../gen/pulsar/v1/host_pb.js";
import { listAlertEvents } from "../../alerts/alert-admin.js";
import type { Logger } from "../../core/logger.js";
import type { Queryable } from "../../db/pool.js";
import { getLastResult, listLastResultsPage } from "../../stream/stream-replay.js";
import { alertSource, hostRingKey, hostsKey, type Topic } from "../../stream/topics.js";
import type { StreamPayload } from "./frames.js";

/** REPLAY_HOST_SAMPLES is how many recent samples per host a subscription replays. */
export const REPLAY_HOST_SAMPLES = 100;

/** REPLAY_ALERT_EVENTS is how many of its organization's latest alert events `alerts` replays. */
export const REPLAY_ALERT_EVENTS = 20;

/**
 * Monitors' last results per query (a few hundred bytes each). Small enough that Postgres
 * reads a page through monitors_org_seq and monitor_state's key, whatever the number of other
 * organizations' monitors: at 500 it hashed all of monitor_state instead (60,000 rows, 28 ms,
 * against 0.7 ms for 100 rows by index).
 */
const MONITOR_PAGE = 100;

/** Host rings per round trip: up to 100 samples of ~2 KB each, so ~2 MB per page. */
const HOST_PAGE = 10;

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
 * Replay is (a page of) the recent past of one subscription, oldest first, and for each source
 * topic (host:<id>, monitor:<id> or alert:<id>) the time of the newest event in it. A live
 * event that raced the replay (published before the read, delivered after the subscription
 * started buffering) is recognised by a time at or before its source's mark and dropped
 * instead of sent twice.
 */
export interface Replay {
  payloads: StreamPayload[];
  marks: Map<string, number>;
}

/**
 * replayPages reads the replay of a topic within a scope a page at a time, so that the server
 * holds one page of a large replay (every host's samples, thousands of monitors) rather than
 * all of it, and a replay abandoned by its subscription stops reading: the rings of the scope's
 * hosts, the organization's monitors' last results (monitor_state only, never their specs) or
 * its latest alert events. Another organization's host or monitor replays nothing, exactly like
 * one that does not exist; so does a host whose ring has expired.
 */
export async function* replayPages(
  deps: ReplayDeps,
  topic: Topic,
  scope: ReplayScope,
): AsyncGenerator<Replay> {
  switch (topic.kind) {
    case "host":
      yield* hostRingPages(
        deps,
        scope.scopes.map((owner) => ({ owner, id: topic.id })),
      );
      return;
    case "hosts":
      yield* hostRingPages(deps, await allHostRings(deps, scope.scopes));
      return;
    case "monitor": {
      const page = emptyReplay();
      addResult(page, topic.id, await getLastResult(deps.pool, scope.orgId, topic.id));
      yield page;
      return;
    }
    case "monitors":
      for (let afterSeq: string | undefined; ; ) {
        const { results, lastSeq } = await listLastResultsPage(deps.pool, scope.orgId, {
          afterSeq,
          limit: MONITOR_PAGE,
        });
        const page = emptyReplay();
        for (const { monitorId, result } of results) addResult(page, monitorId, result);
        yield page;
        if (results.length < MONITOR_PAGE || lastSeq === undefined) return;
        afterSeq = lastSeq;
      }
    case "alerts":
      yield await alertEvents(deps, scope.orgId);
      return;
  }
}

/** loadReplay reads a whole replay at once (replayPages merged): for tests and tools. */
export async function loadReplay(
  deps: ReplayDeps,
  topic: Topic,
  scope: ReplayScope,
): Promise<Replay> {
  const whole = emptyReplay();
  for await (const page of replayPages(deps, topic, scope)) {
    whole.payloads.push(...page.payloads);
    mergeMarks(whole.marks, page.marks);
  }
  return whole;
}

/**
 * mergeMarks adds a page's marks to `into`, keeping the newest per source (one host id may
 * have rings in two scopes, read in different pages).
 */
export function mergeMarks(into: Map<string, number>, marks: ReadonlyMap<string, number>): void {
  for (const [source, atMs] of marks) into.set(source, Math.max(into.get(source) ?? 0, atMs));
}

function emptyReplay(): Replay {
  return { payloads: [], marks: new Map() };
}

/** allHostRings lists the (owner scope, host id) of every ring the scopes have, sorted. */
async function allHostRings(
  deps: ReplayDeps,
  scopes: readonly string[],
): Promise<{ owner: string; id: string }[]> {
  const rings: { owner: string; id: string }[] = [];
  for (const owner of scopes) {
    for (const id of await deps.redis.smembers(hostsKey(deps.prefix, owner))) {
      rings.push({ owner, id });
    }
  }
  // Sorted so every client sees hosts in the same order.
  rings.sort((a, b) => (a.id === b.id ? cmp(a.owner, b.owner) : cmp(a.id, b.id)));
  return rings;
}

/** hostRingPages reads the rings of (owner scope, host id) pairs, HOST_PAGE per round trip. */
async function* hostRingPages(
  deps: ReplayDeps,
  rings: readonly { owner: string; id: string }[],
): AsyncGenerator<Replay> {
  for (let start = 0; start < rings.length; start += HOST_PAGE) {
    const chunk = rings.slice(start, start + HOST_PAGE);
    const pipeline = deps.redis.pipeline();
    for (const { owner, id } of chunk) {
      pipeline.lrangeBuffer(hostRingKey(deps.prefix, owner, id), 0, REPLAY_HOST_SAMPLES - 1);
    }
    const results = (await pipeline.exec()) ?? [];
    const page = emptyReplay();
    chunk.forEach(({ id }, i) => {
      // A ring that expired (or never was) reads as an empty list: nothing to replay.
      const [error, ring] = results[i] ?? [null, []];
      if (error) throw error;
      if (Array.isArray(ring)) addHostRing(deps, page, id, ring.filter(Buffer.isBuffer));
    });
    yield page;
  }
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

function addResult(replay: Replay, monitorId: string, result: CheckResult | undefined): void {
  if (!result) return;
  replay.payloads.push({ case: "checkResult", value: result });
  if (result.checkedAt) replay.marks.set(`monitor:${monitorId}`, timestampMs(result.checkedAt));
}

/**
 * alertEvents replays the organization's latest alert events, oldest first, with their
 * deliveries: REPLAY_ALERT_EVENTS rows by index alert_events_org, all of which are sent.
 */
async function alertEvents(deps: ReplayDeps, orgId: string): Promise<Replay> {
  const replay = emptyReplay();
  const newestFirst = await listAlertEvents(deps.pool, orgId, { limit: REPLAY_ALERT_EVENTS });
  for (const event of newestFirst.reverse()) {
    replay.payloads.push({ case: "alertEvent", value: event });
    if (event.createdAt) replay.marks.set(alertSource(event.id), timestampMs(event.createdAt));
  }
  return replay;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
