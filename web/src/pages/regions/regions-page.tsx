import { probeClient, regionClient } from "../../api/clients";
import { useSession } from "../../auth/session";
import { RegionsView } from "./regions-view";

/**
 * RegionsPage is /regions wired to the app: the region and probe clients and the session (an
 * expired one goes back to sign-in; a system admin also manages probe tokens).
 */
export function RegionsPage() {
  const session = useSession();
  return (
    <RegionsView
      regions={regionClient}
      probes={probeClient}
      systemAdmin={session.state === "signed-in" && session.systemAdmin}
      onUnauthenticated={session.expired}
    />
  );
}
