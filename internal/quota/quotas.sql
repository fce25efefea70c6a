/* @name LockOrgQuota */
-- Serialises the inserts of one kind of row in one organization (two-key advisory lock, a key
-- space of its own): the count and the insert that follows are then decided one request at a
-- time, so concurrent requests cannot pass a limit together. Released at COMMIT or ROLLBACK.
SELECT pg_advisory_xact_lock(hashtext('pulsar_quota'), hashtext(:kind! || ':' || :orgId!));

/* @name CountOrgMonitors */
SELECT count(*)::integer AS "count!" FROM monitors WHERE org_id = :orgId!;

/* @name CountOrgChannels */
SELECT count(*)::integer AS "count!" FROM alert_channels WHERE org_id = :orgId!;

/* @name CountOrgHostRules */
SELECT count(*)::integer AS "count!" FROM host_rules WHERE org_id = :orgId!;

/* @name CountOrgTokens */
-- Live tokens of the given scopes (revoked ones are kept for the record but count for nothing).
SELECT count(*)::integer AS "count!" FROM api_tokens
WHERE org_id = :orgId! AND revoked_at IS NULL AND scope = ANY(:scopes!::text[]);

/* @name CountOrgHosts */
SELECT count(*)::integer AS "count!" FROM hosts WHERE org_id = :orgId!;

/* @name CountOrgMembers */
-- Members, and invitations that could still become members.
SELECT ((SELECT count(*) FROM users WHERE org_id = :orgId!)
  + (SELECT count(*) FROM invitations
     WHERE org_id = :orgId! AND accepted_at IS NULL AND expires_at > now()))::integer AS "count!";

/* @name CountOrgStatusPages */
SELECT count(*)::integer AS "count!" FROM status_pages WHERE org_id = :orgId!;
