import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { useState } from "react";
import type { Host, HostSample } from "../../../../gen/pulsar/v1/host_pb";
import { type RequestState, useRequest } from "../../lib/use-request";
import type { HostsDeps } from "./client";
import { type HistoryRow, historyRows } from "./history-rows";
import { sampleIntervalMs } from "./live-window";
import { type HostRange, RANGE_MS } from "./ranges";
import { useLiveSamples } from "./use-live-samples";

/** HostsPageData is everything the hosts page shows, kept live. */
export interface HostsPageData {
  hosts: RequestState<Host[]>;
  /** The host shown: the one in the path, else the first online one, else the first. */
  selectedId: string | undefined;
  selected: Host | undefined;
  range: HostRange;
  setRange: (range: HostRange) => void;
  /** The live window, oldest first; filled by the stream whatever the range. */
  samples: HostSample[];
  /** How often the host samples, once two samples tell. */
  intervalMs: number | undefined;
  /** The chosen window of history; idle while the range is live. */
  history: RequestState<HistoryRow[]>;
}

// The host list says who is online; sampled hosts change state within a few intervals.
const LIST_REFRESH_MS = 15_000;
// History buckets are minutes wide at 1 h and more beyond: a refresh a minute keeps them current.
const HISTORY_REFRESH_MS = 60_000;

/** defaultHost is the host /hosts shows: the first online one, else the first one. */
export function defaultHost(hosts: readonly Host[] | undefined): Host | undefined {
  return hosts?.find((h) => h.online) ?? hosts?.[0];
}

/**
 * useHostsPage is the hosts page's data: the host list (polled), the selected host's live
 * samples from the "host:<id>" stream topic, and, when a history range is chosen, its
 * GetHostHistory series.
 */
export function useHostsPage(id: string | undefined, deps: HostsDeps): HostsPageData {
  const { client, onUnauthenticated } = deps;
  const [range, setRange] = useState<HostRange>("live");

  const hosts = useRequest(
    "hosts",
    async (signal) => (await client.listHosts({}, { signal })).hosts,
    { refreshMs: LIST_REFRESH_MS, onUnauthenticated },
  );
  const selectedId = id ?? defaultHost(hosts.data)?.id;
  const selected = hosts.data?.find((h) => h.id === selectedId);
  const samples = useLiveSamples(selectedId);

  const historyKey = selectedId && range !== "live" ? `${selectedId}:${range}` : undefined;
  const history = useRequest(
    historyKey,
    async (signal) => {
      if (!selectedId || range === "live") return [];
      const until = Date.now();
      const { series } = await client.getHostHistory(
        {
          hostId: selectedId,
          since: timestampFromMs(until - RANGE_MS[range]),
          until: timestampFromMs(until),
        },
        { signal },
      );
      return historyRows(series);
    },
    { refreshMs: HISTORY_REFRESH_MS, onUnauthenticated },
  );

  return {
    hosts,
    selectedId,
    selected,
    range,
    setRange,
    samples,
    intervalMs: sampleIntervalMs(samples),
    history,
  };
}
