import type { Invitation } from "../../../../gen/pulsar/v1/auth_pb";
import { Button } from "../../components/form";
import { timestampMs } from "../../lib/format";
import { ROLE_LABEL } from "./roles";

/** InvitationListProps are the pending invitations and what revoking one starts. */
export interface InvitationListProps {
  invitations: readonly Invitation[];
  onRevoke: (invitation: Invitation) => void;
}

/** InvitationList is the table of pending invitations: email, role, expiry, and Revoke. */
export function InvitationList({ invitations, onRevoke }: InvitationListProps) {
  if (invitations.length === 0) {
    return <p className="text-sm text-slate-500 dark:text-slate-400">No pending invitations.</p>;
  }
  const cell = "px-3 py-2 whitespace-nowrap";
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table className="w-full text-sm">
        <caption className="sr-only">Pending invitations</caption>
        <thead className="bg-slate-50 text-left text-xs text-slate-500 dark:bg-slate-900 dark:text-slate-400">
          <tr>
            {["Email", "Role", "Expires"].map((h) => (
              <th key={h} scope="col" className={cell}>
                {h}
              </th>
            ))}
            <th scope="col" className={cell}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {invitations.map((invitation) => {
            const expires = timestampMs(invitation.expiresAt);
            return (
              <tr key={invitation.id}>
                <th scope="row" className={`${cell} text-left font-medium`}>
                  {invitation.email}
                </th>
                <td className={cell}>{ROLE_LABEL[invitation.role] ?? "Member"}</td>
                <td
                  className={cell}
                  title={expires ? new Date(expires).toLocaleString() : undefined}
                >
                  {expires ? new Date(expires).toLocaleDateString() : "—"}
                </td>
                <td className={`${cell} text-right`}>
                  <Button
                    kind="secondary"
                    aria-label={`Revoke the invitation of ${invitation.email}`}
                    onClick={() => onRevoke(invitation)}
                  >
                    Revoke
                  </Button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
