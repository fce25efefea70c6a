import { Role } from "../../../../gen/pulsar/v1/auth_pb";
import { authClient } from "../../api/clients";
import { useSession } from "../../auth/session";
import { MembersView } from "./members-view";

/**
 * MembersPage is /settings/members wired to the app: the one auth client and the session (who
 * is looking, and an expired session goes back to sign-in).
 */
export function MembersPage() {
  const session = useSession();
  const user = session.state === "signed-in" ? session.user : undefined;
  return (
    <MembersView
      client={authClient}
      currentUserId={user?.id ?? ""}
      isAdmin={user?.role === Role.ADMIN}
      onUnauthenticated={session.expired}
    />
  );
}
