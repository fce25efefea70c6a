-- Pulsar schema. Idempotent: applied on every start by cmd/api and cmd/worker, and mounted
-- into Postgres' init directory by docker compose.

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
-- dropped past RETENTION_DAYS by pulsar_maintain_check_result_partitions(). No foreign key to
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
  PRIMARY KEY (monitor_id, checked_at)
) PARTITION BY RANGE (checked_at);

-- Creates the daily partitions of check_results from yesterday to days_ahead days ahead, and
-- drops those that end before now() - retention_days. Safe to call concurrently and often.
CREATE OR REPLACE FUNCTION pulsar_maintain_check_result_partitions(days_ahead integer, retention_days integer)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
  today date := (now() AT TIME ZONE 'UTC')::date;
  day date;
  part record;
  upper_bound timestamptz;
BEGIN
  -- Serialise concurrent callers (API and several workers start at once).
  PERFORM pg_advisory_xact_lock(hashtext('pulsar_maintain_check_result_partitions'));
  FOR i IN -1..days_ahead LOOP
    day := today + i;
    EXECUTE format(
      'CREATE TABLE IF NOT EXISTS %I PARTITION OF check_results FOR VALUES FROM (%L) TO (%L)',
      'check_results_' || to_char(day, 'YYYYMMDD'),
      (day::timestamp AT TIME ZONE 'UTC'),
      ((day + 1)::timestamp AT TIME ZONE 'UTC'));
  END LOOP;
  FOR part IN
    -- By oid, not by name: check_results in another schema of the same database (one schema per
    -- test file, or a second install) must not be listed, nor its partitions dropped from ours.
    SELECT c.relname, n.nspname
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE i.inhparent = 'check_results'::regclass AND c.relname ~ '^check_results_[0-9]{8}$'
  LOOP
    upper_bound := ((to_date(right(part.relname, 8), 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'UTC');
    IF upper_bound <= now() - make_interval(days => retention_days) THEN
      EXECUTE format('DROP TABLE IF EXISTS %I.%I', part.nspname, part.relname);
    END IF;
  END LOOP;
END;
$$;
