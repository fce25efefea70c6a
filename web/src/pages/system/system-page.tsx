import { systemClient } from "../../api/clients";
import { useSession } from "../../auth/session";
import { SystemView } from "./system-view";

/**
 * SystemPage is /system wired to the app: the one system client and the session (an expired
 * one goes back to sign-in). The server decides who may see it; others read its refusal.
 */
export function SystemPage() {
  const session = useSession();
  return <SystemView client={systemClient} onUnauthenticated={session.expired} />;
}
