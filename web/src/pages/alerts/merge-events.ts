import type { AlertEvent } from "../../../../gen/pulsar/v1/alert_pb";
import { timestampMs } from "../../lib/format";

/**
 * mergeEvents unites alert events from the list and from the stream, newest first, one per id,
 * at most limit. A later list wins over an earlier one for the same id: the stream's copy of an
 * event carries its newer delivery outcomes.
 */
export function mergeEvents(
  lists: readonly (readonly AlertEvent[])[],
  limit: number,
): AlertEvent[] {
  const byId = new Map<string, AlertEvent>();
  for (const list of lists) {
    for (const event of list) byId.set(event.id, event);
  }
  return [...byId.values()]
    .sort((a, b) => timestampMs(b.createdAt) - timestampMs(a.createdAt))
    .slice(0, limit);
}
