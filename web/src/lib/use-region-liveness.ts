import type { Client } from "@connectrpc/connect";
import { useMemo } from "react";
import type { RegionService } from "../../../gen/pulsar/v1/region_pb";
import { livenessOf, type RegionLiveness } from "./region-liveness";
import { useRequest } from "./use-request";

/** RegionLister is the part of RegionService the pages that flag silent regions call. */
export type RegionLister = Pick<Client<typeof RegionService>, "listRegions">;

/**
 * useRegionLiveness asks ListRegions once (and every refreshMs, when given: the page's own
 * refresh) and returns each region's liveness; undefined without a client, until the first
 * answer, or when it failed (the page then flags nothing rather than guessing).
 */
export function useRegionLiveness(
  client: RegionLister | undefined,
  options: { refreshMs?: number; onUnauthenticated: () => void },
): RegionLiveness | undefined {
  const regions = useRequest(
    client ? "regions" : undefined,
    // Only called with a client: without one the key is undefined and nothing loads.
    (signal) => client?.listRegions({}, { signal }) ?? Promise.reject(new Error("no client")),
    options,
  );
  const data = regions.data;
  return useMemo(() => (data ? livenessOf(data) : undefined), [data]);
}
