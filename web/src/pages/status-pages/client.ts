import type { Client } from "@connectrpc/connect";
import type { MonitorService } from "../../../../gen/pulsar/v1/monitor_pb";
import type { StatusPageService } from "../../../../gen/pulsar/v1/status_page_pb";

/**
 * StatusPagesClient is the part of pulsar.v1.StatusPageService the status pages screens call:
 * the app passes its one statusPageClient, tests an in-memory one (createRouterTransport).
 */
export type StatusPagesClient = Pick<
  Client<typeof StatusPageService>,
  | "listStatusPages"
  | "getStatusPage"
  | "createStatusPage"
  | "updateStatusPage"
  | "deleteStatusPage"
  | "listStatusIncidents"
  | "createStatusIncident"
  | "addStatusIncidentUpdate"
  | "updateStatusIncident"
  | "deleteStatusIncident"
>;

/** MonitorLister is the part of MonitorService the pickers need: the monitors to choose from. */
export type MonitorLister = Pick<Client<typeof MonitorService>, "listMonitors">;

/** StatusPagesDeps are what the status pages screens' data comes from. */
export interface StatusPagesDeps {
  client: StatusPagesClient;
  monitors: MonitorLister;
  /** Called when an RPC answered unauthenticated: the session is gone. */
  onUnauthenticated: () => void;
}
