/* @name ListLastResultsPage */
-- The last result of one organization's monitors that have one, in creation order after a seq
-- (index monitors_org_seq, then monitor_state by its key): what the live stream's `monitors`
-- replay sends, and nothing else. A monitor's spec is not read: its headers and body may be
-- large, and a client can ask for this replay again and again.
SELECT m.id, m.seq, s.last_result AS "last_result!"
FROM monitors m JOIN monitor_state s ON s.monitor_id = m.id
WHERE m.org_id = :orgId! AND m.seq > :afterSeq! AND s.last_result IS NOT NULL
ORDER BY m.seq
LIMIT :limit!;

/* @name GetLastResult */
-- One monitor's last result, scoped to the organization: another organization's monitor is
-- as absent as one that does not exist (the `monitor:<id>` replay).
SELECT s.last_result AS "last_result!"
FROM monitors m JOIN monitor_state s ON s.monitor_id = m.id
WHERE m.id = :id! AND m.org_id = :orgId! AND s.last_result IS NOT NULL;
