/* @name ListMonitorsCheckedFrom */
-- Of the monitors named, those a region checks: listing it, or listing none when it is the
-- default region (heartbeats aside: nobody checks them). A probe's result for any other is
-- skipped: its monitor is gone or no longer lists the probe's region.
SELECT id
FROM monitors
WHERE id = ANY(:monitorIds!::uuid[]) AND kind <> 'heartbeat'
  AND (:region!::text = ANY(regions) OR (cardinality(regions) = 0 AND :isDefault!::boolean));
