import { fromBinary } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Redis } from "ioredis";
import {
  type StreamEvent,
  StreamEventBatchSchema,
  StreamEventSchema,
} from "../../../gen/pulsar/v1/stream_pb.js";
import type { Logger } from "../../core/logger.js";
import {
  alertSource,
  channelScope,
  checkBatchChannel,
  parseTopic,
  scopedTopic,
  scopeOfScopedTopic,
  streamPattern,
  type Topic,
} from "../../stream/topics.js";
import type { StreamClient, TopicRegistry } from "./client.js";
import { encodeFrame } from "./frames.js";
import { afterHandshake } from "./handshake.js";

/** HubDeps are the dedicated subscriber connection and the key prefix of the stream channels. */
export interface HubDeps {
  subscriber: Pick<Redis, "psubscribe" | "punsubscribe" | "on" | "once" | "off" | "status">;
  prefix: string;
  log: Logger;
}

/** Hub is the process's one Redis subscription and the index of who listens to what. */
export interface Hub extends TopicRegistry {
  /** ready settles once the pattern subscription is active (rejects if Redis refused it). */
  ready: Promise<void>;
  /** stop detaches from Redis; clients are closed by the gateway. */
  stop(): void;
}

/**
 * createHub subscribes once, with one pattern, to every host, check-batch and alert channel,
 * whatever the number of clients: each message is decoded once (a check batch into its
 * events), each event serialised once per topic that matches it (its own, e.g. host:abc, and
 * its wildcard, hosts), then written to every client listening to
 * that topic in the event's owner scope, which the channel name carries (topics.ts): an event
 * reaches only the clients of its organization, or every client for a shared host's.
 * ioredis re-issues the PSUBSCRIBE by itself when it reconnects after a Redis restart; events
 * published while Redis was away are lost (pub/sub keeps nothing), not replayed.
 */
export function createHub(deps: HubDeps): Hub {
  const pattern = streamPattern(deps.prefix);
  const listeners = new Map<string, Set<StreamClient>>();
  /** Topics listened to per owner scope: an event of a scope nobody here listens to is not decoded. */
  const topicsPerScope = new Map<string, number>();

  const onMessage = (matched: Buffer, channel: Buffer, message: Buffer) => {
    // The connection is dedicated, but a caller may subscribe it to other patterns too.
    if (matched.toString() !== pattern) return;
    const name = channel.toString();
    const scope = channelScope(deps.prefix, name);
    if (scope === undefined || !topicsPerScope.has(scope)) return;
    let events: StreamEvent[];
    try {
      events =
        name === checkBatchChannel(deps.prefix, scope)
          ? fromBinary(StreamEventBatchSchema, message).events
          : [fromBinary(StreamEventSchema, message)];
    } catch (error) {
      deps.log.warn("dropping undecodable stream event", { error });
      return;
    }
    for (const event of events) fanOut(scope, event);
  };

  const fanOut = (scope: string, event: StreamEvent) => {
    const topic = parseTopic(event.topic);
    if (!topic) return;
    const atMs = eventTimeMs(event);
    const routes = routesOf(topic, event);
    if (!routes) return;
    for (const name of routes.topics) {
      const clients = listeners.get(scopedTopic(scope, name));
      if (!clients || clients.size === 0) continue;
      const frame = encodeFrame(name, false, event.payload, event.monitorStatus);
      for (const client of clients) client.deliver(name, routes.source, atMs, frame);
    }
  };

  deps.subscriber.on("pmessageBuffer", onMessage);
  // Not while the connection is in its handshake: ioredis would drop the subscription.
  let stopped = false;
  let subscribed = false;
  const ready = afterHandshake(deps.subscriber)
    .then(() => {
      if (stopped) return;
      subscribed = true;
      return deps.subscriber.psubscribe(pattern);
    })
    .then(() => undefined);
  ready.catch((error: unknown) => deps.log.error("subscribing to stream events failed", { error }));

  return {
    ready,
    add(name, client) {
      const clients = listeners.get(name);
      if (clients) {
        clients.add(client);
        return;
      }
      // Read before the index changes: a key that is not a scoped topic throws and adds nothing.
      const scope = scopeOfScopedTopic(name);
      listeners.set(name, new Set([client]));
      topicsPerScope.set(scope, (topicsPerScope.get(scope) ?? 0) + 1);
    },
    remove(name, client) {
      const clients = listeners.get(name);
      clients?.delete(client);
      // Per-host and per-monitor topics come and go; empty sets must not pile up.
      if (clients?.size !== 0) return;
      listeners.delete(name);
      const scope = scopeOfScopedTopic(name);
      const left = (topicsPerScope.get(scope) ?? 1) - 1;
      if (left > 0) topicsPerScope.set(scope, left);
      else topicsPerScope.delete(scope);
    },
    stop() {
      stopped = true;
      deps.subscriber.off("pmessageBuffer", onMessage);
      if (!subscribed) return;
      deps.subscriber.punsubscribe(pattern).catch((error: unknown) => {
        deps.log.debug("unsubscribing from stream events failed", { error });
      });
    },
  };
}

/**
 * routesOf says which topics an event goes to and its source (what replay marks are keyed by):
 * a host sample or check result to its own topic and its wildcard (host:abc and hosts), an
 * alert event to `alerts` with the event itself as source (replay holds the last events, each
 * by id). Undefined for an event no client may subscribe to.
 */
function routesOf(
  topic: Topic,
  event: StreamEvent,
): { topics: string[]; source: string } | undefined {
  if (topic.kind === "host" || topic.kind === "monitor") {
    return { topics: [event.topic, `${topic.kind}s`], source: event.topic };
  }
  if (topic.kind === "alerts" && event.payload.case === "alertEvent") {
    return { topics: ["alerts"], source: alertSource(event.payload.value.id) };
  }
  return undefined;
}

/** eventTimeMs is when a host sample was taken, a check ran or an alert was recorded; 0 when absent. */
function eventTimeMs(event: StreamEvent): number {
  const { payload } = event;
  if (payload.case === "hostSample" && payload.value.sampledAt) {
    return timestampMs(payload.value.sampledAt);
  }
  if (payload.case === "checkResult" && payload.value.checkedAt) {
    return timestampMs(payload.value.checkedAt);
  }
  if (payload.case === "alertEvent" && payload.value.createdAt) {
    return timestampMs(payload.value.createdAt);
  }
  return 0;
}
