import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { useState } from "react";
import type { Host, HostSample } from "../../../../gen/pulsar/v1/host_pb";
import { type RequestState, useRequest } from "../../lib/use-request";
import type { HostsDeps } from "./client";
import { type HistoryRow, historyRows } from "./history-rows";
import { sampleIntervalMs } from "./live-window";
import { type HostRange, RANGE_MS } from "./ranges";
import { type HostActions, useHostActions } from "./use-host-actions";
import { useHostList } from "./use-host-list";
import { useLiveSamples } from "./use-live-samples";

/** HostsPageData is everything the hosts page shows, kept live. */
export interface HostsPageData {
  /** Every host of the organization: what the page is about, whatever the filter. */
  hosts: RequestState<Host[]>;
  /** The label selector the list is filtered by; "" for none. */
  labelSelector: string;
  setLabelSelector: (selector: string) => void;
  /** The hosts the selector matches; idle without one. */
  filtered: RequestState<Host[]>;
  /** Renaming, labelling, configuring and deleting a host. */
  actions: Omit<HostActions, "edits">;
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

// History buckets are minutes wide at 1 h and more beyond: a refresh a minute keeps them current.
const HISTORY_REFRESH_MS = 60_000;

/** defaultHost is the host /hosts shows: the first online one, else the first one. */
export function defaultHost(hosts: readonly Host[] | undefined): Host | undefined {
  return hosts?.find((h) => h.online) ?? hosts?.[0];
}

/**
 * useHostsPage is the hosts page's data: the host list (polled, and the hosts a label selector
 * matches when one is given), the selected host's live samples from the "host:<id>" stream
 * topic, when a history range is chosen its GetHostHistory series, and the actions on a host.
 */
export function useHostsPage(id: string | undefined, deps: HostsDeps): HostsPageData {
  const { client, onUnauthenticated } = deps;
  const [range, setRange] = useState<HostRange>("live");
  const [labelSelector, setLabelSelector] = useState("");
  const { edits, ...actions } = useHostActions(deps);

  // The unfiltered list stays loaded: the host shown need not match the filter.
  const hosts = useHostList("", edits, deps);
  const filtered = useHostList(labelSelector || undefined, edits, deps);
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
    labelSelector,
    setLabelSelector,
    filtered,
    actions,
    selectedId,
    selected,
    range,
    setRange,
    samples,
    intervalMs: sampleIntervalMs(samples),
    history,
  };
}
