/* @name CountRegionMonitors */
-- The enabled monitors one region checks (heartbeats aside: their pings arrive): those listing
-- it, and those listing none when it is the default region. Reconciliation's cheap pass
-- compares it with the region's schedule.
SELECT count(*)::integer AS "count!"
FROM monitors
WHERE enabled AND kind <> 'heartbeat'
  AND (:region!::text = ANY(regions) OR (cardinality(regions) = 0 AND :isDefault!::boolean));
