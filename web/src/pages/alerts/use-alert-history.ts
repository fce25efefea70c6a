import type { Client } from "@connectrpc/connect";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { AlertEvent, AlertService } from "../../../../gen/pulsar/v1/alert_pb";
import { type ApiProblem, isUnauthenticated, problemOf } from "../../api/errors";
import { useStreamTopic } from "../../api/use-stream";
import { type RequestState, useRequest } from "../../lib/use-request";
import { mergeEvents } from "./merge-events";

const NO_EVENTS: AlertEvent[] = [];

interface Streamed {
  scope: string;
  replayed: AlertEvent[];
  live: AlertEvent[];
}

/** Older is what "Load older" has fetched for one history (scope). */
interface Older {
  scope: string;
  events: AlertEvent[];
  /** The token of the page after them; undefined: none fetched yet (the first page's token). */
  token: string | undefined;
  loading: boolean;
  problem: ApiProblem | undefined;
}

const noOlder = (scope: string): Older => ({
  scope,
  events: [],
  token: undefined,
  loading: false,
  problem: undefined,
});

/** AlertEventLister is the part of AlertService the history needs. */
export type AlertEventLister = Pick<Client<typeof AlertService>, "listAlertEvents">;

/** AlertHistoryOptions narrow the history and say whom to tell about live events. */
export interface AlertHistoryOptions {
  /** Only this monitor's alerts; all of the organization's when absent. */
  monitorId?: string;
  /** How many events a page holds (the first page is what shows); the server allows 1–500. */
  limit: number;
  onUnauthenticated: () => void;
  /** Called with each live event that belongs to this history (after it is shown). */
  onLive?: (event: AlertEvent) => void;
}

/** OlderAlerts is the way back into the history, a page at a time. */
export interface OlderAlerts {
  /** The server has events older than those shown. */
  more: boolean;
  /** At least one older page was loaded. */
  loaded: boolean;
  loading: boolean;
  problem: ApiProblem | undefined;
  /** load fetches the next older page and shows it below (nothing while one is loading). */
  load: () => void;
}

/** AlertHistory is the history's events and the way to older ones. */
export interface AlertHistory extends RequestState<AlertEvent[]> {
  older: OlderAlerts;
}

/**
 * useAlertHistory is the alert history, newest first: ListAlertEvents' first page, with the
 * events of the "alerts" stream topic put on top as they happen (and a newer copy of an event,
 * with its delivery outcomes, replacing the listed one), and older pages below as `older.load`
 * fetches them by the server's page token. Pages go by position, so alerts that happen
 * meanwhile neither repeat on an older page nor push any event out of it.
 */
export function useAlertHistory(
  client: AlertEventLister,
  { monitorId, limit, onUnauthenticated, onLive }: AlertHistoryOptions,
): AlertHistory {
  const scope = `${monitorId ?? ""}:${limit}`;
  const listed = useRequest(
    `alert-events:${scope}`,
    async (signal) => await client.listAlertEvents({ monitorId, pageSize: limit }, { signal }),
    { onUnauthenticated },
  );
  // Events from the stream, for this history only (the monitor may change in place). A
  // replayed copy is as it was published, so the list's copy (newer deliveries) wins over it;
  // a live copy is newer than both.
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

  const [older, setOlder] = useState<Older>(() => noOlder(scope));
  const mineOlder = older.scope === scope ? older : noOlder(scope);
  const nextToken = mineOlder.token ?? listed.data?.nextPageToken ?? "";
  // The older page in flight and its history: one at a time per history, and one of a history
  // left behind (another monitor) is cancelled, as is any when the page goes away.
  const inFlight = useRef<{ scope: string; controller: AbortController } | undefined>(undefined);
  useEffect(() => () => inFlight.current?.controller.abort(), []);
  const expired = useRef(onUnauthenticated);
  expired.current = onUnauthenticated;

  const loadOlder = useCallback(() => {
    if (nextToken === "" || inFlight.current?.scope === scope) return;
    inFlight.current?.controller.abort();
    const controller = new AbortController();
    inFlight.current = { scope, controller };
    const update = (change: (held: Older) => Older) =>
      setOlder((held) => change(held.scope === scope ? held : noOlder(scope)));
    update((held) => ({ ...held, loading: true, problem: undefined }));
    client
      .listAlertEvents(
        { monitorId, pageSize: limit, pageToken: nextToken },
        { signal: controller.signal },
      )
      .then(
        (page) => {
          if (controller.signal.aborted) return;
          update((held) => ({
            ...held,
            events: [...held.events, ...page.events],
            token: page.nextPageToken,
            loading: false,
          }));
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          if (isUnauthenticated(error)) expired.current();
          update((held) => ({ ...held, loading: false, problem: problemOf(error) }));
        },
      )
      .finally(() => {
        if (inFlight.current?.controller === controller) inFlight.current = undefined;
      });
  }, [client, monitorId, limit, scope, nextToken]);

  const mine = streamed.scope === scope ? streamed : undefined;
  const replayed = mine?.replayed ?? NO_EVENTS;
  const live = mine?.live ?? NO_EVENTS;
  const first = listed.data?.events ?? NO_EVENTS;
  const olderEvents = mineOlder.events;
  const paged = mineOlder.token !== undefined;
  const events = useMemo(
    // The first page alone shows `limit` events, live ones pushing the oldest out of view. Once
    // older pages are shown, nothing is dropped: the next page starts after the first page's
    // last event, so an event hidden meanwhile would be a gap.
    () =>
      mergeEvents([replayed, first, olderEvents, live], paged ? Number.POSITIVE_INFINITY : limit),
    [replayed, first, olderEvents, live, limit, paged],
  );
  return {
    // Live alerts show even while the list is still loading, or when it failed.
    data: listed.data || events.length > 0 ? events : undefined,
    problem: listed.problem,
    loading: listed.loading,
    older: {
      more: listed.data !== undefined && nextToken !== "",
      loaded: paged,
      loading: mineOlder.loading,
      problem: mineOlder.problem,
      load: loadOlder,
    },
  };
}
