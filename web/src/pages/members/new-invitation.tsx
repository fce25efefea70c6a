import { ShownOnce } from "../../components/shown-once";
import type { CreatedInvitation } from "./use-members-page";

/** NewInvitationProps are the invitation just made and how to put its link away. */
export interface NewInvitationProps {
  invitation: CreatedInvitation;
  onDone: () => void;
  /** Writes to the clipboard; tests pass a fake. */
  copy?: (text: string) => Promise<void>;
}

/** invitationLink is the sign-up page that joins with `token` (sign-up.tsx reads it). */
export function invitationLink(token: string, origin = window.location.origin): string {
  return `${origin}/sign-up?invitation=${encodeURIComponent(token)}`;
}

/**
 * NewInvitation shows a new invitation once (ShownOnce), as a sign-up link holding its token:
 * the invitee opens it and signs up from the address it was sent to, within 7 days, once.
 */
export function NewInvitation({ invitation, onDone, copy }: NewInvitationProps) {
  return (
    <ShownOnce
      title={<>{invitation.email} is invited</>}
      warning={
        <>
          Send them this link: they sign up with it from {invitation.email}, within 7 days, once.
          Copy it now: it will not be shown again.
        </>
      }
      label="Invitation link"
      value={invitationLink(invitation.token)}
      noun="the link"
      onDone={onDone}
      copy={copy}
    />
  );
}
