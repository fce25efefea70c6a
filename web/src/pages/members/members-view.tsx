import { useState } from "react";
import { problemOf } from "../../api/errors";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { FormError } from "../../components/form";
import { Spinner } from "../../components/spinner";
import type { MembersDeps } from "./client";
import { InvitationList } from "./invitation-list";
import { InviteForm } from "./invite-form";
import { MemberList } from "./member-list";
import { NewInvitation } from "./new-invitation";
import { useMembersPage } from "./use-members-page";

/** MembersViewProps are where the page's data comes from, who is looking, and the clipboard. */
export interface MembersViewProps extends MembersDeps {
  copy?: (text: string) => Promise<void>;
}

/** Pending is what a confirmation dialog is about to do. */
type Pending =
  | { kind: "remove"; id: string; name: string }
  | { kind: "revoke"; id: string; email: string };

/**
 * MembersView is the members page: everyone sees who belongs to the organization; admins also
 * invite (the token shown once), see and revoke pending invitations, and remove members. Both
 * removing and revoking ask for confirmation first.
 */
export function MembersView({ copy, ...deps }: MembersViewProps) {
  const page = useMembersPage(deps);
  const [pending, setPending] = useState<Pending>();
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string>();

  const closeDialog = () => {
    setPending(undefined);
    setActionError(undefined);
  };
  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    setActionError(undefined);
    try {
      if (pending.kind === "remove") await page.remove(pending.id);
      else await page.revokeInvitation(pending.id);
      closeDialog();
    } catch (error) {
      setActionError(problemOf(error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">Members</h1>
        <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
          Everyone who can sign in to this organization.
          {deps.isAdmin &&
            " Removing someone signs them out everywhere at once and revokes the tokens they created."}
        </p>
      </div>

      {page.problem && <FormError>Could not load this page: {page.problem.message}</FormError>}

      <section aria-label="Members" className="space-y-2">
        {page.members ? (
          <MemberList
            members={page.members}
            currentUserId={deps.currentUserId}
            onRemove={
              deps.isAdmin
                ? (m) => setPending({ kind: "remove", id: m.id, name: m.name })
                : undefined
            }
          />
        ) : (
          !page.problem && <Spinner label="Loading members…" />
        )}
      </section>

      {deps.isAdmin && (
        <>
          {page.created && (
            <NewInvitation invitation={page.created} onDone={page.dismissCreated} copy={copy} />
          )}
          <InviteForm onInvite={page.invite} />
          <section aria-label="Pending invitations" className="space-y-2">
            <h2 className="font-medium">Pending invitations</h2>
            {page.invitations ? (
              <InvitationList
                invitations={page.invitations}
                onRevoke={(i) => setPending({ kind: "revoke", id: i.id, email: i.email })}
              />
            ) : (
              !page.problem && <Spinner label="Loading invitations…" />
            )}
          </section>
        </>
      )}

      <ConfirmDialog
        open={pending !== undefined}
        title={
          pending?.kind === "remove"
            ? `Remove ${pending.name}?`
            : `Revoke the invitation of ${pending?.email ?? ""}?`
        }
        confirmLabel={pending?.kind === "remove" ? "Remove member" : "Revoke invitation"}
        onConfirm={() => void confirm()}
        onCancel={closeDialog}
        busy={busy}
        error={actionError}
      >
        {pending?.kind === "remove"
          ? "They are signed out everywhere at once, and the tokens they created stop working. This cannot be undone."
          : "The invitation token stops working at once."}
      </ConfirmDialog>
    </div>
  );
}
