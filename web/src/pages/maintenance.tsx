import { maintenanceClient, monitorClient, statusPageClient } from "../api/clients";
import { useSession } from "../auth/session";
import { MaintenanceView } from "./maintenance/maintenance-view";

/**
 * MaintenancePage is /maintenance wired to the app: the one maintenance, monitor and status
 * page clients and the session (an expired one goes back to sign-in).
 */
export function MaintenancePage() {
  const session = useSession();
  return (
    <MaintenanceView
      client={maintenanceClient}
      monitors={monitorClient}
      pages={statusPageClient}
      onUnauthenticated={session.expired}
    />
  );
}
