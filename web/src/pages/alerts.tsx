import { alertClient, hostClient } from "../api/clients";
import { useSession } from "../auth/session";
import { AlertsView } from "./alerts/alerts-view";

/**
 * AlertsPage is /alerts wired to the app: the one alert and host clients and the session (an
 * expired one goes back to sign-in).
 */
export function AlertsPage() {
  const session = useSession();
  return <AlertsView client={alertClient} hosts={hostClient} onUnauthenticated={session.expired} />;
}
