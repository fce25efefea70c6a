import type { Client } from "@connectrpc/connect";
import type { AlertService } from "../../../../gen/pulsar/v1/alert_pb";
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

/**
 * MonitorAlertsClient is the part of pulsar.v1.AlertService the detail page calls: the monitor's
 * incidents and its alert history.
 */
export type MonitorAlertsClient = Pick<
  Client<typeof AlertService>,
  "listIncidents" | "listAlertEvents"
>;
