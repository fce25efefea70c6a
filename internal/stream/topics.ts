import { HOST_ID_PATTERN } from "../core/ids.js";
/**
 * Topics a WebSocket client subscribes to, and the Redis keys behind them. One Redis channel
 * per owner and host or monitor carries live events; the gateway subscribes to all of them with
 * one pattern and fans out in process. Every key carries its owner scope (an organization id,
 * or SHARED_SCOPE for shared hosts) so that nothing of one organization can reach another's
 * clients: routing by owner is part of the key, not a filter applied afterwards.
 */

/** HOST_RING_SIZE is how many recent samples each host keeps in Redis for replay. */
export const HOST_RING_SIZE = 300;

/**
 * HOST_RING_TTL_SECONDS is how long a host's ring outlives its last sample: a host silent for
 * a day has nothing live to replay, and a host id used once must not hold Redis memory forever.
 */
export const HOST_RING_TTL_SECONDS = 24 * 3600;

/** SHARED_SCOPE is the owner scope of shared hosts (hosts.org_id NULL). */
export const SHARED_SCOPE = "shared";

/** Topic is a parsed subscription topic. */
export type Topic =
  | { kind: "hosts" }
  | { kind: "monitors" }
  | { kind: "alerts" }
  | { kind: "host"; id: string }
  | { kind: "monitor"; id: string };

/**
 * parseTopic reads `hosts`, `monitors`, `alerts` (the organization's alert events),
 * `host:<id>` or `monitor:<id>`; undefined otherwise.
 */
export function parseTopic(text: string): Topic | undefined {
  if (text === "hosts" || text === "monitors" || text === "alerts") return { kind: text };
  const colon = text.indexOf(":");
  if (colon < 0) return undefined;
  const kind = text.slice(0, colon);
  const id = text.slice(colon + 1);
  if ((kind !== "host" && kind !== "monitor") || !HOST_ID_PATTERN.test(id)) return undefined;
  return { kind, id };
}

/** topicName is the inverse of parseTopic. */
export function topicName(topic: Topic): string {
  return "id" in topic ? `${topic.kind}:${topic.id}` : topic.kind;
}

/**
 * alertSource is the replay-mark key of one alert event: replay marks each event it sent, so a
 * live copy of one of them (published while the replay was read) is not sent twice.
 */
export function alertSource(eventId: string): string {
  return `alert:${eventId}`;
}

/** ownerScope is the scope of an owner: its organization id, or SHARED_SCOPE for none. */
export function ownerScope(orgId: string | undefined): string {
  return orgId ?? SHARED_SCOPE;
}

/**
 * visibleScopes are the owner scopes whose events a member of orgId receives on a topic: its
 * own, plus the shared hosts' for host topics when shared hosts are on. Monitors and alerts are
 * never shared (an alert about a shared host belongs to the organization whose rule fired).
 */
export function visibleScopes(topic: Topic, orgId: string, sharedHosts: boolean): string[] {
  const hostTopic = topic.kind === "host" || topic.kind === "hosts";
  return hostTopic && sharedHosts ? [orgId, SHARED_SCOPE] : [orgId];
}

/** scopedTopic is the key of a topic in one owner scope (the gateway's listener index). */
export function scopedTopic(scope: string, name: string): string {
  return `${scope}/${name}`;
}

/**
 * scopeOfScopedTopic is the owner scope a scopedTopic key was built with. A scope (an
 * organization id or SHARED_SCOPE) never holds a '/', so the first one ends it; a key without one
 * was not built by scopedTopic, and reading a scope out of it would misroute events, so it throws.
 */
export function scopeOfScopedTopic(key: string): string {
  const slash = key.indexOf("/");
  if (slash < 0) throw new Error(`not a scoped topic: ${JSON.stringify(key)}`);
  return key.slice(0, slash);
}

/**
 * streamChannel is the Redis channel of one owner's live events of a host, or of an alert
 * event (kind "alert", id the event's id: the hub relays it on the `alerts` topic).
 */
export function streamChannel(
  prefix: string,
  scope: string,
  kind: "host" | "alert",
  id: string,
): string {
  return `${prefix}:stream:${scope}:${kind}:${id}`;
}

/**
 * checkBatchChannel is the Redis channel of one owner's stored check results: a
 * StreamEventBatch per stored batch, whose events the hub relays one by one on their topics.
 */
export function checkBatchChannel(prefix: string, scope: string): string {
  return `${prefix}:stream:${scope}:checks`;
}

/** streamPattern matches every stream channel under prefix (for PSUBSCRIBE). */
export function streamPattern(prefix: string): string {
  return `${prefix}:stream:*`;
}

/**
 * channelScope reads the owner scope out of a stream channel; undefined for a channel that is
 * not one (an event without an owner is delivered to nobody).
 */
export function channelScope(prefix: string, channel: string): string | undefined {
  const head = `${prefix}:stream:`;
  if (!channel.startsWith(head)) return undefined;
  const colon = channel.indexOf(":", head.length);
  return colon > head.length ? channel.slice(head.length, colon) : undefined;
}

/**
 * hostRingKey is the Redis list of a host's recent samples in one owner scope (binary
 * HostSample, newest first). Per scope, so samples sent for the same host id by two owners
 * never mix in one replay.
 */
export function hostRingKey(prefix: string, scope: string, hostId: string): string {
  return `${prefix}:host-ring:${scope}:${hostId}`;
}

/**
 * hostsKey is the Redis set of the host ids that have a ring in one owner scope (a member may
 * outlive its ring by a little: it is removed on a later publish in the scope).
 */
export function hostsKey(prefix: string, scope: string): string {
  return `${prefix}:hosts:${scope}`;
}

/**
 * hostsSeenKey is the Redis sorted set of the same host ids, scored by the Unix second of
 * each one's last sample: how the publisher finds the members of hostsKey whose rings expired.
 */
export function hostsSeenKey(prefix: string, scope: string): string {
  return `${prefix}:hosts-seen:${scope}`;
}
