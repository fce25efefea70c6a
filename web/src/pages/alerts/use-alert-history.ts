import type { Client } from "@connectrpc/connect";
import { useMemo, useRef, useState } from "react";
import type { AlertEvent, AlertService } from "../../../../gen/pulsar/v1/alert_pb";
import { useStreamTopic } from "../../api/use-stream";
import { type RequestState, useRequest } from "../../lib/use-request";
import { mergeEvents } from "./merge-events";

const NO_EVENTS: AlertEvent[] = [];

interface Streamed {
  scope: string;
  replayed: AlertEvent[];
  live: AlertEvent[];
}

/** AlertEventLister is the part of AlertService the history needs. */
export type AlertEventLister = Pick<Client<typeof AlertService>, "listAlertEvents">;

/** AlertHistoryOptions narrow the history and say whom to tell about live events. */
export interface AlertHistoryOptions {
  /** Only this monitor's alerts; all of the organization's when absent. */
  monitorId?: string;
  /** How many events to show; the server allows 1–500. */
  limit: number;
  onUnauthenticated: () => void;
  /** Called with each live event that belongs to this history (after it is shown). */
  onLive?: (event: AlertEvent) => void;
}

/**
 * useAlertHistory is the alert history, newest first: ListAlertEvents, with the events of the
 * "alerts" stream topic put on top as they happen (and a newer copy of an event, with its
 * delivery outcomes, replacing the listed one).
 */
export function useAlertHistory(
  client: AlertEventLister,
  { monitorId, limit, onUnauthenticated, onLive }: AlertHistoryOptions,
): RequestState<AlertEvent[]> {
  const listed = useRequest(
    `alert-events:${monitorId ?? ""}:${limit}`,
    async (signal) => (await client.listAlertEvents({ monitorId, limit }, { signal })).events,
    { onUnauthenticated },
  );
  // Events from the stream, for this history only (the monitor may change in place). A
  // replayed copy is as it was published, so the list's copy (newer deliveries) wins over it;
  // a live copy is newer than both.
  const scope = monitorId ?? "";
  const [streamed, setStreamed] = useState<Streamed>({ scope, replayed: [], live: [] });
  const liveCallback = useRef(onLive);
  liveCallback.current = onLive;

  useStreamTopic("alerts", (event) => {
    if (event.payload.case !== "alertEvent") return;
    const alert = event.payload.value;
    if (monitorId && alert.monitorId !== monitorId) return;
    const which = event.replay ? "replayed" : "live";
    setStreamed((held) => {
      const base = held.scope === scope ? held : { scope, replayed: [], live: [] };
      return { ...base, [which]: mergeEvents([base[which], [alert]], limit) };
    });
    if (!event.replay) liveCallback.current?.(alert);
  });

  const mine = streamed.scope === scope ? streamed : undefined;
  const replayed = mine?.replayed ?? NO_EVENTS;
  const live = mine?.live ?? NO_EVENTS;
  const events = useMemo(
    () => mergeEvents([replayed, listed.data ?? [], live], limit),
    [replayed, listed.data, live, limit],
  );
  return {
    ...listed,
    // Live alerts show even while the list is still loading, or when it failed.
    data: listed.data || events.length > 0 ? events : undefined,
  };
}
