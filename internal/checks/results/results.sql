/* @name InsertCheckResults */
-- One statement for a whole batch: the columns travel as parallel arrays, each sent as the text
-- of its array literal (internal/db/array-literal.ts: built faster than pg builds them).
-- Timestamps are text (exact to the microsecond; '' for none) because pgtyped types array
-- elements as non-null.
-- Results of monitors deleted meanwhile are skipped rather than failing the batch, and a retried
-- batch cannot duplicate rows. The hourly rollups grow by exactly the rows inserted (RETURNING
-- leaves out conflicts), in key order so concurrent batches lock rollup rows alike. A check
-- during a maintenance window counts in maintenance_checks only, never in checks or failures, so
-- every uptime figure read from the rollups leaves it out.
WITH inserted AS (
INSERT INTO check_results (monitor_id, checked_at, scheduled_at, up, status_code, error,
  error_kind, redirect_ms, dns_ms, connect_ms, tls_ms, ttfb_ms, download_ms, total_ms,
  response_bytes, redirect_count, remote_address, region, tls_cert_expires_at, tls_cert_issuer,
  loop_delay_ms, maintenance, answer, job_duration_ms)
SELECT u.monitor_id, u.checked_at::timestamptz, NULLIF(u.scheduled_at, '')::timestamptz, u.up,
  u.status_code, u.error, u.error_kind, u.redirect_ms, u.dns_ms, u.connect_ms, u.tls_ms,
  u.ttfb_ms, u.download_ms, u.total_ms, u.response_bytes, u.redirect_count, u.remote_address,
  u.region, NULLIF(u.tls_cert_expires_at, '')::timestamptz, u.tls_cert_issuer, u.loop_delay_ms,
  u.maintenance, u.answer, u.job_duration_ms
FROM unnest(
  :monitorIds!::text::uuid[], :checkedAts!::text::text[], :scheduledAts!::text::text[],
  :ups!::text::boolean[], :statusCodes!::text::integer[], :errors!::text::text[],
  :errorKinds!::text::smallint[], :redirectMs!::text::float8[], :dnsMs!::text::float8[],
  :connectMs!::text::float8[], :tlsMs!::text::float8[], :ttfbMs!::text::float8[],
  :downloadMs!::text::float8[], :totalMs!::text::float8[], :responseBytes!::text::bigint[],
  :redirectCounts!::text::integer[], :remoteAddresses!::text::text[], :regions!::text::text[],
  :tlsCertExpiresAts!::text::text[], :tlsCertIssuers!::text::text[],
  :loopDelayMs!::text::float8[], :maintenances!::text::boolean[], :answers!::text::text[],
  :jobDurationMs!::text::float8[]
) AS u(monitor_id, checked_at, scheduled_at, up, status_code, error, error_kind, redirect_ms,
  dns_ms, connect_ms, tls_ms, ttfb_ms, download_ms, total_ms, response_bytes, redirect_count,
  remote_address, region, tls_cert_expires_at, tls_cert_issuer, loop_delay_ms, maintenance,
  answer, job_duration_ms)
-- The batch's monitors that still exist, found through the primary key whatever the planner
-- knows of monitors (as an EXISTS join, without statistics it hashed every monitor per batch).
WHERE u.monitor_id = ANY(ARRAY(SELECT id FROM monitors
  WHERE id = ANY(:monitorIds!::text::uuid[])))
-- A result is one region's check of a monitor at an instant: two regions' checks of one slot
-- often start in the same millisecond, and both are kept.
ON CONFLICT (monitor_id, checked_at, region) DO NOTHING
RETURNING monitor_id, checked_at, up, status_code, total_ms, maintenance
), rolled_up AS (
INSERT INTO check_rollups_hourly (monitor_id, hour, checks, failures, responses, total_ms_sum,
  maintenance_checks)
SELECT monitor_id, date_bin('1 hour', checked_at, '2000-01-01 00:00:00+00'),
  count(*) FILTER (WHERE NOT maintenance), count(*) FILTER (WHERE NOT up AND NOT maintenance),
  count(*) FILTER (WHERE pulsar_responded(status_code, up, total_ms)),
  COALESCE(sum(total_ms) FILTER (WHERE pulsar_responded(status_code, up, total_ms)), 0),
  count(*) FILTER (WHERE maintenance)
FROM inserted
GROUP BY 1, 2
ORDER BY 1, 2
ON CONFLICT (monitor_id, hour) DO UPDATE SET
  checks = check_rollups_hourly.checks + EXCLUDED.checks,
  failures = check_rollups_hourly.failures + EXCLUDED.failures,
  responses = check_rollups_hourly.responses + EXCLUDED.responses,
  total_ms_sum = check_rollups_hourly.total_ms_sum + EXCLUDED.total_ms_sum,
  maintenance_checks = check_rollups_hourly.maintenance_checks + EXCLUDED.maintenance_checks
)
SELECT count(*)::integer AS "inserted!" FROM inserted;

/* @name ListCheckResults */
-- Newest first within [since, until); until defaults to now. Both bounds are on the partition
-- key, so only the partitions of the window are read, each through its primary key.
SELECT monitor_id, checked_at, scheduled_at, up, status_code, error, error_kind, redirect_ms,
  dns_ms, connect_ms, tls_ms, ttfb_ms, download_ms, total_ms, response_bytes, redirect_count,
  remote_address, region, tls_cert_expires_at, tls_cert_issuer, loop_delay_ms, maintenance,
  answer, job_duration_ms
FROM check_results
WHERE monitor_id = :monitorId!
  AND checked_at >= COALESCE(:since::timestamptz, '-infinity')
  AND checked_at < COALESCE(:until::timestamptz, now())
ORDER BY checked_at DESC
LIMIT :limit!;

/* @name GetMonitorStats */
-- Uptime counts every check but those during a maintenance window; the timing percentiles and
-- the average only count checks that got a response (pulsar_responded in init.sql: a
-- timeout's total or a heartbeat's ping is no latency). The certificate comes from the newest
-- check of the window that saw one.
SELECT
  agg.checks AS "checks!", agg.failures AS "failures!", agg.avg_total_ms, agg.total_ms,
  agg.dns_ms, agg.connect_ms, agg.tls_ms, agg.ttfb_ms, agg.download_ms,
  cert.tls_cert_expires_at,
  -- pgtyped takes the column's NOT NULL at face value; the outer join can still make it null.
  COALESCE(cert.tls_cert_issuer, '') AS "tls_cert_issuer!"
FROM (
  SELECT
    (count(*) FILTER (WHERE NOT maintenance))::integer AS checks,
    (count(*) FILTER (WHERE NOT up AND NOT maintenance))::integer AS failures,
    avg(total_ms) FILTER (WHERE pulsar_responded(status_code, up, total_ms)) AS avg_total_ms,
    percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY total_ms)
      FILTER (WHERE pulsar_responded(status_code, up, total_ms)) AS total_ms,
    percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY dns_ms)
      FILTER (WHERE pulsar_responded(status_code, up, total_ms)) AS dns_ms,
    percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY connect_ms)
      FILTER (WHERE pulsar_responded(status_code, up, total_ms)) AS connect_ms,
    percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY tls_ms)
      FILTER (WHERE pulsar_responded(status_code, up, total_ms)) AS tls_ms,
    percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY ttfb_ms)
      FILTER (WHERE pulsar_responded(status_code, up, total_ms)) AS ttfb_ms,
    percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY download_ms)
      FILTER (WHERE pulsar_responded(status_code, up, total_ms)) AS download_ms
  FROM check_results
  WHERE monitor_id = :monitorId! AND checked_at >= :since! AND checked_at < now()
) agg
LEFT JOIN LATERAL (
  SELECT r.tls_cert_expires_at, r.tls_cert_issuer
  FROM check_results r
  WHERE r.monitor_id = :monitorId! AND r.checked_at >= :since! AND r.checked_at < now()
    AND r.tls_cert_expires_at IS NOT NULL
  ORDER BY r.checked_at DESC
  LIMIT 1
) cert ON true;

/* @name GetMonitorSummaries */
-- The hourly rollups since an hour of the given monitors that belong to the organization.
SELECT r.monitor_id, r.hour, r.checks, r.failures, r.responses, r.total_ms_sum
FROM monitors m
JOIN check_rollups_hourly r ON r.monitor_id = m.id AND r.hour >= :since!
WHERE m.id = ANY(:monitorIds!::uuid[]) AND m.org_id = :orgId!
ORDER BY r.monitor_id, r.hour;

/* @name GetMonitorTimings */
-- Averages of each phase per time bucket (aligned to the epoch, so a refreshed chart keeps its
-- buckets), over the checks that got a response (as GetMonitorStats says it); failures count
-- every check but those during a maintenance window, like uptime.
SELECT date_bin(make_interval(secs => :stepSeconds!::integer), checked_at,
    '2000-01-01 00:00:00+00') AS "time!",
  count(*)::integer AS "checks!",
  (count(*) FILTER (WHERE NOT up AND NOT maintenance))::integer AS "failures!",
  COALESCE(avg(dns_ms) FILTER (WHERE pulsar_responded(status_code, up, total_ms)), 0) AS "dns_ms!",
  COALESCE(avg(connect_ms) FILTER (WHERE pulsar_responded(status_code, up, total_ms)), 0) AS "connect_ms!",
  COALESCE(avg(tls_ms) FILTER (WHERE pulsar_responded(status_code, up, total_ms)), 0) AS "tls_ms!",
  COALESCE(avg(ttfb_ms) FILTER (WHERE pulsar_responded(status_code, up, total_ms)), 0) AS "ttfb_ms!",
  COALESCE(avg(download_ms) FILTER (WHERE pulsar_responded(status_code, up, total_ms)), 0) AS "download_ms!",
  COALESCE(avg(redirect_ms) FILTER (WHERE pulsar_responded(status_code, up, total_ms)), 0) AS "redirect_ms!",
  COALESCE(avg(total_ms) FILTER (WHERE pulsar_responded(status_code, up, total_ms)), 0) AS "total_ms!"
FROM check_results
WHERE monitor_id = :monitorId! AND checked_at >= :since! AND checked_at < now()
GROUP BY 1
ORDER BY 1;
