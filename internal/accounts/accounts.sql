/* @name InsertOrganization */
INSERT INTO organizations (name) VALUES (:name!)
RETURNING id, name, created_at;

/* @name AdoptOrphanMonitors */
-- Monitors created before accounts existed have no organization: the first organization to
-- sign up takes them over. Runs in the sign-up transaction under the lock of LockSignUps, so
-- the first-ness cannot race.
UPDATE monitors SET org_id = :orgId!
WHERE org_id IS NULL AND (SELECT count(*) FROM organizations) = 1;

/* @name LockSignUps */
-- Serialises sign-ups: "is this the first organization" and "is this email taken" are then
-- decided one sign-up at a time.
SELECT pg_advisory_xact_lock(hashtext('pulsar_sign_up'));

/* @name HasUsers */
-- Whether anyone has signed up yet (with PULSAR_SIGNUP=closed, only the first user may without
-- an invitation). EXISTS stops at the first row, whatever the size of the table.
SELECT EXISTS (SELECT 1 FROM users) AS "any!";

/* @name InsertUser */
INSERT INTO users (org_id, email, name, role, password_hash)
VALUES (:orgId!, :email!, :name!, :role!, :passwordHash!)
RETURNING id, org_id, email, name, role, created_at;

/* @name FindUserByEmail */
SELECT u.id, u.org_id, u.email, u.name, u.role, u.created_at, u.password_hash,
  o.name AS org_name, o.created_at AS org_created_at
FROM users u JOIN organizations o ON o.id = u.org_id
WHERE lower(u.email) = lower(:email!);

/* @name InsertSession */
INSERT INTO sessions (token_hash, user_id, expires_at)
VALUES (:tokenHash!, :userId!, :expiresAt!::timestamptz);

/* @name FindSession */
-- The caller behind a session cookie; nothing when it is unknown, revoked or expired.
SELECT u.id, u.org_id, u.email, u.name, u.role, u.created_at,
  o.name AS org_name, o.created_at AS org_created_at
FROM sessions s
JOIN users u ON u.id = s.user_id
JOIN organizations o ON o.id = u.org_id
WHERE s.token_hash = :tokenHash! AND s.expires_at > now();

/* @name DeleteSession */
DELETE FROM sessions WHERE token_hash = :tokenHash!;

/* @name DeleteUserSessions */
DELETE FROM sessions WHERE user_id = :userId!;

/* @name DeleteExpiredSessions */
DELETE FROM sessions WHERE expires_at <= now();

/* @name InsertApiToken */
-- region: a probe token's (ProbeService), null for every other scope (the table's CHECK).
INSERT INTO api_tokens (org_id, created_by, name, scope, token_hash, prefix, region)
VALUES (:orgId!, :createdBy, :name!, :scope!, :tokenHash!, :prefix!, :region)
RETURNING id, name, scope, prefix, created_at, last_used_at, region,
  (SELECT email FROM users WHERE id = :createdBy) AS created_by_email;

/* @name FindApiToken */
-- The token behind a bearer secret; nothing when it is unknown or revoked.
SELECT t.id, t.org_id, t.scope, t.name, t.region, t.last_used_at, o.name AS org_name,
  o.created_at AS org_created_at
FROM api_tokens t JOIN organizations o ON o.id = t.org_id
WHERE t.token_hash = :tokenHash! AND t.revoked_at IS NULL;

/* @name TouchApiToken */
-- last_used_at moves at most once a minute: a token used for every request costs no write each.
UPDATE api_tokens SET last_used_at = now()
WHERE id = :id! AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute');

/* @name ListApiTokens */
SELECT t.id, t.name, t.scope, t.prefix, t.created_at, t.last_used_at,
  u.email AS created_by_email
FROM api_tokens t LEFT JOIN users u ON u.id = t.created_by
WHERE t.org_id = :orgId! AND t.revoked_at IS NULL AND t.scope = ANY(:scopes!::text[])
ORDER BY t.created_at DESC, t.id;

/* @name RevokeApiToken */
UPDATE api_tokens SET revoked_at = now()
WHERE id = :id! AND org_id = :orgId! AND revoked_at IS NULL AND scope = ANY(:scopes!::text[])
RETURNING id;

/* @name InsertInvitation */
INSERT INTO invitations (org_id, email, role, token_hash, created_by, expires_at)
VALUES (:orgId!, :email!, :role!, :tokenHash!, :createdBy!, :expiresAt!::timestamptz)
RETURNING id, email, role, expires_at;

/* @name AcceptInvitation */
-- Uses an invitation once; nothing when it is unknown, used or expired.
UPDATE invitations i SET accepted_at = now()
FROM organizations o
WHERE i.token_hash = :tokenHash! AND i.accepted_at IS NULL AND i.expires_at > now()
  AND o.id = i.org_id
RETURNING i.org_id, i.email, i.role, o.name AS org_name, o.created_at AS org_created_at;

/* @name FindLiveApiToken */
-- Who created a live token of the organization, to decide who may revoke it.
SELECT id, created_by FROM api_tokens
WHERE id = :id! AND org_id = :orgId! AND revoked_at IS NULL AND scope = ANY(:scopes!::text[]);

/* @name FindPendingInvitation */
-- An invitation that could still be accepted; SignUp asks before spending a password hash.
SELECT email FROM invitations
WHERE token_hash = :tokenHash! AND accepted_at IS NULL AND expires_at > now();

/* @name LockProbeTokens */
-- Serialises CreateProbeToken: the installation's count of probe tokens and the insert are
-- then decided one request at a time.
SELECT pg_advisory_xact_lock(hashtext('pulsar_probe_tokens'));

/* @name CountLiveProbeTokens */
-- Probe tokens are the installation's (ProbeService), whichever organization holds the row.
SELECT count(*)::integer AS "count!"
FROM api_tokens WHERE scope = 'probe' AND revoked_at IS NULL;

/* @name ListProbeTokens */
-- Every live probe token of the installation, newest first.
SELECT t.id, t.name, t.scope, t.prefix, t.created_at, t.last_used_at, t.region,
  u.email AS created_by_email
FROM api_tokens t LEFT JOIN users u ON u.id = t.created_by
WHERE t.scope = 'probe' AND t.revoked_at IS NULL
ORDER BY t.created_at DESC, t.id;

/* @name RevokeProbeToken */
UPDATE api_tokens SET revoked_at = now()
WHERE id = :id! AND scope = 'probe' AND revoked_at IS NULL
RETURNING id, region;

/* @name ListProbeRegions */
-- The regions that hold a live probe token: the API serves their schedules and queues.
SELECT DISTINCT region AS "region!"
FROM api_tokens WHERE scope = 'probe' AND revoked_at IS NULL AND region IS NOT NULL
ORDER BY 1;
