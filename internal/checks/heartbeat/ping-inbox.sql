/* @name QueuePings */
-- Puts a batch of pings in the inbox, each checked against its monitor as it is now: a ping
-- whose monitor is gone (deleted, no longer a heartbeat, or holding another token) or paused
-- is not queued, and says so. One statement: committed, the pings are acknowledged. Arrival
-- times are epoch milliseconds; one row per ping, in the order asked.
WITH asked AS (
  SELECT u.ord, u.monitor_id, u.token, u.kind, u.arrived_ms, u.body,
    CASE
      WHEN m.id IS NULL OR m.kind <> 'heartbeat' OR m.ping_token IS DISTINCT FROM u.token
        THEN 'gone'
      WHEN NOT m.enabled THEN 'paused'
      ELSE 'queued'
    END AS outcome
  FROM unnest(:monitorIds!::uuid[], :tokens!::text[], :kinds!::text[], :arrivedMs!::float8[],
    :bodies!::text[]) WITH ORDINALITY AS u(monitor_id, token, kind, arrived_ms, body, ord)
  LEFT JOIN monitors m ON m.id = u.monitor_id
), queued AS (
  INSERT INTO ping_inbox (monitor_id, kind, arrived_at, body, region)
  SELECT monitor_id, kind, to_timestamp(arrived_ms / 1000), body, :region!
  FROM asked
  WHERE outcome = 'queued'
)
SELECT ord AS "ord!", outcome AS "outcome!" FROM asked ORDER BY ord;

/* @name EnsureQueuedHeartbeatStates */
-- A monitor with queued pings but no heartbeat_state row (one the monitor service did not
-- arm) gets one, so that TakeQueuedPings can lock it and its pings are applied, or dropped as
-- gone, like any other's. Rows already there are not touched (not even checked for conflict).
INSERT INTO heartbeat_state (monitor_id)
SELECT DISTINCT p.monitor_id FROM ping_inbox p
WHERE NOT EXISTS (SELECT 1 FROM heartbeat_state h WHERE h.monitor_id = p.monitor_id)
ON CONFLICT (monitor_id) DO NOTHING;

/* @name TakeQueuedPings */
-- Takes the queued pings of up to :monitors monitors for one transaction to apply: their
-- heartbeat_state rows locked (id order, skipping rows another applier, a sweeper or an armer
-- holds), with each monitor's spec, kind and whether it is paused as they are now, and
-- their pings deleted from the inbox, one row per ping with its monitor's. Every ping of a
-- monitor queued before this statement is taken at once, so pings are applied in the order they
-- were queued, whichever process applies them. Times are epoch microseconds, exact.
WITH pending AS (
  SELECT array_agg(monitor_id) AS ids
  FROM (SELECT DISTINCT monitor_id FROM ping_inbox ORDER BY monitor_id LIMIT :monitors!) p
), locked AS (
  SELECT h.monitor_id, m.enabled, m.kind = 'heartbeat' AS is_heartbeat, m.kind_spec,
    (EXTRACT(EPOCH FROM h.due_at) * 1000000)::bigint AS due_us,
    (EXTRACT(EPOCH FROM h.started_at) * 1000000)::bigint AS started_us,
    (EXTRACT(EPOCH FROM h.last_ping_at) * 1000000)::bigint AS last_ping_us
  FROM heartbeat_state h
  JOIN monitors m ON m.id = h.monitor_id
  -- The list on both sides: each table found by its primary key, whatever the statistics.
  WHERE h.monitor_id = ANY((SELECT ids FROM pending)::uuid[])
    AND m.id = ANY((SELECT ids FROM pending)::uuid[])
  ORDER BY h.monitor_id
  FOR UPDATE OF h SKIP LOCKED
), taken AS (
  DELETE FROM ping_inbox p USING locked l
  WHERE p.monitor_id = l.monitor_id
  RETURNING p.id, p.monitor_id, p.kind, p.body, p.region,
    (EXTRACT(EPOCH FROM p.arrived_at) * 1000)::float8 AS arrived_ms
)
SELECT t.id AS "id!", t.monitor_id AS "monitor_id!", t.kind AS "kind!",
  t.body AS "body!", t.region AS "region!", t.arrived_ms AS "arrived_ms!",
  l.enabled AS "enabled!", l.is_heartbeat AS "is_heartbeat!", l.kind_spec,
  l.due_us, l.started_us, l.last_ping_us
FROM taken t
JOIN locked l ON l.monitor_id = t.monitor_id
ORDER BY t.id;
