import type { Client } from "@connectrpc/connect";
import type { MaintenanceService } from "../../../../gen/pulsar/v1/maintenance_pb";
import type { StatusPageService } from "../../../../gen/pulsar/v1/status_page_pb";
import type { MonitorLister } from "../status-pages/client";

/**
 * MaintenanceClient is pulsar.v1.MaintenanceService as the maintenance page calls it: the app
 * passes its one maintenanceClient, tests an in-memory one (createRouterTransport).
 */
export type MaintenanceClient = Pick<
  Client<typeof MaintenanceService>,
  "listMaintenances" | "createMaintenance" | "updateMaintenance" | "deleteMaintenance"
>;

/** PageLister is the part of StatusPageService the form needs: the pages to choose from. */
export type PageLister = Pick<Client<typeof StatusPageService>, "listStatusPages">;

/** MaintenanceDeps are what the maintenance page's data comes from. */
export interface MaintenanceDeps {
  client: MaintenanceClient;
  monitors: MonitorLister;
  pages: PageLister;
  /** Called when an RPC answered unauthenticated: the session is gone. */
  onUnauthenticated: () => void;
}
