/* @name FindMonitorOwners */
-- The organization of each monitor that still exists and has one (monitors from before accounts
-- have none until adopted, and nobody may see them).
SELECT id, org_id AS "org_id!"
FROM monitors
WHERE id = ANY(:ids!::uuid[]) AND org_id IS NOT NULL;
