/* @name SetHeartbeatDue */
-- Arms a heartbeat monitor with a deadline, or disarms it (NULL: paused). Either way a pending
-- /start is forgotten: the monitor is watched afresh from here. The last ping stays, as history.
INSERT INTO heartbeat_state (monitor_id, due_at)
VALUES (:monitorId!, NULLIF(:dueAt!, '')::timestamptz)
ON CONFLICT (monitor_id) DO UPDATE SET due_at = EXCLUDED.due_at, started_at = NULL;

/* @name DisarmHeartbeat */
-- Stops watching a monitor (paused, or no longer a heartbeat): no deadline, no pending /start.
-- An update only: a monitor that never was a heartbeat gets no row.
UPDATE heartbeat_state SET due_at = NULL, started_at = NULL WHERE monitor_id = :monitorId!;

/* @name FindPingTarget */
-- The heartbeat monitor a ping token names (the unique index on ping_token), if any.
SELECT id, enabled FROM monitors WHERE ping_token = :token! AND kind = 'heartbeat';

/* @name SaveHeartbeatStates */
-- Writes what TakeQueuedPings or LockDueHeartbeats decided, under their locks. Nullable times
-- travel as '' (pgtyped types array elements as non-null), exact to the microsecond.
UPDATE heartbeat_state h
SET due_at = NULLIF(u.due_at, '')::timestamptz,
  started_at = NULLIF(u.started_at, '')::timestamptz,
  last_ping_at = NULLIF(u.last_ping_at, '')::timestamptz
FROM unnest(:monitorIds!::uuid[], :dueAts!::text[], :startedAts!::text[], :lastPingAts!::text[])
  AS u(monitor_id, due_at, started_at, last_ping_at)
-- The list again as ANY: found by the primary key whatever the plan's guess of its length.
WHERE h.monitor_id = u.monitor_id AND h.monitor_id = ANY(:monitorIds!::uuid[]);

/* @name LockDueHeartbeats */
-- Up to :limit monitors whose deadline has passed, oldest deadline first (the partial index on
-- due_at), locked until COMMIT. Rows another sweeper or a ping's batch holds are skipped, so
-- sweepers in every worker share the work and each deadline is recorded once. Paused monitors
-- have no deadline; a monitor paused meanwhile, or no longer a heartbeat, is left alone, and so
-- is one with a ping still in the inbox: it is applied first (a ping acknowledged before the
-- deadline was on time, however late it is applied).
SELECT h.monitor_id, m.kind_spec,
  (EXTRACT(EPOCH FROM h.due_at) * 1000000)::bigint AS "due_us!",
  (EXTRACT(EPOCH FROM h.started_at) * 1000000)::bigint AS started_us,
  (EXTRACT(EPOCH FROM h.last_ping_at) * 1000000)::bigint AS last_ping_us
FROM heartbeat_state h
JOIN monitors m ON m.id = h.monitor_id
WHERE h.due_at <= :now!::timestamptz AND m.enabled AND m.kind = 'heartbeat'
  AND NOT EXISTS (SELECT 1 FROM ping_inbox p WHERE p.monitor_id = h.monitor_id)
ORDER BY h.due_at
LIMIT :limit!
FOR UPDATE OF h SKIP LOCKED;
