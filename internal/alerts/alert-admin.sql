/* @name InsertChannel */
-- The secret is NULL for a Discord channel ('' from the caller: pgtyped's types carry no NULL
-- through a required text parameter).
INSERT INTO alert_channels (org_id, name, kind, url, secret)
VALUES (:orgId!, :name!, :kind!, :url!, NULLIF(:secret!::text, ''))
RETURNING id, name, kind, url, created_at;

/* @name ListChannels */
-- Without the secret: it never leaves the database towards a client.
SELECT id, name, kind, url, created_at
FROM alert_channels
WHERE org_id = :orgId!
ORDER BY created_at, id;

/* @name GetChannel */
-- With the secret, to send to it. Another organization's channel is as absent as a missing one.
SELECT id, name, kind, url, secret, created_at
FROM alert_channels
WHERE id = :id! AND org_id = :orgId!;

/* @name DeleteChannel */
-- Deletes the channel and takes its id out of the organization's monitors and host rules in
-- one statement, so nothing keeps pointing at it. Pending deliveries to it stay (the history
-- keeps the channel's name); the delivery worker finds the channel gone.
WITH deleted AS (
  DELETE FROM alert_channels WHERE id = :id! AND org_id = :orgId! RETURNING id
), monitors_changed AS (
  UPDATE monitors SET alert_channel_ids = array_remove(alert_channel_ids, d.id)
  FROM deleted d
  WHERE monitors.org_id = :orgId! AND d.id = ANY(monitors.alert_channel_ids)
), rules_changed AS (
  UPDATE host_rules SET channel_ids = array_remove(channel_ids, d.id)
  FROM deleted d
  WHERE host_rules.org_id = :orgId! AND d.id = ANY(host_rules.channel_ids)
)
SELECT EXISTS (SELECT 1 FROM deleted) AS "deleted!";

/* @name FilterOrgChannelIds */
-- Which of the given ids are channels of the organization.
SELECT id FROM alert_channels WHERE org_id = :orgId! AND id = ANY(:ids!::uuid[]);

/* @name InsertRule */
-- host_id '' means every host (NULL), or those host_selector matches. Only channels of the
-- organization are kept, in the order given: the service checked them, and a channel deleted
-- meanwhile stays out.
INSERT INTO host_rules (org_id, name, host_id, host_selector, metric, mount, op, threshold,
  for_seconds, channel_ids)
VALUES (:orgId!, :name!, NULLIF(:hostId!::text, ''), :hostSelector!, :metric!, :mount!, :op!,
  :threshold!, :forSeconds!,
  ARRAY(SELECT u.id FROM unnest(:channelIds!::uuid[]) WITH ORDINALITY AS u(id, n)
    WHERE EXISTS (SELECT 1 FROM alert_channels c WHERE c.id = u.id AND c.org_id = :orgId!)
    ORDER BY u.n))
RETURNING id, name, host_id, host_selector, metric, mount, op, threshold, for_seconds,
  channel_ids::text[] AS "channel_ids!", created_at;

/* @name ListRules */
SELECT id, name, host_id, host_selector, metric, mount, op, threshold, for_seconds,
  channel_ids::text[] AS "channel_ids!", created_at
FROM host_rules
WHERE org_id = :orgId!
ORDER BY created_at, id;

/* @name DeleteRule */
-- Its per-host state cascades; its past events stay in the history.
DELETE FROM host_rules WHERE id = :id! AND org_id = :orgId! RETURNING id;

/* @name InsertTestEvent */
-- A TestChannel event and its one delivery, already 'sending' with one attempt: the API sends it
-- itself, at once, so the delivery queue must not pick it up as pending.
WITH e AS (
  INSERT INTO alert_events (org_id, kind, title, message)
  VALUES (:orgId!, 'test', :title!, :message!)
  RETURNING id, created_at
), d AS (
  INSERT INTO alert_deliveries (event_id, channel_id, channel_name, status, attempts)
  SELECT e.id, :channelId!, :channelName!, 'sending', 1 FROM e
)
SELECT id, created_at FROM e;

/* @name ListAlertEvents */
-- An organization's alert history, newest first (index alert_events_org; with a monitor,
-- alert_events_monitor). Empty filters ('') match everything: pg plans each call with its
-- values, so an unused filter costs nothing. A page after the first starts strictly after the
-- previous page's last row by (created_at, id), so rows inserted meanwhile neither repeat nor
-- shift it; the position travels as microseconds since the epoch (created_us), which a JS Date
-- would round to the millisecond.
SELECT id, kind, created_at, monitor_id, host_id, rule_id, incident_id, title, message,
  check_result, value, downtime_seconds,
  (extract(epoch FROM created_at) * 1000000)::bigint::text AS "created_us!"
FROM alert_events
WHERE org_id = :orgId!
  AND (:monitorId!::text = '' OR monitor_id = NULLIF(:monitorId!::text, '')::uuid)
  AND (:hostId!::text = '' OR host_id = :hostId!::text)
  AND (:since!::text = '' OR created_at >= NULLIF(:since!::text, '')::timestamptz)
  AND (:afterUs!::text = '' OR (created_at, id) <
    (timestamptz 'epoch' + NULLIF(:afterUs!::text, '')::bigint * interval '1 microsecond',
     NULLIF(:afterId!::text, '')::uuid))
ORDER BY created_at DESC, id DESC
LIMIT :limit!;

/* @name ListDeliveries */
-- The deliveries of some events (their primary key's first column).
SELECT event_id, channel_id, channel_name, status, attempts, error, delivered_at
FROM alert_deliveries
WHERE event_id = ANY(:eventIds!::uuid[])
ORDER BY event_id, channel_name, channel_id;

/* @name ListIncidents */
-- A monitor's incidents, newest first (index incidents_monitor), scoped to the organization.
SELECT id, monitor_id, started_at, ended_at, cause
FROM incidents
WHERE monitor_id = :monitorId! AND org_id = :orgId!
ORDER BY started_at DESC, id DESC
LIMIT :limit!;
