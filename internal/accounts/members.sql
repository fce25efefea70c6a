/* @name ListMembers */
SELECT id, email, name, role, created_at FROM users
WHERE org_id = :orgId!
ORDER BY created_at, id;

/* @name LockMembers */
-- Serialises removals in one organization (a key space of its own): two admins removing each
-- other at once cannot both succeed and leave the organization without an admin.
SELECT pg_advisory_xact_lock(hashtext('pulsar_members'), hashtext(:orgId!));

/* @name FindMemberRole */
SELECT role FROM users WHERE id = :id! AND org_id = :orgId!;

/* @name RevokeTokensCreatedBy */
-- Runs before the member is deleted: deleting them sets created_by to NULL.
UPDATE api_tokens SET revoked_at = now()
WHERE org_id = :orgId! AND created_by = :userId! AND revoked_at IS NULL
RETURNING id;

/* @name DeleteMember */
-- Their sessions go with them (ON DELETE CASCADE).
DELETE FROM users WHERE id = :id! AND org_id = :orgId!
RETURNING id;

/* @name ListInvitations */
-- Pending invitations, newest first (every invitation lives the same time, so the latest
-- expiry is the latest invitation).
SELECT id, email, role, expires_at FROM invitations
WHERE org_id = :orgId! AND accepted_at IS NULL AND expires_at > now()
ORDER BY expires_at DESC, id;

/* @name DeleteInvitation */
-- Revoking deletes the row: its token then names nothing, and it no longer counts against
-- PULSAR_ORG_MAX_MEMBERS. Accepted invitations are history and stay.
DELETE FROM invitations
WHERE id = :id! AND org_id = :orgId! AND accepted_at IS NULL
RETURNING id;
