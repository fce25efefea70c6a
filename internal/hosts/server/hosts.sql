/* @name UpsertHosts */
-- One row per host of the batch (deduplicated by the caller, in id order so that concurrent
-- batches lock rows in the same order). The description comes from the newest sample; first and
-- last seen only widen, since batches may land out of order. Each host carries its owner ('' for
-- a shared host, as arrays of text cannot carry NULL through pgtyped's types). A host never
-- changes owner: the first writer claims it, and a batch of another owner (another
-- organization, or a shared worker) neither updates it nor is returned, so its samples are
-- skipped. RETURNING lists the hosts this batch may write samples of, whether this statement
-- created the row (xmax is 0 on a row version an INSERT made, the updating transaction's id on
-- one ON CONFLICT updated: a host new, or back after DeleteHost), and the agent settings the
-- dashboard set for it. The agent's labels travel as JSON text, one object per host.
INSERT INTO hosts (id, org_id, hostname, os, kernel, arch, cpu_model, cores, memory_bytes,
  ip_address, agent_version, agent_labels, first_seen, last_seen)
SELECT u.id, NULLIF(u.org_id, '')::uuid, u.hostname, u.os, u.kernel, u.arch, u.cpu_model,
  u.cores, u.memory_bytes, u.ip_address, u.agent_version, u.agent_labels::jsonb,
  u.first_seen::timestamptz, u.last_seen::timestamptz
FROM unnest(:ids!::text[], :orgIds!::text[], :hostnames!::text[], :oses!::text[],
  :kernels!::text[], :arches!::text[], :cpuModels!::text[], :cores!::integer[],
  :memoryBytes!::float8[], :ipAddresses!::text[], :agentVersions!::text[],
  :agentLabels!::text[], :firstSeens!::text[], :lastSeens!::text[])
  AS u(id, org_id, hostname, os, kernel, arch, cpu_model, cores, memory_bytes, ip_address,
  agent_version, agent_labels, first_seen, last_seen)
ORDER BY u.id
ON CONFLICT (id) DO UPDATE SET
  hostname = CASE WHEN EXCLUDED.last_seen >= hosts.last_seen THEN EXCLUDED.hostname ELSE hosts.hostname END,
  os = CASE WHEN EXCLUDED.last_seen >= hosts.last_seen THEN EXCLUDED.os ELSE hosts.os END,
  kernel = CASE WHEN EXCLUDED.last_seen >= hosts.last_seen THEN EXCLUDED.kernel ELSE hosts.kernel END,
  arch = CASE WHEN EXCLUDED.last_seen >= hosts.last_seen THEN EXCLUDED.arch ELSE hosts.arch END,
  cpu_model = CASE WHEN EXCLUDED.last_seen >= hosts.last_seen THEN EXCLUDED.cpu_model ELSE hosts.cpu_model END,
  cores = CASE WHEN EXCLUDED.last_seen >= hosts.last_seen THEN EXCLUDED.cores ELSE hosts.cores END,
  memory_bytes = CASE WHEN EXCLUDED.last_seen >= hosts.last_seen THEN EXCLUDED.memory_bytes ELSE hosts.memory_bytes END,
  ip_address = CASE WHEN EXCLUDED.last_seen >= hosts.last_seen THEN EXCLUDED.ip_address ELSE hosts.ip_address END,
  agent_version = CASE WHEN EXCLUDED.last_seen >= hosts.last_seen THEN EXCLUDED.agent_version ELSE hosts.agent_version END,
  agent_labels = CASE WHEN EXCLUDED.last_seen >= hosts.last_seen THEN EXCLUDED.agent_labels ELSE hosts.agent_labels END,
  first_seen = LEAST(hosts.first_seen, EXCLUDED.first_seen),
  last_seen = GREATEST(hosts.last_seen, EXCLUDED.last_seen)
WHERE hosts.org_id IS NOT DISTINCT FROM EXCLUDED.org_id
RETURNING id, (xmax = 0) AS "created!", agent_settings;

/* @name FindHostOwner */
-- Who a host belongs to, if anyone has claimed it yet (a worker checks before publishing).
SELECT org_id FROM hosts WHERE id = :id!;

/* @name FindHostOwners */
-- The owners of those of a batch's hosts that someone has claimed (an agent's push checks them
-- all in one round trip); a host absent from the answer is unclaimed.
SELECT id, org_id FROM hosts WHERE id = ANY(:ids!::text[]);

/* @name ListHosts */
-- The caller's organization's hosts, and the shared ones (org_id NULL) when they are on: at most
-- PULSAR_ORG_MAX_HOSTS rows plus the shared ones (index hosts_org). A label selector is applied
-- to these rows by the caller (see listHosts).
SELECT id, hostname, name, os, kernel, arch, cpu_model, cores, memory_bytes, ip_address,
  agent_version, first_seen, last_seen, agent_labels AS "agent_labels!", labels, agent_settings,
  org_id IS NULL AS "shared!"
FROM hosts
WHERE org_id = :orgId!::uuid OR (org_id IS NULL AND :includeShared!::boolean)
ORDER BY hostname, id;

/* @name GetHost */
-- As ListHosts: another organization's host is not found, like one that does not exist.
SELECT id, hostname, name, os, kernel, arch, cpu_model, cores, memory_bytes, ip_address,
  agent_version, first_seen, last_seen, agent_labels AS "agent_labels!", labels, agent_settings,
  org_id IS NULL AS "shared!"
FROM hosts
WHERE id = :id! AND (org_id = :orgId!::uuid OR (org_id IS NULL AND :includeShared!::boolean));

/* @name UpdateHost */
-- Sets what UpdateHost was given, on one of the organization's own hosts (a shared host has no
-- org_id and is never matched). Each field travels with a flag saying whether it was given;
-- labels and agent settings as JSON text, '' for NULL (labels: the agent's apply again;
-- settings: the agent's own).
UPDATE hosts SET
  name = CASE WHEN :setName!::boolean THEN :name!::text ELSE name END,
  labels = CASE WHEN :setLabels!::boolean THEN NULLIF(:labels!::text, '')::jsonb ELSE labels END,
  agent_settings = CASE WHEN :setAgentSettings!::boolean
    THEN NULLIF(:agentSettings!::text, '')::jsonb ELSE agent_settings END
WHERE id = :id! AND org_id = :orgId!::uuid
RETURNING id, hostname, name, os, kernel, arch, cpu_model, cores, memory_bytes, ip_address,
  agent_version, first_seen, last_seen, agent_labels AS "agent_labels!", labels, agent_settings,
  false AS "shared!";

/* @name DeleteHost */
-- The registry row of one of the organization's own hosts.
DELETE FROM hosts WHERE id = :id! AND org_id = :orgId!::uuid RETURNING id;

/* @name DeleteHostSamples */
-- Every stored sample of a host. host_samples is partitioned by day without a host index of
-- its own, so this probes each daily partition (HOST_RETENTION_DAYS of them, 30 by default)
-- through its primary key (host_id, sampled_at), whose first column is the host: an index
-- range per partition, and up to a month of rows (1.3 million at one sample per 2 s) deleted
-- and left for autovacuum. Acceptable for a rare action an admin takes by hand; the samples
-- would otherwise stay until their partitions expire.
DELETE FROM host_samples WHERE host_id = :hostId!;
