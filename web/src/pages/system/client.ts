import type { Client } from "@connectrpc/connect";
import type { SystemService } from "../../../../gen/pulsar/v1/system_pb";

/**
 * SystemClient is the part of pulsar.v1.SystemService the System page calls: the app passes its
 * one systemClient, tests an in-memory one (createRouterTransport).
 */
export type SystemClient = Pick<Client<typeof SystemService>, "getSystemStats">;

/** SystemDeps are what the System page's data comes from. */
export interface SystemDeps {
  client: SystemClient;
  /** Called when an RPC answered unauthenticated: the session is gone. */
  onUnauthenticated: () => void;
  /** How often the figures are asked for again; POLL_MS when absent. */
  pollMs?: number;
}
