/* @name InsertMonitor */
-- Inserts the monitor and its monitor_state row in one statement, so neither exists alone.
-- The foreign key of monitor_state is checked at the end of the statement, when the monitor
-- row from the sibling CTE is there.
WITH m AS (
  INSERT INTO monitors (org_id, name, url, method, headers, body, interval_seconds, timeout_ms,
    expected_status, keyword, invert_keyword, follow_redirects, ignore_tls_errors, enabled,
    confirmations, recovery_confirmations, reminder_minutes, public_badges, kind, kind_spec,
    conditions, tls_expiry_alert_days, ping_token, alert_channel_ids, regions, region_rule)
  VALUES (:orgId!, :name!, :url!, :method!, :headers!, :body, :intervalSeconds!, :timeoutMs!,
    :expectedStatus!, :keyword, :invertKeyword!, :followRedirects!, :ignoreTlsErrors!, :enabled!,
    :confirmations!, :recoveryConfirmations!, :reminderMinutes!, :publicBadges!, :kind!,
    :kindSpec, :conditions!::text[], :tlsExpiryAlertDays!::integer[],
    CASE WHEN :kind! = 'heartbeat' THEN :newPingToken! END,
    -- Only channels of the organization, in the order given: the service checked them, and
    -- this keeps a channel deleted meanwhile out.
    ARRAY(SELECT u.id FROM unnest(:alertChannelIds!::uuid[]) WITH ORDINALITY AS u(id, n)
      WHERE EXISTS (SELECT 1 FROM alert_channels c WHERE c.id = u.id AND c.org_id = :orgId!)
      ORDER BY u.n),
    :regions!::text[], :regionRule!)
  RETURNING *
), s AS (
  INSERT INTO monitor_state (monitor_id) SELECT id FROM m
)
SELECT m.id, m.seq, m.name, m.url, m.method, m.headers, m.body, m.interval_seconds,
  m.timeout_ms, m.expected_status, m.keyword, m.invert_keyword, m.follow_redirects,
  m.ignore_tls_errors, m.enabled, m.created_at, m.updated_at, m.confirmations,
  m.recovery_confirmations, m.reminder_minutes, m.alert_channel_ids::text[] AS "alert_channel_ids!",
  m.public_badges, m.public_id, m.kind, m.kind_spec, m.conditions, m.tls_expiry_alert_days,
  m.regions, m.region_rule,
  m.ping_token, NULL::timestamptz AS heartbeat_due_at, NULL::timestamptz AS heartbeat_started_at,
  NULL::timestamptz AS last_checked_at, NULL::boolean AS last_up, NULL::jsonb AS last_result,
  -- A new monitor: no region has checked it yet.
  NULL::text[] AS region_state_regions, NULL::boolean[] AS region_state_ups,
  NULL::timestamptz[] AS region_state_checked_ats
FROM m;

/* @name UpdateMonitor */
-- Replaces the whole spec (absent optional fields were resolved to their defaults upstream).
WITH m AS (
  UPDATE monitors SET name = :name!, url = :url!, method = :method!, headers = :headers!,
    body = :body, interval_seconds = :intervalSeconds!, timeout_ms = :timeoutMs!,
    expected_status = :expectedStatus!, keyword = :keyword, invert_keyword = :invertKeyword!,
    follow_redirects = :followRedirects!, ignore_tls_errors = :ignoreTlsErrors!,
    enabled = :enabled!, confirmations = :confirmations!,
    recovery_confirmations = :recoveryConfirmations!, reminder_minutes = :reminderMinutes!,
    public_badges = :publicBadges!, kind = :kind!, kind_spec = :kindSpec,
    conditions = :conditions!::text[], tls_expiry_alert_days = :tlsExpiryAlertDays!::integer[],
    -- A heartbeat keeps its URL across edits; a monitor that becomes one gets a new one.
    ping_token = CASE WHEN :kind! = 'heartbeat' THEN COALESCE(ping_token, :newPingToken!) END,
    alert_channel_ids = ARRAY(SELECT u.id FROM unnest(:alertChannelIds!::uuid[]) WITH ORDINALITY AS u(id, n)
      WHERE EXISTS (SELECT 1 FROM alert_channels c WHERE c.id = u.id AND c.org_id = :orgId!)
      ORDER BY u.n),
    regions = :regions!::text[], region_rule = :regionRule!,
    updated_at = now()
  WHERE id = :id! AND org_id = :orgId!
  RETURNING *
)
SELECT m.id, m.seq, m.name, m.url, m.method, m.headers, m.body, m.interval_seconds,
  m.timeout_ms, m.expected_status, m.keyword, m.invert_keyword, m.follow_redirects,
  m.ignore_tls_errors, m.enabled, m.created_at, m.updated_at, m.confirmations,
  m.recovery_confirmations, m.reminder_minutes, m.alert_channel_ids::text[] AS "alert_channel_ids!",
  m.public_badges, m.public_id, m.kind, m.kind_spec, m.conditions, m.tls_expiry_alert_days,
  m.regions, m.region_rule,
  m.ping_token, h.due_at AS heartbeat_due_at, h.started_at AS heartbeat_started_at,
  s.last_checked_at, s.last_up, s.last_result,
  rs.regions AS region_state_regions, rs.ups AS region_state_ups,
  rs.checked_ats AS region_state_checked_ats
FROM m LEFT JOIN monitor_state s ON s.monitor_id = m.id
  LEFT JOIN heartbeat_state h ON h.monitor_id = m.id
  -- A monitor of several regions: each region's latest up and time (init.sql).
  LEFT JOIN LATERAL pulsar_region_states(m.id, m.regions) rs ON true;

/* @name SetMonitorEnabled */
WITH m AS (
  UPDATE monitors SET enabled = :enabled!, updated_at = now()
  WHERE id = :id! AND org_id = :orgId!
  RETURNING *
)
SELECT m.id, m.seq, m.name, m.url, m.method, m.headers, m.body, m.interval_seconds,
  m.timeout_ms, m.expected_status, m.keyword, m.invert_keyword, m.follow_redirects,
  m.ignore_tls_errors, m.enabled, m.created_at, m.updated_at, m.confirmations,
  m.recovery_confirmations, m.reminder_minutes, m.alert_channel_ids::text[] AS "alert_channel_ids!",
  m.public_badges, m.public_id, m.kind, m.kind_spec, m.conditions, m.tls_expiry_alert_days,
  m.regions, m.region_rule,
  m.ping_token, h.due_at AS heartbeat_due_at, h.started_at AS heartbeat_started_at,
  s.last_checked_at, s.last_up, s.last_result,
  rs.regions AS region_state_regions, rs.ups AS region_state_ups,
  rs.checked_ats AS region_state_checked_ats
FROM m LEFT JOIN monitor_state s ON s.monitor_id = m.id
  LEFT JOIN heartbeat_state h ON h.monitor_id = m.id
  -- A monitor of several regions: each region's latest up and time (init.sql).
  LEFT JOIN LATERAL pulsar_region_states(m.id, m.regions) rs ON true;

/* @name LockHeartbeatBeforeDelete */
-- The monitor's heartbeat_state row, locked before DeleteMonitor deletes it by cascade (in the
-- same transaction, then LockStateBeforeDelete): ping appliers and sweepers lock it before the
-- monitor_state row, and a cascade left to itself takes them the other way round, deadlocking
-- with a ping being applied. Only the caller's organization's monitor is locked.
SELECT h.monitor_id FROM heartbeat_state h
WHERE h.monitor_id = :id!
  AND EXISTS (SELECT 1 FROM monitors m WHERE m.id = :id! AND m.org_id = :orgId!)
FOR UPDATE OF h;

/* @name LockStateBeforeDelete */
-- The monitor's monitor_state row, locked after LockHeartbeatBeforeDelete.
SELECT s.monitor_id FROM monitor_state s
WHERE s.monitor_id = :id!
  AND EXISTS (SELECT 1 FROM monitors m WHERE m.id = :id! AND m.org_id = :orgId!)
FOR UPDATE OF s;

/* @name DeleteMonitor */
-- Deletes the monitor (its state cascades) and its results in one statement. The results are
-- found by the primary key of each partition; the EXISTS makes that a one-time filter, so
-- nothing is scanned when the monitor did not exist.
WITH deleted AS (
  DELETE FROM monitors WHERE id = :id! AND org_id = :orgId! RETURNING id
), results AS (
  DELETE FROM check_results WHERE monitor_id = :id! AND EXISTS (SELECT 1 FROM deleted)
), rollups AS (
  DELETE FROM check_rollups_hourly WHERE monitor_id = :id! AND EXISTS (SELECT 1 FROM deleted)
)
SELECT EXISTS (SELECT 1 FROM deleted) AS "deleted!";

/* @name GetMonitor */
-- Every read and write by id is scoped to the caller's organization: another organization's
-- monitor is exactly as absent as one that does not exist.
SELECT m.id, m.seq, m.name, m.url, m.method, m.headers, m.body, m.interval_seconds,
  m.timeout_ms, m.expected_status, m.keyword, m.invert_keyword, m.follow_redirects,
  m.ignore_tls_errors, m.enabled, m.created_at, m.updated_at, m.confirmations,
  m.recovery_confirmations, m.reminder_minutes, m.alert_channel_ids::text[] AS "alert_channel_ids!",
  m.public_badges, m.public_id, m.kind, m.kind_spec, m.conditions, m.tls_expiry_alert_days,
  m.regions, m.region_rule,
  m.ping_token, h.due_at AS heartbeat_due_at, h.started_at AS heartbeat_started_at,
  s.last_checked_at, s.last_up, s.last_result,
  rs.regions AS region_state_regions, rs.ups AS region_state_ups,
  rs.checked_ats AS region_state_checked_ats
FROM monitors m LEFT JOIN monitor_state s ON s.monitor_id = m.id
  LEFT JOIN heartbeat_state h ON h.monitor_id = m.id
  -- A monitor of several regions: each region's latest up and time (init.sql).
  LEFT JOIN LATERAL pulsar_region_states(m.id, m.regions) rs ON true
WHERE m.id = :id! AND m.org_id = :orgId!;

/* @name ListMonitorsPage */
-- One organization's monitors (index monitors_org_seq). Keyset pagination on seq: stable under inserts and deletes, and each page costs the same
-- however deep it is. The latest result comes from monitor_state, never from check_results.
SELECT m.id, m.seq, m.name, m.url, m.method, m.headers, m.body, m.interval_seconds,
  m.timeout_ms, m.expected_status, m.keyword, m.invert_keyword, m.follow_redirects,
  m.ignore_tls_errors, m.enabled, m.created_at, m.updated_at, m.confirmations,
  m.recovery_confirmations, m.reminder_minutes, m.alert_channel_ids::text[] AS "alert_channel_ids!",
  m.public_badges, m.public_id, m.kind, m.kind_spec, m.conditions, m.tls_expiry_alert_days,
  m.regions, m.region_rule,
  m.ping_token, h.due_at AS heartbeat_due_at, h.started_at AS heartbeat_started_at,
  s.last_checked_at, s.last_up, s.last_result,
  rs.regions AS region_state_regions, rs.ups AS region_state_ups,
  rs.checked_ats AS region_state_checked_ats
FROM monitors m LEFT JOIN monitor_state s ON s.monitor_id = m.id
  LEFT JOIN heartbeat_state h ON h.monitor_id = m.id
  -- A monitor of several regions: each region's latest up and time (init.sql).
  LEFT JOIN LATERAL pulsar_region_states(m.id, m.regions) rs ON true
WHERE m.org_id = :orgId! AND m.seq > :afterSeq! AND (:kind! = '' OR m.kind = :kind!)
ORDER BY m.seq
LIMIT :limit!;

/* @name GetMonitorWithRegionResults */
-- GetMonitor with each region's latest result as well (MonitorService.GetMonitor's
-- region_results), from the same read of monitor_region_state that gives region_states: the
-- arrays of pulsar_region_states (init.sql) and region_state_results, aligned with them.
SELECT m.id, m.seq, m.name, m.url, m.method, m.headers, m.body, m.interval_seconds,
  m.timeout_ms, m.expected_status, m.keyword, m.invert_keyword, m.follow_redirects,
  m.ignore_tls_errors, m.enabled, m.created_at, m.updated_at, m.confirmations,
  m.recovery_confirmations, m.reminder_minutes, m.alert_channel_ids::text[] AS "alert_channel_ids!",
  m.public_badges, m.public_id, m.kind, m.kind_spec, m.conditions, m.tls_expiry_alert_days,
  m.regions, m.region_rule,
  m.ping_token, h.due_at AS heartbeat_due_at, h.started_at AS heartbeat_started_at,
  s.last_checked_at, s.last_up, s.last_result,
  rs.regions AS region_state_regions, rs.ups AS region_state_ups,
  rs.checked_ats AS region_state_checked_ats, rs.results AS region_state_results
FROM monitors m LEFT JOIN monitor_state s ON s.monitor_id = m.id
  LEFT JOIN heartbeat_state h ON h.monitor_id = m.id
  -- pulsar_region_states' rows with their results: a monitor of one region has none.
  LEFT JOIN LATERAL (
    SELECT array_agg(r.region) AS regions, array_agg(r.last_up) AS ups,
      array_agg(r.last_checked_at) AS checked_ats, array_agg(r.last_result) AS results
    FROM monitor_region_state r
    WHERE cardinality(m.regions) > 1 AND r.monitor_id = m.id AND r.region = ANY(m.regions)
  ) rs ON true
WHERE m.id = :id! AND m.org_id = :orgId!;

/* @name ListEnabledSchedulesPage */
-- What the scheduler needs of each enabled monitor, a page at a time by seq. Heartbeat monitors
-- are not checked: their pings arrive (internal/checks/heartbeat).
SELECT id, seq, org_id, url, method, headers, body, interval_seconds, timeout_ms,
  expected_status, keyword, invert_keyword, follow_redirects, ignore_tls_errors, kind, kind_spec,
  conditions, regions
FROM monitors
WHERE enabled AND kind <> 'heartbeat' AND seq > :afterSeq!
ORDER BY seq
LIMIT :limit!;

/* @name CountEnabledMonitors */
-- The monitors that have a job scheduler: every enabled one but heartbeats.
SELECT count(*)::integer AS "count!" FROM monitors WHERE enabled AND kind <> 'heartbeat';

/* @name FilterOwnedMonitorIds */
-- Which of the given ids are monitors of the organization.
SELECT id FROM monitors WHERE id = ANY(:ids!::uuid[]) AND org_id = :orgId!;
