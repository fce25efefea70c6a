import type { Client } from "@connectrpc/connect";
import type { ProbeService } from "../../../../gen/pulsar/v1/probe_pb";
import type { RegionService } from "../../../../gen/pulsar/v1/region_pb";

/**
 * RegionsClient is the part of pulsar.v1.RegionService the Regions page calls: the app passes
 * its one regionClient, tests an in-memory one (createRouterTransport).
 */
export type RegionsClient = Pick<Client<typeof RegionService>, "listRegions">;

/** ProbeTokensClient is the part of pulsar.v1.ProbeService the Regions page calls. */
export type ProbeTokensClient = Pick<
  Client<typeof ProbeService>,
  "listProbeTokens" | "createProbeToken" | "revokeProbeToken"
>;

/** RegionsDeps are what the Regions page's data comes from. */
export interface RegionsDeps {
  regions: RegionsClient;
  probes: ProbeTokensClient;
  /** Whether the caller may manage probe tokens (MeResponse.system_admin); the server decides. */
  systemAdmin: boolean;
  /** Called when an RPC answered unauthenticated: the session is gone. */
  onUnauthenticated: () => void;
  /** How often the regions are read again; POLL_MS by default. */
  pollMs?: number;
}
