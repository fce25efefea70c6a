import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from "react";
import type { Organization, User } from "../../../gen/pulsar/v1/auth_pb";
import { authClient } from "../api/clients";
import { isUnauthenticated } from "../api/errors";
import { LiveStream } from "../api/stream";
import { StreamContext } from "../api/use-stream";

/** Session is who is signed in, or that nobody is (yet). */
export type Session =
  | { state: "loading" }
  | { state: "signed-out" }
  | {
      state: "signed-in";
      user: User | undefined;
      organization: Organization | undefined;
      /** May open the System page (MeResponse.system_admin). */
      systemAdmin: boolean;
    };

/** SessionActions change the session; each rejects with the server's error. */
export interface SessionActions {
  signIn(email: string, password: string): Promise<void>;
  /** signUp creates an account: a new organization, or the one of `invitationToken`. */
  signUp(fields: SignUpFields): Promise<void>;
  signOut(): Promise<void>;
  /** expired is called when an RPC answered unauthenticated: back to the sign-in page. */
  expired(): void;
}

/** SignUpFields are what the sign-up form sends. */
export interface SignUpFields {
  email: string;
  password: string;
  name: string;
  /** Required without an invitation; ignored with one. */
  orgName: string;
  invitationToken?: string;
}

const SessionContext = createContext<(Session & SessionActions) | undefined>(undefined);

/** useSession returns the session and its actions; only inside SessionProvider. */
export function useSession(): Session & SessionActions {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}

/**
 * isSystemAdmin asks Me whether the new session may open the System page (SignIn and SignUp do
 * not say); without an answer it may not: the link only hides a page the server guards.
 */
const isSystemAdmin = () =>
  authClient.me({}).then(
    (me) => me.systemAdmin,
    () => false,
  );

/**
 * SessionProvider asks the API who the cookie belongs to (Me) once, and holds the one live
 * stream of the signed-in session: opened on sign-in, closed on sign-out.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session>({ state: "loading" });

  useEffect(() => {
    authClient.me({}).then(
      (me) =>
        setSession({
          state: "signed-in",
          user: me.user,
          organization: me.organization,
          systemAdmin: me.systemAdmin,
        }),
      (error: unknown) => {
        // Anything but "not signed in" (API down) still lands on sign-in, which shows it.
        if (!isUnauthenticated(error)) console.warn("Me failed", error);
        setSession({ state: "signed-out" });
      },
    );
  }, []);

  const signedIn = session.state === "signed-in";
  const stream = useMemo(() => (signedIn ? new LiveStream() : undefined), [signedIn]);
  useEffect(() => () => stream?.close(), [stream]);

  const signIn = useCallback(async (email: string, password: string) => {
    const res = await authClient.signIn({ email, password });
    setSession({
      state: "signed-in",
      user: res.user,
      organization: res.organization,
      systemAdmin: await isSystemAdmin(),
    });
  }, []);
  const signUp = useCallback(async (fields: SignUpFields) => {
    const res = await authClient.signUp(fields);
    setSession({
      state: "signed-in",
      user: res.user,
      organization: res.organization,
      systemAdmin: await isSystemAdmin(),
    });
  }, []);
  const signOut = useCallback(async () => {
    await authClient.signOut({}).catch(() => undefined);
    setSession({ state: "signed-out" });
  }, []);
  const expired = useCallback(() => setSession({ state: "signed-out" }), []);

  const value = useMemo(
    () => ({ ...session, signIn, signUp, signOut, expired }),
    [session, signIn, signUp, signOut, expired],
  );
  return (
    <SessionContext.Provider value={value}>
      <StreamContext.Provider value={stream}>{children}</StreamContext.Provider>
    </SessionContext.Provider>
  );
}
