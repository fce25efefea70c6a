/* @name LockMonitorStates */
-- The status of the batch's monitors with their organization and the rules they alert by,
-- locked in id order (so two batches of the same monitors cannot deadlock) until the
-- transaction ends: whoever stores results of a monitor decides its status alone. Monitors
-- deleted meanwhile have no row: their results are neither counted nor published. Times come
-- as epoch microseconds, exact, since "newer than what was counted" compares checks a
-- microsecond apart, and a certificate is told from its successor by its expiry. kind,
-- kind_spec and url word what an alert says was checked; regions (as stored: '{}' for the
-- default one), region_rule and interval_seconds decide a monitor checked from several regions
-- (their votes: RegionStatesOf, read after this).
SELECT s.monitor_id, m.org_id, m.name, m.url, m.kind, m.kind_spec, m.enabled, m.confirmations,
  m.recovery_confirmations, m.reminder_minutes, m.alert_channel_ids, m.tls_expiry_alert_days,
  m.regions, m.region_rule, m.interval_seconds,
  s.alert_status, s.consecutive_failures, s.consecutive_successes, s.streak_error,
  s.incident_id, s.tls_alerted_days,
  (EXTRACT(EPOCH FROM s.last_checked_at) * 1000000)::bigint AS last_checked_us,
  (EXTRACT(EPOCH FROM s.streak_started_at) * 1000000)::bigint AS streak_started_us,
  (EXTRACT(EPOCH FROM s.last_reminder_at) * 1000000)::bigint AS last_reminder_us,
  (EXTRACT(EPOCH FROM s.tls_alerted_expires_at) * 1000000)::bigint AS tls_alerted_expires_us,
  (EXTRACT(EPOCH FROM i.started_at) * 1000000)::bigint AS incident_started_us,
  i.cause AS "incident_cause?"
FROM monitor_state s
JOIN monitors m ON m.id = s.monitor_id
LEFT JOIN incidents i ON i.id = s.incident_id
WHERE s.monitor_id = ANY(:monitorIds!::uuid[])
ORDER BY s.monitor_id
FOR UPDATE OF s;

/* @name SaveMonitorStates */
-- Writes the states decided under LockMonitorStates' locks: the newest result counted, the
-- status after it, and the certificate alerted on with the smallest threshold alerted for it;
-- and each region's newest result of the batch as its latest (monitor_region_state, one row
-- per monitor and region), never replacing a newer one (batches land out of order). One
-- statement for both, since every batch writes both. Nullable values travel as ''
-- (pgtyped types array elements as non-null). Each column is the text of its array literal
-- (internal/db/array-literal.ts: built faster than pg builds them).
WITH regions AS (
  INSERT INTO monitor_region_state (monitor_id, region, last_checked_at, last_up, last_result)
  SELECT r.monitor_id, r.region, r.last_checked_at::timestamptz, r.last_up, r.last_result
  FROM unnest(:regionMonitorIds!::text::uuid[], :regions!::text::text[], :regionCheckedAts!::text::text[],
    :regionUps!::text::boolean[], :regionResults!::text::jsonb[])
    AS r(monitor_id, region, last_checked_at, last_up, last_result)
  ON CONFLICT (monitor_id, region) DO UPDATE
  SET last_checked_at = EXCLUDED.last_checked_at, last_up = EXCLUDED.last_up,
    last_result = EXCLUDED.last_result
  WHERE monitor_region_state.last_checked_at < EXCLUDED.last_checked_at
)
UPDATE monitor_state s
SET last_checked_at = u.last_checked_at::timestamptz, last_up = u.last_up,
  last_result = u.last_result, alert_status = u.alert_status,
  consecutive_failures = u.failures, consecutive_successes = u.successes,
  streak_started_at = NULLIF(u.streak_started_at, '')::timestamptz,
  streak_error = u.streak_error, incident_id = NULLIF(u.incident_id, '')::uuid,
  last_reminder_at = NULLIF(u.last_reminder_at, '')::timestamptz,
  tls_alerted_expires_at = NULLIF(u.tls_alerted_expires_at, '')::timestamptz,
  tls_alerted_days = NULLIF(u.tls_alerted_days, '')::integer
FROM unnest(:monitorIds!::text::uuid[], :lastCheckedAts!::text::text[], :lastUps!::text::boolean[],
  :lastResults!::text::jsonb[], :alertStatuses!::text::text[], :failures!::text::integer[],
  :successes!::text::integer[], :streakStartedAts!::text::text[], :streakErrors!::text::text[],
  :incidentIds!::text::text[], :lastReminderAts!::text::text[], :tlsAlertedExpiresAts!::text::text[],
  :tlsAlertedDays!::text::text[])
  AS u(monitor_id, last_checked_at, last_up, last_result, alert_status, failures, successes,
  streak_started_at, streak_error, incident_id, last_reminder_at, tls_alerted_expires_at,
  tls_alerted_days)
-- The list again as ANY: the rows are then found by the primary key whatever the plan's
-- guess of the arrays' length (a generic plan guesses 10 and scanned the table instead).
WHERE s.monitor_id = u.monitor_id AND s.monitor_id = ANY(:monitorIds!::text::uuid[]);

/* @name LockMonitorStatus */
-- One monitor's status row, locked until the transaction ends: waits for a batch of its
-- results being stored, and holds off the next, so a reset cannot interleave with them.
SELECT incident_id FROM monitor_state WHERE monitor_id = :monitorId! FOR UPDATE;

/* @name ResetMonitorStatus */
-- Ends the monitor's open incident (if any) now and forgets its status, streaks and reminders,
-- and whether its last check was up (the dashboard shows PENDING once it is resumed): the next
-- counted result decides afresh, as on a new monitor. The last result itself stays, as
-- history, with its time: results older than it are still not counted. Run under
-- LockMonitorStatus' lock, so the incident read there is the current one.
WITH closed AS (
  UPDATE incidents SET ended_at = now()
  WHERE id = :incidentId::uuid AND ended_at IS NULL
  RETURNING id
)
UPDATE monitor_state
SET last_up = NULL, alert_status = 'unknown', consecutive_failures = 0, consecutive_successes = 0,
  streak_started_at = NULL, streak_error = '', incident_id = NULL, last_reminder_at = NULL
WHERE monitor_id = :monitorId!
RETURNING (SELECT count(*) FROM closed)::integer AS "closed!";
