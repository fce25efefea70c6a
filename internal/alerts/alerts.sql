/* @name InsertMonitorAlerts */
-- Everything a batch's transitions record, in one statement: incidents opened (with their end
-- when the same batch also closed them: a statement cannot see rows its sibling CTE inserted),
-- incidents closed, the alert events, and one pending delivery per event and channel that still
-- exists in the event's organization. Returns each event with the channels it will go to.
WITH opened AS (
  INSERT INTO incidents (id, org_id, monitor_id, started_at, ended_at, cause)
  SELECT u.id, u.org_id, u.monitor_id, u.started_at::timestamptz,
    NULLIF(u.ended_at, '')::timestamptz, u.cause
  FROM unnest(:openIds!::uuid[], :openOrgIds!::uuid[], :openMonitorIds!::uuid[],
    :openStartedAts!::text[], :openEndedAts!::text[], :openCauses!::text[])
    AS u(id, org_id, monitor_id, started_at, ended_at, cause)
), closed AS (
  UPDATE incidents i SET ended_at = u.ended_at::timestamptz
  FROM unnest(:closeIds!::uuid[], :closeEndedAts!::text[]) AS u(id, ended_at)
  WHERE i.id = u.id AND i.ended_at IS NULL
), events AS (
  INSERT INTO alert_events (id, org_id, kind, created_at, monitor_id, incident_id, title,
    message, check_result, downtime_seconds)
  SELECT u.id, u.org_id, u.kind, u.created_at::timestamptz, u.monitor_id,
    NULLIF(u.incident_id, '')::uuid, u.title, u.message, u.check_result,
    CASE WHEN u.kind = 'monitor_recovered' THEN u.downtime_seconds END
  FROM unnest(:eventIds!::uuid[], :eventOrgIds!::uuid[], :kinds!::text[],
    :createdAts!::text[], :eventMonitorIds!::uuid[], :incidentIds!::text[], :titles!::text[],
    :messages!::text[], :checkResults!::jsonb[], :downtimeSeconds!::float8[])
    AS u(id, org_id, kind, created_at, monitor_id, incident_id, title, message, check_result,
    downtime_seconds)
  RETURNING id, org_id, created_at
), deliveries AS (
  INSERT INTO alert_deliveries (event_id, channel_id, channel_name)
  SELECT e.id, c.id, c.name
  FROM unnest(:deliveryEventIds!::uuid[], :deliveryChannelIds!::uuid[])
    AS d(event_id, channel_id)
  JOIN events e ON e.id = d.event_id
  JOIN alert_channels c ON c.id = d.channel_id AND c.org_id = e.org_id
  ON CONFLICT (event_id, channel_id) DO NOTHING
  RETURNING event_id, channel_id, channel_name
)
SELECT e.id, e.created_at,
  COALESCE(array_agg(d.channel_id ORDER BY d.channel_id)
    FILTER (WHERE d.channel_id IS NOT NULL), '{}') AS "channel_ids!",
  COALESCE(array_agg(d.channel_name ORDER BY d.channel_id)
    FILTER (WHERE d.channel_id IS NOT NULL), '{}') AS "channel_names!"
FROM events e
LEFT JOIN deliveries d ON d.event_id = e.id
GROUP BY e.id, e.created_at;

/* @name GetDelivery */
-- One delivery with what sending it needs: the event and its organization, the channel (absent
-- once deleted: there is no foreign key, so the history keeps the delivery) and the monitor's
-- name (what it checks is in the event's message, worded when it alerted).
SELECT d.status, d.attempts, e.org_id, e.id, e.kind, e.created_at, e.monitor_id, e.host_id,
  e.rule_id, e.incident_id, e.title, e.message, e.check_result, e.value, e.downtime_seconds,
  c.kind AS "channel_kind?", c.url AS "channel_url?", c.secret AS channel_secret,
  m.name AS "monitor_name?"
FROM alert_deliveries d
JOIN alert_events e ON e.id = d.event_id
LEFT JOIN alert_channels c ON c.id = d.channel_id AND c.org_id = e.org_id
LEFT JOIN monitors m ON m.id = e.monitor_id
WHERE d.event_id = :eventId! AND d.channel_id = :channelId!;

/* @name ClaimDelivery */
-- Takes a delivery for one POST: only from the given states, so two workers cannot both take a
-- pending one, and a delivery some worker was sending when it died is taken again only where
-- the caller allows it (a receiver that dedupes by Idempotency-Key). Not while an earlier event
-- of the same monitor (or host and rule) to the same channel is still pending or sending
-- (waiting: true): a channel receives "is down" before "recovered" however many deliveries
-- run at once. Earlier is by (created_at, id), a total order, so no two deliveries wait for
-- each other; the open deliveries of a channel come from alert_deliveries_open_by_channel.
WITH earlier AS (
  SELECT EXISTS (
    SELECT 1
    FROM alert_events me
    JOIN alert_deliveries pd ON pd.channel_id = :channelId!
      AND pd.status IN ('pending', 'sending') AND pd.event_id <> me.id
    JOIN alert_events pe ON pe.id = pd.event_id
      AND (pe.created_at, pe.id) < (me.created_at, me.id)
      AND (pe.monitor_id = me.monitor_id OR (pe.host_id = me.host_id AND pe.rule_id = me.rule_id))
    WHERE me.id = :eventId!
  ) AS waiting
), claimed AS (
  UPDATE alert_deliveries
  SET status = 'sending', attempts = attempts + 1, updated_at = now()
  WHERE event_id = :eventId! AND channel_id = :channelId! AND status = ANY(:from!::text[])
    AND NOT (SELECT waiting FROM earlier)
  RETURNING attempts
)
SELECT (SELECT waiting FROM earlier) AS "waiting!", (SELECT attempts FROM claimed) AS attempts;

/* @name SettleDelivery */
-- Records how a delivery went: delivered, failed for good, or pending again for a retry; only
-- from the given states (the caller's claim: 'sending'), so a settled delivery is never
-- reopened.
UPDATE alert_deliveries
SET status = :status!, error = :error!, updated_at = now(),
  delivered_at = CASE WHEN :status! = 'delivered' THEN now() END
WHERE event_id = :eventId! AND channel_id = :channelId! AND status = ANY(:from!::text[]);

/* @name ListStaleDeliveries */
-- Deliveries left pending or sending for a while (a worker died between commit and enqueue,
-- or mid-POST), oldest first, through the partial index alert_deliveries_pending.
SELECT event_id, channel_id
FROM alert_deliveries
WHERE status IN ('pending', 'sending')
  AND updated_at < now() - make_interval(secs => :olderThanSeconds!::integer)
ORDER BY updated_at
LIMIT :limit!;
