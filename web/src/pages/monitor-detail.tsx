import { alertClient, monitorClient, regionClient } from "../api/clients";
import { useSession } from "../auth/session";
import { MonitorDetail } from "./monitor-detail/monitor-detail-view";

/**
 * MonitorDetailPage is /monitors/:id wired to the app: the one monitor client and the session
 * (an expired one goes back to sign-in). It pulls in the chart library, so the app may load it
 * lazily.
 */
export function MonitorDetailPage({ id }: { id: string }) {
  const session = useSession();
  return (
    <MonitorDetail
      key={id}
      id={id}
      client={monitorClient}
      alerts={alertClient}
      regions={regionClient}
      onUnauthenticated={session.expired}
    />
  );
}
