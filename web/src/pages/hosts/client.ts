import type { Client } from "@connectrpc/connect";
import type { HostService } from "../../../../gen/pulsar/v1/host_pb";

/**
 * HostsClient is the part of pulsar.v1.HostService the hosts page calls: the app passes its one
 * hostClient, tests an in-memory one (createRouterTransport).
 */
export type HostsClient = Pick<
  Client<typeof HostService>,
  "listHosts" | "getHostHistory" | "updateHost" | "deleteHost"
>;

/** HostsDeps are what the hosts page's data comes from. */
export interface HostsDeps {
  client: HostsClient;
  /** Called when an RPC answered unauthenticated: the session is gone. */
  onUnauthenticated: () => void;
}
