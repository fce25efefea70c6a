/* @name FindPublicPage */
-- A page by its slug: only what its public rendering shows, plus its id and organization to
-- read the rest with (never rendered).
SELECT id, org_id, slug, title, description, logo_url, theme, show_response_times,
  group_names, updated_at
FROM status_pages
WHERE slug = :slug!;

/* @name FindPageSlugByDomain */
-- The page a custom domain (a request's Host) is mapped to.
SELECT p.slug
FROM status_page_domains d
JOIN status_pages p ON p.id = d.page_id
WHERE d.domain = :domain!;

/* @name ListPublicPageMonitors */
-- The page's monitors in order with their current state. monitor_id and url (kind and
-- kind_spec for other kinds) are read to join and (only with show_url) to show; nothing else of
-- the monitor's request is read at all.
SELECT spm.monitor_id, spm.group_index, spm.position, spm.display_name, spm.show_url,
  m.name, m.url, m.kind, m.kind_spec, m.enabled, s.last_up, s.last_checked_at
FROM status_page_monitors spm
JOIN monitors m ON m.id = spm.monitor_id AND m.org_id = :orgId!
LEFT JOIN monitor_state s ON s.monitor_id = spm.monitor_id
WHERE spm.page_id = :pageId!
ORDER BY spm.group_index, spm.position;

/* @name ListPublicPageDays */
-- The hourly rollups of the page's monitors summed per UTC day since :since (90 days back).
-- Per monitor through the rollups' primary key (a lateral join): one index range each, where
-- monitor_id = ANY(100 ids) would test every row of the table against the whole list.
SELECT spm.monitor_id, d.day AS "day!", d.checks AS "checks!", d.failures AS "failures!",
  d.maintenance_checks AS "maintenance_checks!"
FROM status_page_monitors spm
CROSS JOIN LATERAL (
  SELECT date_bin('1 day', r.hour, '2000-01-01 00:00:00+00') AS day,
    sum(r.checks)::integer AS checks, sum(r.failures)::integer AS failures,
    sum(r.maintenance_checks)::integer AS maintenance_checks
  FROM check_rollups_hourly r
  WHERE r.monitor_id = spm.monitor_id AND r.hour >= :since!::timestamptz
  GROUP BY 1
) d
WHERE spm.page_id = :pageId!;

/* @name ListPublicPageHours */
-- Hourly response-time sums of the page's monitors since :since (the last 24 hours).
SELECT r.monitor_id, r.hour, r.responses, r.total_ms_sum
FROM status_page_monitors spm
JOIN check_rollups_hourly r ON r.monitor_id = spm.monitor_id AND r.hour >= :since!::timestamptz
WHERE spm.page_id = :pageId!;

/* @name ListPublicPageIncidents */
-- Incidents written on the page: every open one and those resolved since :resolvedSince, newest
-- first, each with its updates newest first. Bounded: a page shows at most 50.
SELECT i.id, i.title, i.impact, i.monitor_ids, i.status, i.created_at, i.resolved_at,
  COALESCE((
    SELECT json_agg(json_build_object('id', u.id, 'status', u.status, 'message', u.message,
      'created_at', u.created_at) ORDER BY u.created_at DESC)
    FROM (
      SELECT * FROM status_incident_updates
      WHERE incident_id = i.id ORDER BY created_at DESC LIMIT 50
    ) u
  ), '[]'::json) AS "updates!"
FROM status_incidents i
WHERE i.page_id = :pageId!
  AND (i.resolved_at IS NULL OR i.resolved_at >= :resolvedSince!::timestamptz)
ORDER BY i.created_at DESC
LIMIT 50;

/* @name ListPublicPageMaintenances */
-- Maintenance windows of the page's organization over the whole page or one of its monitors
-- that may still matter: recurring ones, and one-off ones not ended before :endedSince.
SELECT id, title, description, monitor_ids, status_page_ids, starts_at, ends_at, recurrence,
  timezone, created_at, updated_at
FROM maintenances
WHERE org_id = :orgId!
  AND (:pageId!::uuid = ANY(status_page_ids)
    OR monitor_ids && ARRAY(SELECT monitor_id FROM status_page_monitors WHERE page_id = :pageId!))
  AND (recurrence IS NOT NULL OR ends_at IS NULL OR ends_at >= :endedSince!::timestamptz)
ORDER BY starts_at
LIMIT 100;
