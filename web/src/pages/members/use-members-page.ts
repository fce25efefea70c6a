import { useCallback, useEffect, useRef, useState } from "react";
import type { Invitation, Role, User } from "../../../../gen/pulsar/v1/auth_pb";
import { type ApiProblem, isUnauthenticated, problemOf } from "../../api/errors";
import type { MembersDeps } from "./client";

/** CreatedInvitation is an invitation just made, with the token the server shows only once. */
export interface CreatedInvitation {
  id: string;
  email: string;
  token: string;
}

/** MembersPageData is the members page's data and what changes it. */
export interface MembersPageData {
  /** Members, oldest first; undefined while loading. */
  members: User[] | undefined;
  /** Pending invitations, newest first (admins only); undefined while loading or not admin. */
  invitations: Invitation[] | undefined;
  /** Why something could not be loaded, in the server's words. */
  problem: ApiProblem | undefined;
  /** The invitation just made; cleared by dismissCreated and never fetched again. */
  created: CreatedInvitation | undefined;
  dismissCreated: () => void;
  /** Each rejects with the server's error, for the form or dialog to show. */
  invite: (email: string, role: Role) => Promise<void>;
  remove: (userId: string) => Promise<void>;
  revokeInvitation: (id: string) => Promise<void>;
}

/**
 * useMembersPage is the members page's data: ListMembers (and, for admins, ListInvitations)
 * once, then the lists kept in step with what this page invites, revokes and removes.
 */
export function useMembersPage({
  client,
  isAdmin,
  onUnauthenticated,
}: MembersDeps): MembersPageData {
  const [members, setMembers] = useState<User[]>();
  const [invitations, setInvitations] = useState<Invitation[]>();
  const [problem, setProblem] = useState<ApiProblem>();
  const [created, setCreated] = useState<CreatedInvitation>();
  const expired = useRef(onUnauthenticated);
  expired.current = onUnauthenticated;

  const fail = useCallback((error: unknown) => {
    if (isUnauthenticated(error)) expired.current();
    throw error;
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    const failed = (error: unknown) => {
      if (signal.aborted) return;
      if (isUnauthenticated(error)) expired.current();
      setProblem(problemOf(error));
    };
    client.listMembers({}, { signal }).then((res) => setMembers(res.members), failed);
    if (isAdmin) {
      client.listInvitations({}, { signal }).then((res) => setInvitations(res.invitations), failed);
    }
    return () => controller.abort();
  }, [client, isAdmin]);

  const invite = useCallback(
    async (email: string, role: Role) => {
      const res = await client.createInvitation({ email, role }).catch(fail);
      const invitation = res.invitation;
      if (invitation) setInvitations((held) => [invitation, ...(held ?? [])]);
      setCreated({
        id: invitation?.id ?? "",
        email: invitation?.email ?? email,
        token: res.invitationToken,
      });
    },
    [client, fail],
  );

  const remove = useCallback(
    async (userId: string) => {
      await client.removeMember({ userId }).catch(fail);
      setMembers((held) => held?.filter((m) => m.id !== userId));
    },
    [client, fail],
  );

  const revokeInvitation = useCallback(
    async (id: string) => {
      await client.revokeInvitation({ id }).catch(fail);
      setInvitations((held) => held?.filter((i) => i.id !== id));
      // A revoked invitation's token is worth nothing: stop showing it.
      setCreated((shown) => (shown?.id === id ? undefined : shown));
    },
    [client, fail],
  );

  const dismissCreated = useCallback(() => setCreated(undefined), []);

  return {
    members,
    invitations,
    problem,
    created,
    dismissCreated,
    invite,
    remove,
    revokeInvitation,
  };
}
