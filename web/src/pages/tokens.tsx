import { authClient } from "../api/clients";
import { useSession } from "../auth/session";
import { TokensView } from "./tokens/tokens-view";

/**
 * TokensPage is /settings/tokens wired to the app: the one auth client and the session (an
 * expired one goes back to sign-in).
 */
export function TokensPage() {
  const session = useSession();
  return <TokensView client={authClient} onUnauthenticated={session.expired} />;
}
