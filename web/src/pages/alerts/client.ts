import type { Client } from "@connectrpc/connect";
import type { AlertService } from "../../../../gen/pulsar/v1/alert_pb";
import type { HostService } from "../../../../gen/pulsar/v1/host_pb";

/**
 * AlertsClient is the part of pulsar.v1.AlertService the alerts page calls: the app passes its
 * one alertClient, tests an in-memory one (createRouterTransport).
 */
export type AlertsClient = Pick<
  Client<typeof AlertService>,
  | "listChannels"
  | "createChannel"
  | "deleteChannel"
  | "testChannel"
  | "listRules"
  | "createRule"
  | "deleteRule"
  | "listAlertEvents"
>;

/** HostLister is the part of HostService the rule form needs: the hosts to choose from. */
export type HostLister = Pick<Client<typeof HostService>, "listHosts">;

/** AlertsDeps are what the alerts page's data comes from. */
export interface AlertsDeps {
  client: AlertsClient;
  hosts: HostLister;
  /** Called when an RPC answered unauthenticated: the session is gone. */
  onUnauthenticated: () => void;
}
