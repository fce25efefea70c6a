import { Role } from "../../../../gen/pulsar/v1/auth_pb";

/** ROLE_LABEL names each role as the page shows it. */
export const ROLE_LABEL: Record<Role, string> = {
  [Role.UNSPECIFIED]: "Member",
  [Role.ADMIN]: "Admin",
  [Role.MEMBER]: "Member",
};

/** InvitableRole is a role the invite form offers. */
export type InvitableRole = "Member" | "Admin";

/** INVITABLE_ROLES map the form's choices to roles, with what each may do. */
export const INVITABLE_ROLES: Record<InvitableRole, { role: Role; hint: string }> = {
  Member: {
    role: Role.MEMBER,
    hint: "Sees and changes monitors, hosts and alerts; creates tokens.",
  },
  Admin: {
    role: Role.ADMIN,
    hint: "Also invites and removes people, and revokes anyone's tokens.",
  },
};
