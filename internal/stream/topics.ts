/**
 * Topics a WebSocket client subscribes to, and the Redis keys behind them. One Redis channel
 * per host and per monitor carries live events; the gateway subscribes to all of them with one
 * pattern and fans out in process.
 */

/** HOST_RING_SIZE is how many recent samples each host keeps in Redis for replay. */
export const HOST_RING_SIZE = 300;

/** Topic is a parsed subscription topic. */
export type Topic =
  | { kind: "hosts" }
  | { kind: "monitors" }
  | { kind: "host"; id: string }
  | { kind: "monitor"; id: string };

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** parseTopic reads `hosts`, `monitors`, `host:<id>` or `monitor:<id>`; undefined otherwise. */
export function parseTopic(text: string): Topic | undefined {
  if (text === "hosts" || text === "monitors") return { kind: text };
  const colon = text.indexOf(":");
  if (colon < 0) return undefined;
  const kind = text.slice(0, colon);
  const id = text.slice(colon + 1);
  if ((kind !== "host" && kind !== "monitor") || !ID.test(id)) return undefined;
  return { kind, id };
}

/** topicName is the inverse of parseTopic. */
export function topicName(topic: Topic): string {
  return topic.kind === "hosts" || topic.kind === "monitors"
    ? topic.kind
    : `${topic.kind}:${topic.id}`;
}

/** streamChannel is the Redis channel of one host's or one monitor's live events. */
export function streamChannel(prefix: string, kind: "host" | "monitor", id: string): string {
  return `${prefix}:stream:${kind}:${id}`;
}

/** streamPattern matches every stream channel under prefix (for PSUBSCRIBE). */
export function streamPattern(prefix: string): string {
  return `${prefix}:stream:*`;
}

/** hostRingKey is the Redis list of a host's recent samples (binary HostSample, newest first). */
export function hostRingKey(prefix: string, hostId: string): string {
  return `${prefix}:host-ring:${hostId}`;
}

/** hostsKey is the Redis set of host ids that have a ring. */
export function hostsKey(prefix: string): string {
  return `${prefix}:hosts`;
}
