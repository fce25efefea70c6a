/* @name UpsertHosts */
-- One row per host of the batch (deduplicated by the caller, in id order so that concurrent
-- batches lock rows in the same order). The description comes from the newest sample; first and
-- last seen only widen, since batches may land out of order. Each host carries its owner ('' for
-- a shared host, as arrays of text cannot carry NULL through pgtyped's types). A host never
-- changes owner: the first writer claims it, and a batch of another owner (another
-- organization, or a shared worker) neither updates it nor is returned, so its samples are
-- skipped. RETURNING lists the hosts this batch may write samples of.
INSERT INTO hosts (id, org_id, hostname, os, kernel, arch, cpu_model, cores, memory_bytes,
  first_seen, last_seen)
SELECT u.id, NULLIF(u.org_id, '')::uuid, u.hostname, u.os, u.kernel, u.arch, u.cpu_model,
  u.cores, u.memory_bytes, u.first_seen::timestamptz, u.last_seen::timestamptz
FROM unnest(:ids!::text[], :orgIds!::text[], :hostnames!::text[], :oses!::text[],
  :kernels!::text[], :arches!::text[], :cpuModels!::text[], :cores!::integer[],
  :memoryBytes!::float8[], :firstSeens!::text[], :lastSeens!::text[])
  AS u(id, org_id, hostname, os, kernel, arch, cpu_model, cores, memory_bytes, first_seen,
  last_seen)
ORDER BY u.id
ON CONFLICT (id) DO UPDATE SET
  hostname = CASE WHEN EXCLUDED.last_seen >= hosts.last_seen THEN EXCLUDED.hostname ELSE hosts.hostname END,
  os = CASE WHEN EXCLUDED.last_seen >= hosts.last_seen THEN EXCLUDED.os ELSE hosts.os END,
  kernel = CASE WHEN EXCLUDED.last_seen >= hosts.last_seen THEN EXCLUDED.kernel ELSE hosts.kernel END,
  arch = CASE WHEN EXCLUDED.last_seen >= hosts.last_seen THEN EXCLUDED.arch ELSE hosts.arch END,
  cpu_model = CASE WHEN EXCLUDED.last_seen >= hosts.last_seen THEN EXCLUDED.cpu_model ELSE hosts.cpu_model END,
  cores = CASE WHEN EXCLUDED.last_seen >= hosts.last_seen THEN EXCLUDED.cores ELSE hosts.cores END,
  memory_bytes = CASE WHEN EXCLUDED.last_seen >= hosts.last_seen THEN EXCLUDED.memory_bytes ELSE hosts.memory_bytes END,
  first_seen = LEAST(hosts.first_seen, EXCLUDED.first_seen),
  last_seen = GREATEST(hosts.last_seen, EXCLUDED.last_seen)
WHERE hosts.org_id IS NOT DISTINCT FROM EXCLUDED.org_id
RETURNING id;

/* @name FindHostOwner */
-- Who a host belongs to, if anyone has claimed it yet (a worker checks before publishing).
SELECT org_id FROM hosts WHERE id = :id!;

/* @name FindHostOwners */
-- The owners of those of a batch's hosts that someone has claimed (an agent's push checks them
-- all in one round trip); a host absent from the answer is unclaimed.
SELECT id, org_id FROM hosts WHERE id = ANY(:ids!::text[]);

/* @name InsertHostSamples */
-- One statement for a whole batch, columns as parallel arrays. Timestamps travel as text (exact
-- to the microsecond) and each per-core list as an array literal ('{12.5,3}'): unnest flattens
-- a two-dimensional array. A retried batch cannot duplicate rows.
INSERT INTO host_samples (host_id, sampled_at, cpu_percent, per_core_percent, load1, load5,
  load15, memory_used_bytes, memory_total_bytes, swap_used_bytes, disk_used_percent,
  rx_bytes_per_sec, tx_bytes_per_sec, processes_total, processes_running, processes_blocked,
  processes_zombie, threads)
SELECT u.host_id, u.sampled_at::timestamptz, u.cpu_percent, u.per_core_percent::real[], u.load1,
  u.load5, u.load15, u.memory_used_bytes, u.memory_total_bytes, u.swap_used_bytes,
  u.disk_used_percent, u.rx_bytes_per_sec, u.tx_bytes_per_sec, u.processes_total,
  u.processes_running, u.processes_blocked, u.processes_zombie, u.threads
FROM unnest(:hostIds!::text[], :sampledAts!::text[], :cpuPercents!::real[],
  :perCorePercents!::text[], :load1s!::real[], :load5s!::real[], :load15s!::real[],
  :memoryUsedBytes!::float8[], :memoryTotalBytes!::float8[], :swapUsedBytes!::float8[],
  :diskUsedPercents!::real[], :rxBytesPerSec!::float8[], :txBytesPerSec!::float8[],
  :processesTotal!::integer[], :processesRunning!::integer[], :processesBlocked!::integer[],
  :processesZombie!::integer[], :threads!::integer[])
  AS u(host_id, sampled_at, cpu_percent, per_core_percent, load1, load5, load15,
  memory_used_bytes, memory_total_bytes, swap_used_bytes, disk_used_percent, rx_bytes_per_sec,
  tx_bytes_per_sec, processes_total, processes_running, processes_blocked, processes_zombie,
  threads)
ON CONFLICT (host_id, sampled_at) DO NOTHING;

/* @name ListHosts */
-- The caller's organization's hosts, and the shared ones (org_id NULL) when they are on.
SELECT id, hostname, os, cores, memory_bytes, last_seen, org_id IS NULL AS "shared!"
FROM hosts
WHERE org_id = :orgId!::uuid OR (org_id IS NULL AND :includeShared!::boolean)
ORDER BY hostname, id;

/* @name GetHost */
-- As ListHosts: another organization's host is not found, like one that does not exist.
SELECT id, hostname, os, cores, memory_bytes, last_seen, org_id IS NULL AS "shared!"
FROM hosts
WHERE id = :id! AND (org_id = :orgId!::uuid OR (org_id IS NULL AND :includeShared!::boolean));

/* @name GetHostHistory */
-- Buckets of stepSeconds aligned to the Unix epoch, so a chart refreshed every few seconds keeps
-- the same buckets (the first may start before since). The host and the window are the primary
-- key of every partition, and the window's bounds prune the others. The scope is checked here
-- too (one primary-key probe of hosts, evaluated once), not only by the caller's GetHost: no
-- path reads another organization's samples.
SELECT
  date_bin(make_interval(secs => :stepSeconds!), sampled_at, 'epoch'::timestamptz) AS "at!",
  avg(cpu_percent) AS "cpu_avg!", max(cpu_percent) AS "cpu_max!",
  avg(memory_used_bytes) AS "memory_avg!", max(memory_used_bytes) AS "memory_max!",
  avg(load1) AS "load1_avg!", max(load1) AS "load1_max!",
  avg(rx_bytes_per_sec) AS "rx_avg!", max(rx_bytes_per_sec) AS "rx_max!",
  avg(tx_bytes_per_sec) AS "tx_avg!", max(tx_bytes_per_sec) AS "tx_max!",
  avg(disk_used_percent) AS "disk_avg!", max(disk_used_percent) AS "disk_max!"
FROM host_samples
WHERE host_id = :hostId! AND sampled_at >= :since! AND sampled_at < :until!
  AND EXISTS (
    SELECT 1 FROM hosts h
    WHERE h.id = :hostId!
      AND (h.org_id = :orgId!::uuid OR (h.org_id IS NULL AND :includeShared!::boolean)))
GROUP BY 1
ORDER BY 1;
