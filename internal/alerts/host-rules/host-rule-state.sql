/* @name MatchHostRules */
-- The rules that watch each host of a batch, one row per (rule, host). A host of an
-- organization is watched by that organization's rules naming it or every host (host_id NULL);
-- a shared host (owner '') by every organization's, when shared hosts are on. A rule with a
-- host_selector comes with the host's labels in force (edited, else the agent's) for the caller
-- to match: the selector is matched in one place (LabelSelector.matches), as ListHosts does;
-- and with whether its state on the host holds or fires (active), so that a host whose labels
-- stopped matching can be resolved (a primary-key probe, for selector rules only).
SELECT r.id, r.org_id, r.name, r.metric, r.mount, r.op, r.threshold, r.for_seconds,
  r.channel_ids::text[] AS "channel_ids!", h.host_id AS "host_id!", r.host_selector,
  CASE WHEN r.host_selector = '' THEN NULL
    ELSE COALESCE(hh.labels, hh.agent_labels, '{}'::jsonb) END AS host_labels,
  (r.host_selector <> '' AND EXISTS (
    SELECT 1 FROM host_rule_state s
    WHERE s.rule_id = r.id AND s.host_id = h.host_id
      AND (s.firing OR s.holding_since IS NOT NULL))) AS "active!"
FROM unnest(:hostIds!::text[], :owners!::text[]) AS h(host_id, owner)
JOIN host_rules r ON (r.host_id IS NULL OR r.host_id = h.host_id)
  AND (r.org_id = NULLIF(h.owner, '')::uuid OR (h.owner = '' AND :includeShared!::boolean))
LEFT JOIN hosts hh ON hh.id = h.host_id
ORDER BY r.id, h.host_id;

/* @name EnsureRuleStates */
-- Creates the missing state rows (not holding, not firing: the same as no row) so that they can
-- be locked. Run outside the transaction that locks them, so that every lock of that
-- transaction is taken by one ordered SELECT ... FOR UPDATE and two processes cannot deadlock.
INSERT INTO host_rule_state (rule_id, host_id)
SELECT u.rule_id, u.host_id
FROM unnest(:ruleIds!::uuid[], :hostIds!::text[]) AS u(rule_id, host_id)
WHERE EXISTS (SELECT 1 FROM host_rules r WHERE r.id = u.rule_id)
ORDER BY u.rule_id, u.host_id
ON CONFLICT (rule_id, host_id) DO NOTHING;

/* @name LockRuleStates */
-- Locks the state of each (rule, host) in primary-key order (ORDER BY is applied before the
-- row locks), so concurrent evaluations of overlapping batches queue instead of deadlocking.
SELECT s.rule_id, s.host_id, s.holding_since, s.firing
FROM host_rule_state s
JOIN unnest(:ruleIds!::uuid[], :hostIds!::text[]) AS u(rule_id, host_id)
  ON s.rule_id = u.rule_id AND s.host_id = u.host_id
ORDER BY s.rule_id, s.host_id
FOR UPDATE OF s;

/* @name LockSilentRuleStates */
-- The states still firing or holding on hosts silent since silentBefore (newest sample older,
-- or the host's row gone), with their rule and the host's name, for the silent-host sweep.
-- Locked in key order, SKIP LOCKED: a state an evaluation or another sweep holds is theirs to
-- decide, and one that changed meanwhile is re-checked against this WHERE on its new version
-- (READ COMMITTED), so a state another sweep resolved is not resolved twice.
SELECT s.rule_id, s.host_id, s.holding_since, s.firing, r.org_id, r.name, r.metric, r.mount,
  r.op, r.threshold, r.for_seconds, r.channel_ids::text[] AS "channel_ids!",
  h.hostname AS "hostname?", h.last_seen AS "last_seen?"
FROM host_rule_state s
JOIN host_rules r ON r.id = s.rule_id
LEFT JOIN hosts h ON h.id = s.host_id
WHERE (s.firing OR s.holding_since IS NOT NULL)
  AND (h.last_seen IS NULL OR h.last_seen < :silentBefore!::timestamptz)
ORDER BY s.rule_id, s.host_id
LIMIT :limit!
FOR UPDATE OF s SKIP LOCKED;

/* @name UpdateRuleStates */
-- holding_since travels as text ('' for NULL): arrays of timestamps cannot carry NULL.
UPDATE host_rule_state s
SET holding_since = NULLIF(u.holding_since, '')::timestamptz, firing = u.firing
FROM unnest(:ruleIds!::uuid[], :hostIds!::text[], :holdingSinces!::text[],
  :firings!::boolean[]) AS u(rule_id, host_id, holding_since, firing)
WHERE s.rule_id = u.rule_id AND s.host_id = u.host_id;

/* @name InsertHostEvent */
-- A rule firing or resolving, with a pending delivery to each of its channels that still
-- exists (in the same transaction as the state change: the event exists exactly when the
-- state flipped). Answers the event and its deliveries' channels. value is NULL for an event no
-- sample decided (the silent-host sweep's).
WITH e AS (
  INSERT INTO alert_events (org_id, kind, host_id, rule_id, title, message, value)
  VALUES (:orgId!, :kind!, :hostId!, :ruleId!, :title!, :message!, :value)
  RETURNING id, created_at
), d AS (
  INSERT INTO alert_deliveries (event_id, channel_id, channel_name)
  SELECT e.id, c.id, c.name
  FROM e, alert_channels c
  WHERE c.org_id = :orgId! AND c.id = ANY(:channelIds!::uuid[])
  RETURNING channel_id, channel_name
)
SELECT e.id, e.created_at,
  ARRAY(SELECT d.channel_id::text FROM d ORDER BY d.channel_name, d.channel_id) AS "channel_ids!",
  ARRAY(SELECT d.channel_name FROM d ORDER BY d.channel_name, d.channel_id) AS "channel_names!"
FROM e;

/* @name DeleteHostRuleStates */
-- Every rule's state on a host (HostService.DeleteHost, in its transaction): a host deleted and
-- recorded again starts with no rule holding or firing. The rules are the organization's only
-- (a host belongs to one organization; shared hosts are never deleted). Its past events stay.
DELETE FROM host_rule_state s
USING host_rules r
WHERE s.host_id = :hostId! AND r.id = s.rule_id AND r.org_id = :orgId!::uuid;
