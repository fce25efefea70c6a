import type { Host } from "../../../../gen/pulsar/v1/host_pb";
import { type RequestState, useRequest } from "../../lib/use-request";
import type { HostsDeps } from "./client";
import { applyEdits, type FetchedHosts, type HostEdit } from "./host-edits";

// The host list says who is online; sampled hosts change state within a few intervals.
const LIST_REFRESH_MS = 15_000;

/**
 * useHostList polls ListHosts with a label selector (undefined: does not load, "" : every host)
 * and lays the page's own edits over the answer.
 */
export function useHostList(
  labelSelector: string | undefined,
  edits: readonly HostEdit[],
  deps: HostsDeps,
): RequestState<Host[]> {
  const { client, onUnauthenticated } = deps;
  const fetched = useRequest<FetchedHosts>(
    labelSelector === undefined ? undefined : `hosts?${labelSelector}`,
    async (signal) => {
      const startedMs = Date.now();
      const { hosts } = await client.listHosts({ labelSelector }, { signal });
      return { hosts, startedMs };
    },
    { refreshMs: LIST_REFRESH_MS, onUnauthenticated },
  );
  return { ...fetched, data: fetched.data && applyEdits(fetched.data, edits) };
}
