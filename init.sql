-- Pulsar schema. Idempotent: applied by cmd/api and cmd/worker when it changed, and mounted
-- into Postgres' init directory by docker compose.

-- The SHA-256 of this file as last applied (internal/db/schema.ts). A process starting
-- against a schema already up to date runs none of what follows: its ALTER TABLEs take
-- exclusive locks on tables the running processes use, and deadlocked with their queries.
CREATE TABLE IF NOT EXISTS pulsar_schema (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  init_sql_sha256 text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- Accounts. An organization owns monitors, results, hosts and alerts; every user belongs to
-- exactly one. Emails are unique whatever their case.
CREATE TABLE IF NOT EXISTS organizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  email text NOT NULL,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'member')),
  -- scrypt$<log2 N>$<r>$<p>$<salt, base64>$<hash, base64> (internal/auth/password.ts)
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS users_email_key ON users (lower(email));
CREATE INDEX IF NOT EXISTS users_org ON users (org_id);

-- Server-side sessions: the cookie carries a random secret, the table only its SHA-256, so a
-- copy of the database signs nobody in. Deleting the row revokes the session.
CREATE TABLE IF NOT EXISTS sessions (
  token_hash bytea PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);

-- API, worker and agent tokens, stored as SHA-256 of the secret (the secret has 256 random
-- bits, so a fast hash is enough). Revoked tokens are kept for the record.
CREATE TABLE IF NOT EXISTS api_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  scope text NOT NULL CHECK (scope IN ('api', 'worker', 'agent', 'probe')),
  token_hash bytea NOT NULL UNIQUE,
  prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX IF NOT EXISTS api_tokens_org ON api_tokens (org_id, created_at DESC);
-- A probe token checks from one region (ProbeService): the token, not the probe, decides it.
ALTER TABLE api_tokens ADD COLUMN IF NOT EXISTS region text;
ALTER TABLE api_tokens DROP CONSTRAINT IF EXISTS api_tokens_scope_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_scope_check
  CHECK (scope IN ('api', 'worker', 'agent', 'probe'));
ALTER TABLE api_tokens DROP CONSTRAINT IF EXISTS api_tokens_probe_region;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_probe_region
  CHECK ((scope = 'probe') = (region IS NOT NULL));

-- Invitations to join an organization; single use, stored hashed like tokens.
CREATE TABLE IF NOT EXISTS invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  email text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'member')),
  token_hash bytea NOT NULL UNIQUE,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz
);

CREATE TABLE IF NOT EXISTS monitors (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Creation order for stable keyset pagination (uuids are random, timestamps can tie).
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  url text NOT NULL,
  method text NOT NULL DEFAULT 'GET',
  headers jsonb NOT NULL DEFAULT '{}'::jsonb,
  body text,
  interval_seconds integer NOT NULL CHECK (interval_seconds BETWEEN 10 AND 86400),
  timeout_ms integer NOT NULL CHECK (timeout_ms BETWEEN 100 AND 60000),
  -- [{"min": 200, "max": 399}, ...]
  expected_status jsonb NOT NULL,
  keyword text,
  invert_keyword boolean NOT NULL DEFAULT false,
  follow_redirects boolean NOT NULL DEFAULT true,
  ignore_tls_errors boolean NOT NULL DEFAULT false,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- Added with accounts. NULL only on monitors created before accounts existed: the first
-- organization to sign up adopts them (internal/accounts/accounts.sql); until then nobody sees them.
ALTER TABLE monitors ADD COLUMN IF NOT EXISTS org_id uuid REFERENCES organizations (id) ON DELETE CASCADE;
-- Every listing is per organization, in creation order.
CREATE INDEX IF NOT EXISTS monitors_org_seq ON monitors (org_id, seq);

-- The latest result of each monitor, kept apart from monitors so that the frequent updates by
-- workers never touch the spec rows. One row per monitor, created with it.
CREATE TABLE IF NOT EXISTS monitor_state (
  monitor_id uuid PRIMARY KEY REFERENCES monitors (id) ON DELETE CASCADE,
  last_checked_at timestamptz,
  last_up boolean,
  -- Protobuf JSON of the latest pulsar.v1.CheckResult.
  last_result jsonb
);

-- One row per check. Partitioned by day (UTC) on checked_at; partitions are created ahead and
-- dropped past RETENTION_DAYS by pulsar_maintain_daily_partitions(). No foreign key to
-- monitors: a result that lands just after its monitor was deleted must not fail a whole batch.
CREATE TABLE IF NOT EXISTS check_results (
  monitor_id uuid NOT NULL,
  checked_at timestamptz NOT NULL,
  scheduled_at timestamptz,
  up boolean NOT NULL,
  status_code integer NOT NULL,
  error text NOT NULL DEFAULT '',
  error_kind smallint NOT NULL DEFAULT 0,
  redirect_ms double precision NOT NULL,
  dns_ms double precision NOT NULL,
  connect_ms double precision NOT NULL,
  tls_ms double precision NOT NULL,
  ttfb_ms double precision NOT NULL,
  download_ms double precision NOT NULL,
  total_ms double precision NOT NULL,
  response_bytes bigint NOT NULL,
  redirect_count integer NOT NULL DEFAULT 0,
  remote_address text NOT NULL DEFAULT '',
  region text NOT NULL,
  tls_cert_expires_at timestamptz,
  tls_cert_issuer text NOT NULL DEFAULT '',
  loop_delay_ms double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (monitor_id, checked_at, region)
) PARTITION BY RANGE (checked_at);
-- The region is part of a result's identity: two regions' checks of one slot often start in the
-- same millisecond, and a key without it dropped one of them. (Rebuilds the key of an older
-- installation once.)
DO $$
BEGIN
  IF (SELECT pg_get_constraintdef(oid) FROM pg_constraint
      WHERE conrelid = 'check_results'::regclass AND contype = 'p')
     IS DISTINCT FROM 'PRIMARY KEY (monitor_id, checked_at, region)' THEN
    ALTER TABLE check_results DROP CONSTRAINT IF EXISTS check_results_pkey;
    ALTER TABLE check_results ADD PRIMARY KEY (monitor_id, checked_at, region);
  END IF;
END $$;

-- Whether a check got a response, so that its total_ms is a latency: an HTTP status, or a TCP
-- or DNS check that succeeded (status 0, a total above 0). A timeout's total is the timeout and
-- a heartbeat's pings have a total of 0: neither is a latency. Uptime counts every check; the
-- timing averages and percentiles (and check_rollups_hourly.responses) only these. A single
-- expression in SQL, immutable and not strict: the planner inlines it into each query, which
-- then runs as if the expression were written there.
CREATE OR REPLACE FUNCTION pulsar_responded(status_code integer, up boolean, total_ms double precision)
RETURNS boolean
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$
  SELECT status_code > 0 OR (up AND total_ms > 0);
$$;

-- Hourly totals per monitor, kept in step with check_results by the statement that inserts the
-- results (so a retried batch, whose rows already exist, adds nothing). The overview reads these
-- (24 rows per monitor) instead of a day of raw results. Hours are UTC-aligned (date_bin), kept
-- RETENTION_DAYS like the results.
CREATE TABLE IF NOT EXISTS check_rollups_hourly (
  monitor_id uuid NOT NULL,
  hour timestamptz NOT NULL,
  checks integer NOT NULL,
  failures integer NOT NULL,
  -- Checks that got a response (pulsar_responded): the ones whose total_ms is a latency.
  responses integer NOT NULL,
  total_ms_sum double precision NOT NULL,
  PRIMARY KEY (monitor_id, hour)
);

-- A host that has sent samples: what it is, and when it was first and last seen. Upserted with
-- every batch of samples; last_seen only moves forward (batches may land out of order).
CREATE TABLE IF NOT EXISTS hosts (
  id text PRIMARY KEY,
  hostname text NOT NULL DEFAULT '',
  os text NOT NULL DEFAULT '',
  kernel text NOT NULL DEFAULT '',
  arch text NOT NULL DEFAULT '',
  cpu_model text NOT NULL DEFAULT '',
  cores integer NOT NULL DEFAULT 0,
  memory_bytes double precision NOT NULL DEFAULT 0,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL
);
-- The organization the host reports to (its worker's PULSAR_WORKER_TOKEN or its agent's token);
-- NULL for a shared host, visible read-only to every organization when PULSAR_SHARED_HOSTS=true.
ALTER TABLE hosts ADD COLUMN IF NOT EXISTS org_id uuid REFERENCES organizations (id) ON DELETE CASCADE;
CREATE INDEX IF NOT EXISTS hosts_org ON hosts (org_id);
-- The registry (HostService.UpdateHost): the name shown ('' shows the hostname), the address of
-- the default route's interface and the sampler's version (newest sample wins, like os), the
-- agent's AGENT_LABELS, and what the dashboard set: labels (NULL: not edited, the agent's
-- apply) and agent_settings (NULL: none, the agent uses its environment). Labels are filtered
-- within one organization's rows (hosts_org; at most PULSAR_ORG_MAX_HOSTS of them), so they need
-- no index of their own.
ALTER TABLE hosts ADD COLUMN IF NOT EXISTS name text NOT NULL DEFAULT '';
ALTER TABLE hosts ADD COLUMN IF NOT EXISTS ip_address text NOT NULL DEFAULT '';
ALTER TABLE hosts ADD COLUMN IF NOT EXISTS agent_version text NOT NULL DEFAULT '';
ALTER TABLE hosts ADD COLUMN IF NOT EXISTS agent_labels jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE hosts ADD COLUMN IF NOT EXISTS labels jsonb;
ALTER TABLE hosts ADD COLUMN IF NOT EXISTS agent_settings jsonb;

-- One row per host sample (every SAMPLE_INTERVAL_MS per host), the figures history charts need;
-- the per-process list is live only (Redis). Partitioned by day (UTC) on sampled_at like
-- check_results, kept HOST_RETENTION_DAYS. Percentages and loads are real: 7 digits is plenty
-- for them, and the table is the largest one per host. No foreign key to hosts, as for
-- check_results: partitions are dropped wholesale and hosts may be removed on their own.
CREATE TABLE IF NOT EXISTS host_samples (
  host_id text NOT NULL,
  sampled_at timestamptz NOT NULL,
  cpu_percent real NOT NULL,
  per_core_percent real[] NOT NULL,
  load1 real NOT NULL,
  load5 real NOT NULL,
  load15 real NOT NULL,
  memory_used_bytes double precision NOT NULL,
  memory_total_bytes double precision NOT NULL,
  swap_used_bytes double precision NOT NULL,
  -- Of the fullest mount.
  disk_used_percent real NOT NULL,
  rx_bytes_per_sec double precision NOT NULL,
  tx_bytes_per_sec double precision NOT NULL,
  processes_total integer NOT NULL,
  processes_running integer NOT NULL,
  processes_blocked integer NOT NULL,
  processes_zombie integer NOT NULL,
  threads integer NOT NULL,
  PRIMARY KEY (host_id, sampled_at)
) PARTITION BY RANGE (sampled_at);

-- Added with disk I/O and file handles; NULL in samples stored before, and where a sample left
-- the reading out (the agent's disabled readings), so history shows a gap rather than a zero.
-- Rates are float8 (bytes/s run past real's 7 digits), operations real.
ALTER TABLE host_samples ADD COLUMN IF NOT EXISTS disk_read_bps double precision;
ALTER TABLE host_samples ADD COLUMN IF NOT EXISTS disk_write_bps double precision;
ALTER TABLE host_samples ADD COLUMN IF NOT EXISTS disk_read_ops real;
ALTER TABLE host_samples ADD COLUMN IF NOT EXISTS disk_write_ops real;
ALTER TABLE host_samples ADD COLUMN IF NOT EXISTS file_handles double precision;

-- Creates the daily partitions of a table partitioned by day (check_results, host_samples) from
-- yesterday to days_ahead days ahead, and drops those that end before now() - retention_days;
-- a NULL retention drops nothing (a process that does not know the setting only creates).
-- Partitions are named <table>_YYYYMMDD. Safe to call concurrently and often.
CREATE OR REPLACE FUNCTION pulsar_maintain_daily_partitions(parent text, days_ahead integer, retention_days integer)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
  today date := (now() AT TIME ZONE 'UTC')::date;
  day date;
  part record;
  upper_bound timestamptz;
BEGIN
  -- The name is spliced into DDL and into a DROP: only our own partitioned tables.
  IF parent NOT IN ('check_results', 'host_samples') THEN
    RAISE EXCEPTION 'pulsar_maintain_daily_partitions: % is not a partitioned Pulsar table', parent;
  END IF;
  -- Serialise concurrent callers (API and several workers start at once). check_results keeps
  -- the key of its former function, so processes of both versions exclude each other.
  PERFORM pg_advisory_xact_lock(hashtext(CASE parent
    WHEN 'check_results' THEN 'pulsar_maintain_check_result_partitions'
    ELSE 'pulsar_maintain_daily_partitions:' || parent END));
  FOR i IN -1..days_ahead LOOP
    day := today + i;
    EXECUTE format(
      'CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
      parent || '_' || to_char(day, 'YYYYMMDD'),
      parent,
      (day::timestamp AT TIME ZONE 'UTC'),
      ((day + 1)::timestamp AT TIME ZONE 'UTC'));
  END LOOP;
  IF retention_days IS NULL THEN
    RETURN;
  END IF;
  FOR part IN
    -- By oid, not by name: the table in another schema of the same database (one schema per
    -- test file, or a second install) must not be listed, nor its partitions dropped from ours.
    SELECT c.relname, n.nspname
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE i.inhparent = parent::regclass AND c.relname ~ ('^' || parent || '_[0-9]{8}$')
  LOOP
    upper_bound := ((to_date(right(part.relname, 8), 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'UTC');
    IF upper_bound <= now() - make_interval(days => retention_days) THEN
      EXECUTE format('DROP TABLE IF EXISTS %I.%I', part.nspname, part.relname);
    END IF;
  END LOOP;
END;
$$;

-- The check_results maintenance by its former name, for callers of earlier versions.
CREATE OR REPLACE FUNCTION pulsar_maintain_check_result_partitions(days_ahead integer, retention_days integer)
RETURNS void
LANGUAGE sql
AS $$
  SELECT pulsar_maintain_daily_partitions('check_results', days_ahead, retention_days);
$$;

-- Alerts (AlertService). Where alerts go: a Discord webhook or a signed generic webhook. The URL
-- and secret are stored as given (they must be sent) and masked in every answer.
CREATE TABLE IF NOT EXISTS alert_channels (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  kind text NOT NULL CHECK (kind IN ('discord', 'webhook')),
  url text NOT NULL,
  secret text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS alert_channels_org ON alert_channels (org_id, created_at);

-- How a monitor alerts (MonitorSpec): consecutive failures before DOWN, successes before UP
-- again, reminders while down, and the channels it alerts.
ALTER TABLE monitors ADD COLUMN IF NOT EXISTS confirmations integer NOT NULL DEFAULT 2
  CHECK (confirmations BETWEEN 1 AND 10);
ALTER TABLE monitors ADD COLUMN IF NOT EXISTS recovery_confirmations integer NOT NULL DEFAULT 1
  CHECK (recovery_confirmations BETWEEN 1 AND 10);
ALTER TABLE monitors ADD COLUMN IF NOT EXISTS reminder_minutes integer NOT NULL DEFAULT 0
  CHECK (reminder_minutes = 0 OR reminder_minutes BETWEEN 5 AND 1440);
ALTER TABLE monitors ADD COLUMN IF NOT EXISTS alert_channel_ids uuid[] NOT NULL DEFAULT '{}';

-- The alerting state of each monitor, beside its last result. Decided in the transaction that
-- stores results, under the row lock of monitor_state, so two workers storing results of one
-- monitor at once cannot both decide it went down.
ALTER TABLE monitor_state ADD COLUMN IF NOT EXISTS alert_status text NOT NULL DEFAULT 'unknown'
  CHECK (alert_status IN ('unknown', 'up', 'down'));
ALTER TABLE monitor_state ADD COLUMN IF NOT EXISTS consecutive_failures integer NOT NULL DEFAULT 0;
ALTER TABLE monitor_state ADD COLUMN IF NOT EXISTS consecutive_successes integer NOT NULL DEFAULT 0;
ALTER TABLE monitor_state ADD COLUMN IF NOT EXISTS incident_id uuid;
ALTER TABLE monitor_state ADD COLUMN IF NOT EXISTS last_reminder_at timestamptz;
-- The current streak of equal outcomes: when its first check ran and, for failures, that
-- check's error (an incident's cause is the first error of the streak that opened it).
ALTER TABLE monitor_state ADD COLUMN IF NOT EXISTS streak_started_at timestamptz;
ALTER TABLE monitor_state ADD COLUMN IF NOT EXISTS streak_error text NOT NULL DEFAULT '';

-- Periods a monitor was down: opened with its DOWN alert, closed with its RECOVERED one.
CREATE TABLE IF NOT EXISTS incidents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  monitor_id uuid NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  cause text NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS incidents_monitor ON incidents (monitor_id, started_at DESC);

-- Host rules: fire when a metric has crossed a threshold for for_seconds, resolve when not.
CREATE TABLE IF NOT EXISTS host_rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  -- NULL: every host the organization sees.
  host_id text,
  metric text NOT NULL CHECK (metric IN ('cpu_percent', 'memory_percent', 'disk_percent', 'load1')),
  mount text NOT NULL DEFAULT '',
  op text NOT NULL CHECK (op IN ('gt', 'gte', 'lt', 'lte')),
  threshold double precision NOT NULL,
  for_seconds integer NOT NULL CHECK (for_seconds BETWEEN 0 AND 86400),
  channel_ids uuid[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS host_rules_org ON host_rules (org_id);
-- A label selector ("env=prod,role!=db", internal/hosts/labels/label-selector.ts): the rule
-- watches every host of the organization whose labels match when a sample is evaluated. ''
-- when the rule names a host (host_id) or watches every host; never both.
ALTER TABLE host_rules ADD COLUMN IF NOT EXISTS host_selector text NOT NULL DEFAULT '';

-- Each rule's state per host: since when the condition holds, and whether it fired.
CREATE TABLE IF NOT EXISTS host_rule_state (
  rule_id uuid NOT NULL REFERENCES host_rules (id) ON DELETE CASCADE,
  host_id text NOT NULL,
  holding_since timestamptz,
  firing boolean NOT NULL DEFAULT false,
  PRIMARY KEY (rule_id, host_id)
);

-- Every alert, kept: what happened, in words, with the check or the value behind it.
CREATE TABLE IF NOT EXISTS alert_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('monitor_down', 'monitor_recovered', 'monitor_reminder',
    'host_firing', 'host_resolved', 'test')),
  created_at timestamptz NOT NULL DEFAULT now(),
  monitor_id uuid,
  host_id text,
  rule_id uuid,
  incident_id uuid,
  title text NOT NULL,
  message text NOT NULL DEFAULT '',
  -- Protobuf JSON of the deciding pulsar.v1.CheckResult, for monitor events.
  check_result jsonb,
  value double precision,
  downtime_seconds double precision
);
CREATE INDEX IF NOT EXISTS alert_events_org ON alert_events (org_id, created_at DESC);
CREATE INDEX IF NOT EXISTS alert_events_monitor ON alert_events (monitor_id, created_at DESC);

-- One row per event and channel: the delivery's outcome. Inserted with the event (so an event
-- is delivered to a channel at most once: the row is the idempotency key), then worked by the
-- alert queue.
CREATE TABLE IF NOT EXISTS alert_deliveries (
  event_id uuid NOT NULL REFERENCES alert_events (id) ON DELETE CASCADE,
  channel_id uuid NOT NULL,
  channel_name text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  error text NOT NULL DEFAULT '',
  updated_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  PRIMARY KEY (event_id, channel_id)
);
CREATE INDEX IF NOT EXISTS alert_deliveries_pending ON alert_deliveries (updated_at)
  WHERE status IN ('pending', 'sending');
-- A channel's open deliveries, which a claim looks through for an earlier event of the same
-- monitor still unsent (ClaimDelivery).
CREATE INDEX IF NOT EXISTS alert_deliveries_open_by_channel ON alert_deliveries (channel_id)
  WHERE status IN ('pending', 'sending');

-- Badges: a monitor opts in (public_badges) and is named in public URLs by public_id, a random
-- id that reveals nothing of its uuid (monitor ids appear in stream topics and logs).
ALTER TABLE monitors ADD COLUMN IF NOT EXISTS public_badges boolean NOT NULL DEFAULT false;
ALTER TABLE monitors ADD COLUMN IF NOT EXISTS public_id text;
UPDATE monitors SET public_id = replace(gen_random_uuid()::text, '-', '') WHERE public_id IS NULL;
ALTER TABLE monitors ALTER COLUMN public_id SET DEFAULT replace(gen_random_uuid()::text, '-', '');
ALTER TABLE monitors ALTER COLUMN public_id SET NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS monitors_public_id ON monitors (public_id);

-- Checks that ran during a maintenance window of their monitor: stored, marked, not alerted
-- on, and left out of uptime (the rollups count them apart).
ALTER TABLE check_results ADD COLUMN IF NOT EXISTS maintenance boolean NOT NULL DEFAULT false;
ALTER TABLE check_rollups_hourly ADD COLUMN IF NOT EXISTS maintenance_checks integer NOT NULL DEFAULT 0;

-- Public status pages (StatusPageService). The spec's scalar fields are columns; its groups of
-- monitors are rows of status_page_monitors, in order.
CREATE TABLE IF NOT EXISTS status_pages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{1,58})[a-z0-9]$'),
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
  description text NOT NULL DEFAULT '',
  logo_url text NOT NULL DEFAULT '',
  theme text NOT NULL DEFAULT 'auto' CHECK (theme IN ('auto', 'light', 'dark')),
  show_response_times boolean NOT NULL DEFAULT false,
  -- The group names, in order; status_page_monitors.group_index points into it.
  group_names text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS status_pages_org ON status_pages (org_id, created_at);

-- Host names a page is also served at (the Host header of a public request), unique on the
-- installation, lower case.
CREATE TABLE IF NOT EXISTS status_page_domains (
  domain text PRIMARY KEY,
  page_id uuid NOT NULL REFERENCES status_pages (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS status_page_domains_page ON status_page_domains (page_id);

CREATE TABLE IF NOT EXISTS status_page_monitors (
  page_id uuid NOT NULL REFERENCES status_pages (id) ON DELETE CASCADE,
  monitor_id uuid NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
  group_index integer NOT NULL,
  position integer NOT NULL,
  display_name text NOT NULL DEFAULT '',
  show_url boolean NOT NULL DEFAULT false,
  PRIMARY KEY (page_id, monitor_id)
);
CREATE INDEX IF NOT EXISTS status_page_monitors_monitor ON status_page_monitors (monitor_id);

-- Incidents an organization writes on a page, and their updates (the automatic incidents of
-- monitors are the incidents table; their causes are private).
CREATE TABLE IF NOT EXISTS status_incidents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  page_id uuid NOT NULL REFERENCES status_pages (id) ON DELETE CASCADE,
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  impact text NOT NULL CHECK (impact IN ('none', 'degraded', 'partial_outage', 'major_outage')),
  monitor_ids uuid[] NOT NULL DEFAULT '{}',
  status text NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
  created_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz
);
CREATE INDEX IF NOT EXISTS status_incidents_page ON status_incidents (page_id, created_at DESC);

CREATE TABLE IF NOT EXISTS status_incident_updates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_id uuid NOT NULL REFERENCES status_incidents (id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
  message text NOT NULL CHECK (char_length(message) BETWEEN 1 AND 5000),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS status_incident_updates_incident
  ON status_incident_updates (incident_id, created_at DESC);

-- Maintenance windows (MaintenanceService). recurrence: NULL (one-off: starts_at–ends_at),
-- {"weekly": {"days": [1,3], "startTime": "02:00", "durationMinutes": 60}} or
-- {"cron": {"expression": "0 3 * * 0", "durationMinutes": 120}}, in timezone.
CREATE TABLE IF NOT EXISTS maintenances (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '',
  monitor_ids uuid[] NOT NULL DEFAULT '{}',
  status_page_ids uuid[] NOT NULL DEFAULT '{}',
  starts_at timestamptz NOT NULL,
  ends_at timestamptz,
  recurrence jsonb,
  timezone text NOT NULL DEFAULT 'UTC',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS maintenances_org ON maintenances (org_id, starts_at);
-- The workers' refresh every 10 s asks, across organizations, for maintenances not yet over:
-- by their end, so that past one-off windows (never removed by themselves) cost nothing.
CREATE INDEX IF NOT EXISTS maintenances_until
  ON maintenances ((COALESCE(ends_at, 'infinity'::timestamptz)));

-- Monitor kinds besides HTTP (TCP, DNS, heartbeat). kind_spec is the protobuf JSON of the kind's
-- pulsar.v1.TcpSpec, DnsSpec or HeartbeatSpec, defaults resolved; NULL for HTTP, whose spec is
-- the columns above. url is '' for the other kinds.
ALTER TABLE monitors ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'http'
  CHECK (kind IN ('http', 'tcp', 'dns', 'heartbeat'));
ALTER TABLE monitors ADD COLUMN IF NOT EXISTS kind_spec jsonb;
-- HTTP conditions (docs/conditions.md), checked when saved and evaluated by the workers.
ALTER TABLE monitors ADD COLUMN IF NOT EXISTS conditions text[] NOT NULL DEFAULT '{}';
-- Days left on a certificate at which to alert, largest first; '{}' for none.
ALTER TABLE monitors ADD COLUMN IF NOT EXISTS tls_expiry_alert_days integer[] NOT NULL
  DEFAULT '{14,3}';
-- A heartbeat monitor's ping secret (/ping/<token>): shown to its organization in full, so
-- kept as is (like its URL, it only reports runs of a job, it reads nothing).
ALTER TABLE monitors ADD COLUMN IF NOT EXISTS ping_token text;
CREATE UNIQUE INDEX IF NOT EXISTS monitors_ping_token ON monitors (ping_token)
  WHERE ping_token IS NOT NULL;

-- What a heartbeat monitor waits for. due_at: when the monitor is late if no ping arrives
-- before (the sweeper records a missed check then and moves due_at on by a period); NULL while
-- paused. started_at: a /start not yet followed by its end.
CREATE TABLE IF NOT EXISTS heartbeat_state (
  monitor_id uuid PRIMARY KEY REFERENCES monitors (id) ON DELETE CASCADE,
  due_at timestamptz,
  started_at timestamptz,
  last_ping_at timestamptz
);
CREATE INDEX IF NOT EXISTS heartbeat_state_due ON heartbeat_state (due_at)
  WHERE due_at IS NOT NULL;
-- Pings accepted and not yet applied: the ping endpoint answers once its ping is committed
-- here (one statement, one round trip), and applies the inbox to heartbeat_state and
-- check_results in batches right after (internal/checks/heartbeat/ping-applier.ts), deleting
-- the rows it applied in the same transaction; a worker's sweeper applies what an API process
-- left behind, and sweeps no monitor with a ping still here. Deleting a monitor drops its pings.
CREATE TABLE IF NOT EXISTS ping_inbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Its token was the monitor's when it was queued: applied whatever token the monitor has by
  -- then, unless it is paused or no longer a heartbeat.
  monitor_id uuid NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('success', 'fail', 'start')),
  arrived_at timestamptz NOT NULL,
  body text NOT NULL,
  -- The region of the API process that took it: its result's region.
  region text NOT NULL
);
CREATE INDEX IF NOT EXISTS ping_inbox_monitor ON ping_inbox (monitor_id);

-- The heartbeat monitors alone: the sweep (every second, in every worker) joins its due rows
-- to them through this, never through a scan of every monitor, whatever the statistics say.
CREATE INDEX IF NOT EXISTS monitors_heartbeats ON monitors (id) WHERE kind = 'heartbeat';

-- What the target answered (DNS records, a TCP answer, a ping's body) and a heartbeat job's
-- duration (start to end ping).
ALTER TABLE check_results ADD COLUMN IF NOT EXISTS answer text NOT NULL DEFAULT '';
ALTER TABLE check_results ADD COLUMN IF NOT EXISTS job_duration_ms double precision NOT NULL
  DEFAULT 0;

-- Certificate expiry alerts, decided with the monitor's status under its state row's lock: the
-- certificate alerted on (by its expiry) and the smallest threshold alerted for it, so each
-- threshold alerts once per certificate and a renewed certificate starts over.
ALTER TABLE monitor_state ADD COLUMN IF NOT EXISTS tls_alerted_expires_at timestamptz;
ALTER TABLE monitor_state ADD COLUMN IF NOT EXISTS tls_alerted_days integer;

-- alert_events.kind gains tls_expiry (replaced once: the check is rebuilt only when it lacks it).
DO $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM pg_constraint
    WHERE conrelid = 'alert_events'::regclass AND conname = 'alert_events_kind_check'
      AND pg_get_constraintdef(oid) LIKE '%tls_expiry%'
  ) THEN
    ALTER TABLE alert_events DROP CONSTRAINT IF EXISTS alert_events_kind_check;
    ALTER TABLE alert_events ADD CONSTRAINT alert_events_kind_check CHECK (kind IN (
      'monitor_down', 'monitor_recovered', 'monitor_reminder', 'host_firing', 'host_resolved',
      'test', 'tls_expiry'));
  END IF;
END
$$;

-- Regions (issue: checks from many regions). The regions whose workers check a monitor ('{}':
-- the installation's DEFAULT_REGION) and how their latest results decide its state.
ALTER TABLE monitors ADD COLUMN IF NOT EXISTS regions text[] NOT NULL DEFAULT '{}';
ALTER TABLE monitors ADD COLUMN IF NOT EXISTS region_rule text NOT NULL DEFAULT 'majority'
  CHECK (region_rule IN ('any', 'majority', 'all'));
-- Each region's latest result of a monitor checked from several regions (the vote it casts
-- while fresh), written in the results' transaction under the monitor_state row's lock, like
-- monitor_state itself. A monitor of one region has none: nothing votes, and its own latest
-- result (monitor_state) is its region's.
CREATE TABLE IF NOT EXISTS monitor_region_state (
  monitor_id uuid NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
  region text NOT NULL,
  last_checked_at timestamptz NOT NULL,
  last_up boolean NOT NULL,
  -- The CheckResult, protobuf JSON, as monitor_state.last_result.
  last_result jsonb NOT NULL,
  PRIMARY KEY (monitor_id, region)
);
-- Each region's latest up and time of a monitor of several regions, as three arrays aligned by
-- region (for the overview's region dots), read by monitor_region_state's key; nothing for a
-- monitor of one region, which keeps no rows there (the cardinality test becomes a one-time
-- filter, so such a monitor costs no lookup). One SQL function for every monitor query that
-- returns a Monitor (monitors.sql); the planner inlines it into each LATERAL join.
CREATE OR REPLACE FUNCTION pulsar_region_states(monitor_id uuid, regions text[])
RETURNS TABLE (regions text[], ups boolean[], checked_ats timestamptz[])
LANGUAGE sql
STABLE PARALLEL SAFE
AS $$
  SELECT array_agg(r.region), array_agg(r.last_up), array_agg(r.last_checked_at)
  FROM monitor_region_state r
  WHERE cardinality($2) > 1 AND r.monitor_id = $1 AND r.region = ANY($2);
$$;
