import type { ListRegionsResponse } from "../../../../gen/pulsar/v1/region_pb";
import { type RequestState, useRequest } from "../../lib/use-request";
import type { RegionsDeps } from "./client";

/** POLL_MS is how often the page reads the regions again: workers beat every 10 s. */
export const POLL_MS = 10_000;

/**
 * useRegions is ListRegions, read again every pollMs so that workers and probes coming and
 * going show without a reload (the last answer stays on screen meanwhile).
 */
export function useRegions({
  regions,
  onUnauthenticated,
  pollMs,
}: Pick<
  RegionsDeps,
  "regions" | "onUnauthenticated" | "pollMs"
>): RequestState<ListRegionsResponse> {
  return useRequest("regions", (signal) => regions.listRegions({}, { signal }), {
    refreshMs: pollMs ?? POLL_MS,
    onUnauthenticated,
  });
}
