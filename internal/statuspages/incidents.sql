/* @name LockOrgPage */
-- The page, if it is the organization's, locked until the end of the transaction: its
-- incidents are counted and added one request at a time, so concurrent requests cannot pass a
-- limit together. Also answers with the page's monitors, which incidents may name.
SELECT p.id,
  ARRAY(SELECT m.monitor_id::text FROM status_page_monitors m WHERE m.page_id = p.id)
    AS "monitor_ids!"
FROM status_pages p
WHERE p.id = :pageId! AND p.org_id = :orgId!
FOR UPDATE OF p;

/* @name CountPageIncidents */
SELECT count(*)::integer AS "total!",
  (count(*) FILTER (WHERE resolved_at IS NULL))::integer AS "open!"
FROM status_incidents
WHERE page_id = :pageId!;

/* @name InsertIncident */
INSERT INTO status_incidents (page_id, title, impact, monitor_ids, status, resolved_at)
VALUES (:pageId!, :title!, :impact!, :monitorIds!::uuid[], :status!,
  CASE WHEN :status! = 'resolved' THEN now() END)
RETURNING id;

/* @name InsertIncidentUpdate */
INSERT INTO status_incident_updates (incident_id, status, message)
VALUES (:incidentId!, :status!, :message!)
RETURNING id;

/* @name LockOrgIncident */
-- The incident, if its page is the organization's, locked until the end of the transaction
-- with its page (so the page's open incidents are counted one request at a time too).
SELECT i.id, i.page_id, i.resolved_at,
  ARRAY(SELECT m.monitor_id::text FROM status_page_monitors m WHERE m.page_id = p.id)
    AS "page_monitor_ids!",
  (SELECT count(*) FROM status_incident_updates u WHERE u.incident_id = i.id)::integer
    AS "updates!"
FROM status_incidents i
JOIN status_pages p ON p.id = i.page_id
WHERE i.id = :id! AND p.org_id = :orgId!
FOR UPDATE OF i, p;

/* @name SetIncidentStatus */
-- The status of its newest update; RESOLVED resolves it (keeping the first resolution's time
-- if it was already resolved), anything else reopens it.
UPDATE status_incidents
SET status = :status!,
  resolved_at = CASE WHEN :status! = 'resolved' THEN coalesce(resolved_at, now()) END
WHERE id = :id!;

/* @name UpdateIncidentFields */
-- Empty title, impact or a NULL monitors list leave the field as it is.
UPDATE status_incidents
SET title = coalesce(NULLIF(:title!::text, ''), title),
  impact = coalesce(NULLIF(:impact!::text, ''), impact),
  monitor_ids = CASE WHEN :replaceMonitors!::boolean THEN :monitorIds!::uuid[]
    ELSE monitor_ids END
WHERE id = :id!;

/* @name DeleteOrgIncident */
DELETE FROM status_incidents i
USING status_pages p
WHERE i.id = :id! AND p.id = i.page_id AND p.org_id = :orgId!
RETURNING i.id, p.slug;

/* @name GetIncidents */
SELECT id, page_id, title, impact, monitor_ids::text[] AS "monitor_ids!", status, created_at,
  resolved_at
FROM status_incidents
WHERE id = ANY(:ids!::uuid[]);

/* @name ListPageIncidents */
-- Open ones first, then newest first; cut where the messages of the incidents listed so far
-- pass :maxChars (the first is always listed), so one answer stays bounded however long the
-- updates an organization wrote.
SELECT id, page_id, title, impact, monitor_ids AS "monitor_ids!", status, created_at, resolved_at
FROM (
  SELECT i.id, i.page_id, i.title, i.impact, i.monitor_ids::text[] AS monitor_ids, i.status,
    i.created_at, i.resolved_at,
    sum(coalesce(c.chars, 0)) OVER w - coalesce(c.chars, 0) AS chars_before,
    row_number() OVER w AS n
  FROM status_incidents i
  LEFT JOIN LATERAL (
    SELECT sum(char_length(u.message)) AS chars
    FROM status_incident_updates u WHERE u.incident_id = i.id
  ) c ON true
  WHERE i.page_id = :pageId!
  WINDOW w AS (ORDER BY (i.resolved_at IS NULL) DESC, i.created_at DESC, i.id DESC)
  ORDER BY (i.resolved_at IS NULL) DESC, i.created_at DESC, i.id DESC
  LIMIT :limit!
) listed
WHERE n = 1 OR chars_before < :maxChars!
ORDER BY n;

/* @name ListIncidentsUpdates */
-- Newest first within each incident.
SELECT id, incident_id, status, message, created_at
FROM status_incident_updates
WHERE incident_id = ANY(:incidentIds!::uuid[])
ORDER BY incident_id, created_at DESC, id DESC;
