import type { Client } from "@connectrpc/connect";
import type { AuthService } from "../../../../gen/pulsar/v1/auth_pb";

/**
 * MembersClient is the part of pulsar.v1.AuthService the members page calls: the app passes
 * its one authClient, tests an in-memory one (createRouterTransport).
 */
export type MembersClient = Pick<
  Client<typeof AuthService>,
  "listMembers" | "removeMember" | "createInvitation" | "listInvitations" | "revokeInvitation"
>;

/** MembersDeps are what the members page's data comes from, and who is looking. */
export interface MembersDeps {
  client: MembersClient;
  /** The signed-in member's id: they are marked "you" and cannot remove themselves. */
  currentUserId: string;
  /** Admins also see invitations and may invite, revoke and remove. */
  isAdmin: boolean;
  /** Called when an RPC answered unauthenticated: the session is gone. */
  onUnauthenticated: () => void;
}
