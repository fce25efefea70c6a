import { hostClient } from "../api/clients";
import { useSession } from "../auth/session";
import { HostsView } from "./hosts/hosts-view";

/**
 * HostsPage is /hosts and /hosts/:id wired to the app: the one host client and the session
 * (an expired one goes back to sign-in). On /hosts it shows the first online host.
 */
export function HostsPage({ id }: { id?: string }) {
  const session = useSession();
  return <HostsView id={id} client={hostClient} onUnauthenticated={session.expired} />;
}
