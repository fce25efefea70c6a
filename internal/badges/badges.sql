/* @name GetBadgeFacts */
-- Everything every badge of one monitor shows, in one statement. The monitor is found by one
-- lookup on the unique index monitors_public_id, with public_badges in the same WHERE: an
-- unknown id and a monitor that has not opted in find the same nothing, at the same cost. The
-- rollups of a found monitor are read through their primary key, at most 720 hours. The
-- rollups count maintenance checks apart (maintenance_checks), outside checks and failures, so
-- the uptime read here already leaves them out.
SELECT m.id, m.org_id, m.enabled, s.last_up,
  r.checks_24h AS "checks_24h!", r.failures_24h AS "failures_24h!",
  r.checks_7d AS "checks_7d!", r.failures_7d AS "failures_7d!",
  r.checks_30d AS "checks_30d!", r.failures_30d AS "failures_30d!",
  r.responses_24h AS "responses_24h!", r.total_ms_sum_24h AS "total_ms_sum_24h!"
FROM monitors m
LEFT JOIN monitor_state s ON s.monitor_id = m.id
CROSS JOIN LATERAL (
  SELECT
    COALESCE(sum(checks) FILTER (WHERE hour >= :since24h!), 0)::integer AS checks_24h,
    COALESCE(sum(failures) FILTER (WHERE hour >= :since24h!), 0)::integer AS failures_24h,
    COALESCE(sum(checks) FILTER (WHERE hour >= :since7d!), 0)::integer AS checks_7d,
    COALESCE(sum(failures) FILTER (WHERE hour >= :since7d!), 0)::integer AS failures_7d,
    COALESCE(sum(checks), 0)::integer AS checks_30d,
    COALESCE(sum(failures), 0)::integer AS failures_30d,
    COALESCE(sum(responses) FILTER (WHERE hour >= :since24h!), 0)::integer AS responses_24h,
    COALESCE(sum(total_ms_sum) FILTER (WHERE hour >= :since24h!), 0)::double precision
      AS total_ms_sum_24h
  FROM check_rollups_hourly
  WHERE monitor_id = m.id AND hour >= :since30d!
) r
WHERE m.public_id = :publicId! AND m.public_badges;
