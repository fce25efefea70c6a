import type { Client } from "@connectrpc/connect";
import type { MonitorService } from "../../../../gen/pulsar/v1/monitor_pb";

/**
 * MonitorDetailClient is the part of pulsar.v1.MonitorService the detail page calls: the app
 * passes its one monitorClient, tests an in-memory one (createRouterTransport).
 */
export type MonitorDetailClient = Pick<
  Client<typeof MonitorService>,
  | "getMonitor"
  | "pauseMonitor"
  | "resumeMonitor"
  | "deleteMonitor"
  | "listCheckResults"
  | "getMonitorStats"
  | "getMonitorTimings"
>;
