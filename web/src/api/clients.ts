import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { AlertService } from "../../../gen/pulsar/v1/alert_pb";
import { AuthService } from "../../../gen/pulsar/v1/auth_pb";
import { HostService } from "../../../gen/pulsar/v1/host_pb";
import { MaintenanceService } from "../../../gen/pulsar/v1/maintenance_pb";
import { MonitorService } from "../../../gen/pulsar/v1/monitor_pb";
import { ProbeService } from "../../../gen/pulsar/v1/probe_pb";
import { RegionService } from "../../../gen/pulsar/v1/region_pb";
import { StatusPageService } from "../../../gen/pulsar/v1/status_page_pb";
import { SystemService } from "../../../gen/pulsar/v1/system_pb";

/**
 * The one place the app creates its Connect clients. Same origin as the page: the session
 * cookie goes along by itself (fetch's default credentials), and the API's CSRF check sees
 * our own Origin.
 */
const transport = createConnectTransport({
  baseUrl: window.location.origin,
  // Binary protobuf: smaller than JSON on the wire and faster to decode (pages of 1,000 monitors).
  useBinaryFormat: true,
});

/** authClient is pulsar.v1.AuthService. */
export const authClient: Client<typeof AuthService> = createClient(AuthService, transport);
/** monitorClient is pulsar.v1.MonitorService. */
export const monitorClient: Client<typeof MonitorService> = createClient(MonitorService, transport);
/** hostClient is pulsar.v1.HostService. */
export const hostClient: Client<typeof HostService> = createClient(HostService, transport);
/** alertClient is pulsar.v1.AlertService. */
export const alertClient: Client<typeof AlertService> = createClient(AlertService, transport);
/** systemClient is pulsar.v1.SystemService (the System page, system admins only). */
export const systemClient: Client<typeof SystemService> = createClient(SystemService, transport);
/** statusPageClient is pulsar.v1.StatusPageService (status pages and their incidents). */
export const statusPageClient: Client<typeof StatusPageService> = createClient(
  StatusPageService,
  transport,
);
/** maintenanceClient is pulsar.v1.MaintenanceService (maintenance windows). */
export const maintenanceClient: Client<typeof MaintenanceService> = createClient(
  MaintenanceService,
  transport,
);
/** regionClient is pulsar.v1.RegionService (the Regions page, and the flags of silent regions). */
export const regionClient: Client<typeof RegionService> = createClient(RegionService, transport);
/** probeClient is pulsar.v1.ProbeService (probe tokens, system admins only). */
export const probeClient: Client<typeof ProbeService> = createClient(ProbeService, transport);
