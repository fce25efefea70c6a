import { connection } from "../db/connection.js";
import type { Queryable } from "../db/pool.js";
import * as q from "./accounts.queries.js";

/** RoleName is a member's role as stored. */
export type RoleName = "admin" | "member";

/** TokenScopeName is what a token may be used for, as stored. */
export type TokenScopeName = "api" | "worker" | "agent" | "probe";

/** OrgRow is an organization. */
export interface OrgRow {
  id: string;
  name: string;
  createdAt: Date;
}

/** UserRow is a member with their organization. */
export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: RoleName;
  createdAt: Date;
  org: OrgRow;
}

/** TokenRow describes a token (never its secret). */
export interface TokenRow {
  id: string;
  name: string;
  scope: TokenScopeName;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | undefined;
  createdByEmail: string;
}

/** ProbeTokenRow is a probe token (never its secret) with the region it checks from. */
export interface ProbeTokenRow extends TokenRow {
  region: string;
}

/** TokenOwner is the organization behind a bearer secret, and what the token may do. */
export interface TokenOwner {
  id: string;
  /** The token's name, as its creator gave it. */
  name: string;
  scope: TokenScopeName;
  /** A probe token's region; undefined for every other scope. */
  region: string | undefined;
  lastUsedAt: Date | undefined;
  org: OrgRow;
}

const role = (value: string): RoleName => (value === "admin" ? "admin" : "member");
const scope = (value: string): TokenScopeName =>
  value === "worker" || value === "agent" || value === "probe" ? value : "api";

const userRow = (row: q.FindSessionResult): UserRow => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: role(row.role),
  createdAt: row.created_at,
  org: { id: row.org_id, name: row.org_name, createdAt: row.org_created_at },
});

const tokenRow = (row: q.ListApiTokensResult | q.InsertApiTokenResult): TokenRow => ({
  id: row.id,
  name: row.name,
  scope: scope(row.scope),
  prefix: row.prefix,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at ?? undefined,
  createdByEmail: row.created_by_email ?? "",
});

/** lockSignUps serialises sign-ups until the end of the transaction. */
export async function lockSignUps(db: Queryable): Promise<void> {
  await q.lockSignUps.run(undefined, connection(db));
}

/** hasUsers tells whether the installation has any user yet. */
export async function hasUsers(db: Queryable): Promise<boolean> {
  const [row] = await q.hasUsers.run(undefined, connection(db));
  return row?.any ?? false;
}

/** insertOrganization creates an organization. */
export async function insertOrganization(db: Queryable, name: string): Promise<OrgRow> {
  const [row] = await q.insertOrganization.run({ name }, connection(db));
  if (!row) throw new Error("insertOrganization returned no row");
  return { id: row.id, name: row.name, createdAt: row.created_at };
}

/** adoptOrphanMonitors gives monitors from before accounts to the first organization. */
export async function adoptOrphanMonitors(db: Queryable, orgId: string): Promise<void> {
  await q.adoptOrphanMonitors.run({ orgId }, connection(db));
}

/** insertUser creates a member of an organization. */
export async function insertUser(
  db: Queryable,
  user: { org: OrgRow; email: string; name: string; role: RoleName; passwordHash: string },
): Promise<UserRow> {
  const [row] = await q.insertUser.run(
    {
      orgId: user.org.id,
      email: user.email,
      name: user.name,
      role: user.role,
      passwordHash: user.passwordHash,
    },
    connection(db),
  );
  if (!row) throw new Error("insertUser returned no row");
  return { ...userRow({ ...row, org_name: user.org.name, org_created_at: user.org.createdAt }) };
}

/** findUserByEmail finds a member by email, whatever its case, with their password hash. */
export async function findUserByEmail(
  db: Queryable,
  email: string,
): Promise<(UserRow & { passwordHash: string }) | undefined> {
  const [row] = await q.findUserByEmail.run({ email }, connection(db));
  return row && { ...userRow(row), passwordHash: row.password_hash };
}

/** insertSession stores a session by the hash of its secret. */
export async function insertSession(
  db: Queryable,
  session: { tokenHash: Buffer; userId: string; expiresAt: Date },
): Promise<void> {
  await q.insertSession.run(
    {
      tokenHash: session.tokenHash,
      userId: session.userId,
      expiresAt: session.expiresAt.toISOString(),
    },
    connection(db),
  );
}

/** findSession returns the member of a live session; undefined when unknown or expired. */
export async function findSession(db: Queryable, tokenHash: Buffer): Promise<UserRow | undefined> {
  const [row] = await q.findSession.run({ tokenHash }, connection(db));
  return row && userRow(row);
}

/** deleteSession revokes one session. */
export async function deleteSession(db: Queryable, tokenHash: Buffer): Promise<void> {
  await q.deleteSession.run({ tokenHash }, connection(db));
}

/** deleteUserSessions revokes every session of a member. */
export async function deleteUserSessions(db: Queryable, userId: string): Promise<void> {
  await q.deleteUserSessions.run({ userId }, connection(db));
}

/** deleteExpiredSessions removes sessions past their expiry (they already sign nobody in). */
export async function deleteExpiredSessions(db: Queryable): Promise<void> {
  await q.deleteExpiredSessions.run(undefined, connection(db));
}

/** insertApiToken stores a token by the hash of its secret. */
export async function insertApiToken(
  db: Queryable,
  token: {
    orgId: string;
    createdBy: string | undefined;
    name: string;
    scope: TokenScopeName;
    tokenHash: Buffer;
    prefix: string;
    /** A probe token's region (required for scope probe, refused for the others by the
     *  table's CHECK). */
    region?: string;
  },
): Promise<TokenRow> {
  const [row] = await q.insertApiToken.run(
    { ...token, createdBy: token.createdBy ?? null, region: token.region ?? null },
    connection(db),
  );
  if (!row) throw new Error("insertApiToken returned no row");
  return tokenRow(row);
}

/** findApiToken returns who a bearer secret belongs to; undefined when unknown or revoked. */
export async function findApiToken(
  db: Queryable,
  tokenHash: Buffer,
): Promise<TokenOwner | undefined> {
  const [row] = await q.findApiToken.run({ tokenHash }, connection(db));
  return (
    row && {
      id: row.id,
      name: row.name,
      scope: scope(row.scope),
      region: row.region ?? undefined,
      lastUsedAt: row.last_used_at ?? undefined,
      org: { id: row.org_id, name: row.org_name, createdAt: row.org_created_at },
    }
  );
}

/** touchApiToken records that a token was used (at most once a minute). */
export async function touchApiToken(db: Queryable, id: string): Promise<void> {
  await q.touchApiToken.run({ id }, connection(db));
}

/** listApiTokens lists an organization's live tokens of the given scopes, newest first. */
export async function listApiTokens(
  db: Queryable,
  orgId: string,
  scopes: readonly TokenScopeName[],
): Promise<TokenRow[]> {
  const rows = await q.listApiTokens.run({ orgId, scopes: [...scopes] }, connection(db));
  return rows.map(tokenRow);
}

/** revokeApiToken revokes a live token of the organization; false when there is none. */
export async function revokeApiToken(
  db: Queryable,
  orgId: string,
  id: string,
  scopes: readonly TokenScopeName[],
): Promise<boolean> {
  const rows = await q.revokeApiToken.run({ orgId, id, scopes: [...scopes] }, connection(db));
  return rows.length > 0;
}

/** lockProbeTokens serialises CreateProbeToken until the end of the transaction. */
export async function lockProbeTokens(db: Queryable): Promise<void> {
  await q.lockProbeTokens.run(undefined, connection(db));
}

/** countLiveProbeTokens counts the installation's live probe tokens. */
export async function countLiveProbeTokens(db: Queryable): Promise<number> {
  const [row] = await q.countLiveProbeTokens.run(undefined, connection(db));
  return row?.count ?? 0;
}

/** listProbeTokens lists the installation's live probe tokens, newest first. */
export async function listProbeTokens(db: Queryable): Promise<ProbeTokenRow[]> {
  const rows = await q.listProbeTokens.run(undefined, connection(db));
  return rows.map((row) => ({ ...tokenRow(row), region: row.region ?? "" }));
}

/**
 * revokeProbeToken revokes a live probe token, whichever organization holds its row; the
 * region it checked from, or undefined when there is no such live token.
 */
export async function revokeProbeToken(
  db: Queryable,
  id: string,
): Promise<{ region: string } | undefined> {
  const [row] = await q.revokeProbeToken.run({ id }, connection(db));
  return row && { region: row.region ?? "" };
}

/** listProbeRegions lists the regions that hold a live probe token, by name. */
export async function listProbeRegions(db: Queryable): Promise<string[]> {
  const rows = await q.listProbeRegions.run(undefined, connection(db));
  return rows.map((row) => row.region);
}

/** InvitationRow is an invitation as created. */
export interface InvitationRow {
  id: string;
  email: string;
  role: RoleName;
  expiresAt: Date;
}

/** insertInvitation stores an invitation by the hash of its secret. */
export async function insertInvitation(
  db: Queryable,
  invitation: {
    orgId: string;
    email: string;
    role: RoleName;
    tokenHash: Buffer;
    createdBy: string;
    expiresAt: Date;
  },
): Promise<InvitationRow> {
  const [row] = await q.insertInvitation.run(
    { ...invitation, expiresAt: invitation.expiresAt.toISOString() },
    connection(db),
  );
  if (!row) throw new Error("insertInvitation returned no row");
  return { id: row.id, email: row.email, role: role(row.role), expiresAt: row.expires_at };
}

/** acceptInvitation uses an invitation once; undefined when unknown, used or expired. */
export async function acceptInvitation(
  db: Queryable,
  tokenHash: Buffer,
): Promise<{ org: OrgRow; email: string; role: RoleName } | undefined> {
  const [row] = await q.acceptInvitation.run({ tokenHash }, connection(db));
  return (
    row && {
      org: { id: row.org_id, name: row.org_name, createdAt: row.org_created_at },
      email: row.email,
      role: role(row.role),
    }
  );
}

/** findLiveApiToken returns a live token's creator (undefined when none recorded); undefined
 *  when the organization has no live token of that id and scope. */
export async function findLiveApiToken(
  db: Queryable,
  orgId: string,
  id: string,
  scopes: readonly TokenScopeName[],
): Promise<{ id: string; createdBy: string | undefined } | undefined> {
  const [row] = await q.findLiveApiToken.run({ orgId, id, scopes: [...scopes] }, connection(db));
  return row && { id: row.id, createdBy: row.created_by ?? undefined };
}

/** findPendingInvitation returns the address an invitation token was sent to; undefined when
 *  it is unknown, used or expired. */
export async function findPendingInvitation(
  db: Queryable,
  tokenHash: Buffer,
): Promise<{ email: string } | undefined> {
  const [row] = await q.findPendingInvitation.run({ tokenHash }, connection(db));
  return row && { email: row.email };
}
