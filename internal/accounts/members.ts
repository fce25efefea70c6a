import { connection } from "../db/connection.js";
import type { Queryable } from "../db/pool.js";
import type { InvitationRow, RoleName } from "./accounts.js";
import * as q from "./members.queries.js";

/** MemberRow is a member of an organization. */
export interface MemberRow {
  id: string;
  email: string;
  name: string;
  role: RoleName;
  createdAt: Date;
}

const role = (value: string): RoleName => (value === "admin" ? "admin" : "member");

/** listMembers lists an organization's members, oldest first. */
export async function listMembers(db: Queryable, orgId: string): Promise<MemberRow[]> {
  const rows = await q.listMembers.run({ orgId }, connection(db));
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    name: row.name,
    role: role(row.role),
    createdAt: row.created_at,
  }));
}

/** lockMembers serialises member removals in one organization until the end of the
 *  transaction. */
export async function lockMembers(db: Queryable, orgId: string): Promise<void> {
  await q.lockMembers.run({ orgId }, connection(db));
}

/** findMemberRole returns a member's role; undefined when the organization has no such user. */
export async function findMemberRole(
  db: Queryable,
  orgId: string,
  id: string,
): Promise<RoleName | undefined> {
  const [row] = await q.findMemberRole.run({ orgId, id }, connection(db));
  return row && role(row.role);
}

/** revokeTokensCreatedBy revokes every live token a member created; returns their ids. */
export async function revokeTokensCreatedBy(
  db: Queryable,
  orgId: string,
  userId: string,
): Promise<string[]> {
  const rows = await q.revokeTokensCreatedBy.run({ orgId, userId }, connection(db));
  return rows.map((row) => row.id);
}

/** deleteMember deletes a member and their sessions; false when the organization has no such
 *  user. */
export async function deleteMember(db: Queryable, orgId: string, id: string): Promise<boolean> {
  const rows = await q.deleteMember.run({ orgId, id }, connection(db));
  return rows.length > 0;
}

/** listInvitations lists an organization's pending invitations, newest first. */
export async function listInvitations(db: Queryable, orgId: string): Promise<InvitationRow[]> {
  const rows = await q.listInvitations.run({ orgId }, connection(db));
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    role: role(row.role),
    expiresAt: row.expires_at,
  }));
}

/** deleteInvitation makes a pending invitation unusable; false when the organization has no
 *  such pending invitation. */
export async function deleteInvitation(db: Queryable, orgId: string, id: string): Promise<boolean> {
  const rows = await q.deleteInvitation.run({ orgId, id }, connection(db));
  return rows.length > 0;
}
