import { monitorClient, statusPageClient } from "../api/clients";
import { useSession } from "../auth/session";
import { NewStatusPageView } from "./status-pages/new-status-page-view";
import { StatusPageDetailView } from "./status-pages/status-page-detail-view";
import { StatusPagesListView } from "./status-pages/status-pages-list-view";

/**
 * StatusPagesPage is /status-pages, /status-pages/new and /status-pages/<id> wired to the app:
 * the one status page and monitor clients and the session (an expired one goes to sign-in).
 */
export function StatusPagesPage({ id }: { id?: string }) {
  const session = useSession();
  const deps = {
    client: statusPageClient,
    monitors: monitorClient,
    onUnauthenticated: session.expired,
  };
  if (id === "new") return <NewStatusPageView {...deps} />;
  if (id) return <StatusPageDetailView key={id} id={id} {...deps} />;
  return <StatusPagesListView {...deps} />;
}
