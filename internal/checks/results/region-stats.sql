/* @name GetMonitorRegionStats */
-- GetMonitorStats' figures for each of the given regions of one monitor, in one pass over the
-- window: uptime counts every check but those during a maintenance window; the percentiles and
-- the average only the checks that got a response (pulsar_responded). The window is read as
-- GetMonitorStats reads it, through each partition's primary key; the region is then a filter
-- on those rows, which leaves out results of regions the monitor no longer lists. A region
-- without checks in the window has no row. (A LATERAL aggregate per region avoids the sort by
-- region but reads the window's heap pages once per region: slower from 7 days up.)
SELECT
  region AS "region!",
  (count(*) FILTER (WHERE NOT maintenance))::integer AS "checks!",
  (count(*) FILTER (WHERE NOT up AND NOT maintenance))::integer AS "failures!",
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
  AND region = ANY(:regions!::text[])
GROUP BY region;
