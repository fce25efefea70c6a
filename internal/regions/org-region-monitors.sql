/* @name CountOrgMonitorsByRegion */
-- How many of one organization's monitors list each region, the default region counting those
-- that list none (the Regions page). Paused monitors count: they list the region all the same.
-- One row per region listed; the org's index (monitors_org_seq) bounds the scan.
SELECT region AS "region!", count(DISTINCT m.id)::integer AS "count!"
FROM monitors m
CROSS JOIN LATERAL unnest(
  CASE WHEN cardinality(m.regions) = 0 THEN ARRAY[:defaultRegion!::text] ELSE m.regions END
) AS region
WHERE m.org_id = :orgId!
GROUP BY region;
