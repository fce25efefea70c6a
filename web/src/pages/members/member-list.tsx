import type { User } from "../../../../gen/pulsar/v1/auth_pb";
import { Button } from "../../components/form";
import { timestampMs } from "../../lib/format";
import { ROLE_LABEL } from "./roles";

/** MemberListProps are the members, who is looking, and what removing one starts. */
export interface MemberListProps {
  members: readonly User[];
  currentUserId: string;
  /** Absent for members who are not admins: no Remove buttons. */
  onRemove?: (member: User) => void;
}

/**
 * MemberList is the table of members: name, email, role, joined, and (for admins) a Remove
 * button on everyone but themselves. It scrolls sideways on a phone rather than squeezing.
 */
export function MemberList({ members, currentUserId, onRemove }: MemberListProps) {
  const cell = "px-3 py-2 whitespace-nowrap";
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table className="w-full text-sm">
        <caption className="sr-only">Members</caption>
        <thead className="bg-slate-50 text-left text-xs text-slate-500 dark:bg-slate-900 dark:text-slate-400">
          <tr>
            {["Name", "Email", "Role", "Joined"].map((h) => (
              <th key={h} scope="col" className={cell}>
                {h}
              </th>
            ))}
            {onRemove && (
              <th scope="col" className={cell}>
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {members.map((member) => {
            const joined = timestampMs(member.createdAt);
            const isYou = member.id === currentUserId;
            return (
              <tr key={member.id}>
                <th scope="row" className={`${cell} text-left font-medium`}>
                  {member.name}
                  {isYou && <span className="ml-2 text-xs text-slate-500">(you)</span>}
                </th>
                <td className={cell}>{member.email}</td>
                <td className={cell}>{ROLE_LABEL[member.role] ?? "Member"}</td>
                <td className={cell} title={joined ? new Date(joined).toLocaleString() : undefined}>
                  {joined ? new Date(joined).toLocaleDateString() : "—"}
                </td>
                {onRemove && (
                  <td className={`${cell} text-right`}>
                    {!isYou && (
                      <Button
                        kind="secondary"
                        aria-label={`Remove ${member.name}`}
                        onClick={() => onRemove(member)}
                      >
                        Remove
                      </Button>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
