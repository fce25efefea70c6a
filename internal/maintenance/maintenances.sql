/* @name LockOrgMaintenances */
-- Held until the end of the transaction: counting an organization's maintenances and adding
-- one happen under it, so two creations at once cannot both take the last place.
SELECT pg_advisory_xact_lock(hashtextextended('maintenances:' || :orgId!::text, 0)) AS "locked";

/* @name CountOrgMaintenances */
SELECT count(*)::integer AS "count!" FROM maintenances WHERE org_id = :orgId!;

/* @name InsertMaintenance */
INSERT INTO maintenances (org_id, title, description, monitor_ids, status_page_ids, starts_at,
  ends_at, recurrence, timezone)
VALUES (:orgId!, :title!, :description!, :monitorIds!::uuid[], :statusPageIds!::uuid[],
  :startsAt!, :endsAt, :recurrence::jsonb, :timezone!)
RETURNING id;

/* @name UpdateMaintenance */
UPDATE maintenances SET title = :title!, description = :description!,
  monitor_ids = :monitorIds!::uuid[], status_page_ids = :statusPageIds!::uuid[],
  starts_at = :startsAt!, ends_at = :endsAt, recurrence = :recurrence::jsonb,
  timezone = :timezone!, updated_at = now()
WHERE id = :id! AND org_id = :orgId!
RETURNING id;

/* @name DeleteMaintenance */
DELETE FROM maintenances WHERE id = :id! AND org_id = :orgId! RETURNING id;

/* @name ListOrgMaintenances */
-- Every maintenance of the organization (at most its quota) with the monitors it covers: its
-- own monitor_ids and those on its status pages, only where they are still the organization's
-- (a deleted monitor or page leaves its id behind in the arrays).
SELECT m.id, m.title, m.description, m.monitor_ids::text[] AS "monitor_ids!",
  m.status_page_ids::text[] AS "status_page_ids!", m.starts_at, m.ends_at, m.recurrence,
  m.timezone, m.created_at,
  ARRAY(
    SELECT mo.id::text FROM monitors mo WHERE mo.id = ANY(m.monitor_ids) AND mo.org_id = m.org_id
    UNION
    SELECT mo.id::text FROM status_pages sp
    JOIN status_page_monitors spm ON spm.page_id = sp.id
    JOIN monitors mo ON mo.id = spm.monitor_id AND mo.org_id = m.org_id
    WHERE sp.id = ANY(m.status_page_ids) AND sp.org_id = m.org_id
    ORDER BY 1
  ) AS "covered_monitor_ids!"
FROM maintenances m
WHERE m.org_id = :orgId! AND (:id::uuid IS NULL OR m.id = :id::uuid)
ORDER BY m.starts_at, m.id;

/* @name ListMaintenancesInSpan */
-- For the workers' index: every maintenance whose span reaches from now to until (one-off
-- windows and recurrences alike), with the monitors it covers, across organizations.
SELECT m.id, m.starts_at, m.ends_at, m.recurrence, m.timezone,
  ARRAY(
    SELECT mo.id::text FROM monitors mo WHERE mo.id = ANY(m.monitor_ids) AND mo.org_id = m.org_id
    UNION
    SELECT mo.id::text FROM status_pages sp
    JOIN status_page_monitors spm ON spm.page_id = sp.id
    JOIN monitors mo ON mo.id = spm.monitor_id AND mo.org_id = m.org_id
    WHERE sp.id = ANY(m.status_page_ids) AND sp.org_id = m.org_id
  ) AS "covered_monitor_ids!"
FROM maintenances m
WHERE COALESCE(m.ends_at, 'infinity'::timestamptz) > :now! AND m.starts_at < :until!;

/* @name ListOrgMaintenancesInForce */
-- The organization's maintenances whose span holds `at`, with the monitors they cover: what the
-- API's monitor reads check (activeAt) for a window on now. Only those rows pay for the covered
-- monitors' subqueries, not every maintenance the organization keeps.
SELECT m.starts_at, m.ends_at, m.recurrence, m.timezone,
  ARRAY(
    SELECT mo.id::text FROM monitors mo WHERE mo.id = ANY(m.monitor_ids) AND mo.org_id = m.org_id
    UNION
    SELECT mo.id::text FROM status_pages sp
    JOIN status_page_monitors spm ON spm.page_id = sp.id
    JOIN monitors mo ON mo.id = spm.monitor_id AND mo.org_id = m.org_id
    WHERE sp.id = ANY(m.status_page_ids) AND sp.org_id = m.org_id
  ) AS "covered_monitor_ids!"
FROM maintenances m
WHERE m.org_id = :orgId! AND m.starts_at <= :at!
  AND COALESCE(m.ends_at, 'infinity'::timestamptz) > :at!;

/* @name FilterOrgMonitorIds */
SELECT id::text AS "id!" FROM monitors WHERE org_id = :orgId! AND id = ANY(:ids!::uuid[]);

/* @name FilterOrgStatusPageIds */
SELECT id::text AS "id!" FROM status_pages WHERE org_id = :orgId! AND id = ANY(:ids!::uuid[]);
