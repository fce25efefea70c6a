/* @name GetMonitorStatsWithRegions */
-- GetMonitorStats' figures for one monitor and for each of the given regions of it, from one
-- read of the window: the rows are grouped both ways at once (GROUPING SETS, one sort by
-- region), so the window costs one pass, not one for the monitor and another for its regions.
-- whole marks the monitor's row: it counts every region's checks, also those of regions the
-- monitor no longer lists, whose own groups are then left out; a region without checks in the
-- window has no row, the monitor always has one. As GetMonitorStats says it: uptime counts
-- every check but those during a maintenance window; the percentiles and the average only the
-- checks that got a response (pulsar_responded); the certificate, on the monitor's row only,
-- comes from the newest check of the window that saw one. Without regions GetMonitorStats is
-- the query: grouping by region as well costs about three quarters more (30 days of a monitor
-- of three regions checked every 20 s: 1.8 s against 1.0 s).
SELECT
  -- The monitor's row has no region (pgtyped would take the column's NOT NULL at face value).
  agg.whole AS "whole!", agg.region AS "region?", agg.checks AS "checks!",
  agg.failures AS "failures!",
  agg.avg_total_ms, agg.total_ms, agg.dns_ms, agg.connect_ms, agg.tls_ms, agg.ttfb_ms,
  agg.download_ms, cert.tls_cert_expires_at,
  -- pgtyped takes the column's NOT NULL at face value; the outer join can still make it null.
  COALESCE(cert.tls_cert_issuer, '') AS "tls_cert_issuer!"
FROM (
  SELECT
    GROUPING(region) = 1 AS whole,
    region,
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
  GROUP BY GROUPING SETS ((), (region))
  HAVING GROUPING(region) = 1 OR region = ANY(:regions!::text[])
) agg
-- Only the monitor's row looks for a certificate: for a region's row the condition on
-- agg.whole is a one-time filter, and nothing is read.
LEFT JOIN LATERAL (
  SELECT r.tls_cert_expires_at, r.tls_cert_issuer
  FROM check_results r
  WHERE agg.whole AND r.monitor_id = :monitorId! AND r.checked_at >= :since!
    AND r.checked_at < now() AND r.tls_cert_expires_at IS NOT NULL
  ORDER BY r.checked_at DESC
  LIMIT 1
) cert ON true;
