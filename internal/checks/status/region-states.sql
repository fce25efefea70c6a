/* @name RegionStatesOf */
-- Each region's latest result of the batch's monitors checked from several regions (the votes
-- their results are decided by), for the regions they list now. Read after LockMonitorStates
-- (only for a batch with such monitors: one region needs no votes), as a statement of its
-- own: it reads with a snapshot taken once those locks are held, and every writer of these rows
-- holds the monitor_state row lock first (SaveMonitorStates writes them), so it reads them as
-- the previous lock holder left them. (A subquery of LockMonitorStates would read with the
-- snapshot taken before its lock wait.) Only each result's error is needed (failing regions
-- are named with theirs); protobuf JSON leaves an empty one out.
SELECT r.monitor_id, r.region, r.last_up,
  (EXTRACT(EPOCH FROM r.last_checked_at) * 1000000)::bigint AS "last_checked_us!",
  COALESCE(r.last_result->>'error', '') AS "error!"
FROM monitor_region_state r
JOIN monitors m ON m.id = r.monitor_id
WHERE r.monitor_id = ANY(:monitorIds!::uuid[]) AND cardinality(m.regions) > 1
  AND r.region = ANY(m.regions);
