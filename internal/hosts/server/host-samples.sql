/* @name InsertHostSamples */
-- One statement for a whole batch, columns as parallel arrays. Timestamps travel as text (exact
-- to the microsecond) and each per-core list as an array literal ('{12.5,3}'): unnest flattens
-- a two-dimensional array. A retried batch cannot duplicate rows. A reading the sample left out
-- (disk I/O, file handles) travels as NaN, which arrays of float8 carry, and is stored as NULL.
INSERT INTO host_samples (host_id, sampled_at, cpu_percent, per_core_percent, load1, load5,
  load15, memory_used_bytes, memory_total_bytes, swap_used_bytes, disk_used_percent,
  rx_bytes_per_sec, tx_bytes_per_sec, processes_total, processes_running, processes_blocked,
  processes_zombie, threads, disk_read_bps, disk_write_bps, disk_read_ops, disk_write_ops,
  file_handles)
SELECT u.host_id, u.sampled_at::timestamptz, u.cpu_percent, u.per_core_percent::real[], u.load1,
  u.load5, u.load15, u.memory_used_bytes, u.memory_total_bytes, u.swap_used_bytes,
  u.disk_used_percent, u.rx_bytes_per_sec, u.tx_bytes_per_sec, u.processes_total,
  u.processes_running, u.processes_blocked, u.processes_zombie, u.threads,
  NULLIF(u.disk_read_bps, 'NaN'), NULLIF(u.disk_write_bps, 'NaN'),
  NULLIF(u.disk_read_ops, 'NaN')::real, NULLIF(u.disk_write_ops, 'NaN')::real,
  NULLIF(u.file_handles, 'NaN')
FROM unnest(:hostIds!::text[], :sampledAts!::text[], :cpuPercents!::real[],
  :perCorePercents!::text[], :load1s!::real[], :load5s!::real[], :load15s!::real[],
  :memoryUsedBytes!::float8[], :memoryTotalBytes!::float8[], :swapUsedBytes!::float8[],
  :diskUsedPercents!::real[], :rxBytesPerSec!::float8[], :txBytesPerSec!::float8[],
  :processesTotal!::integer[], :processesRunning!::integer[], :processesBlocked!::integer[],
  :processesZombie!::integer[], :threads!::integer[], :diskReadBps!::float8[],
  :diskWriteBps!::float8[], :diskReadOps!::float8[], :diskWriteOps!::float8[],
  :fileHandles!::float8[])
  AS u(host_id, sampled_at, cpu_percent, per_core_percent, load1, load5, load15,
  memory_used_bytes, memory_total_bytes, swap_used_bytes, disk_used_percent, rx_bytes_per_sec,
  tx_bytes_per_sec, processes_total, processes_running, processes_blocked, processes_zombie,
  threads, disk_read_bps, disk_write_bps, disk_read_ops, disk_write_ops, file_handles)
ON CONFLICT (host_id, sampled_at) DO NOTHING;

/* @name GetHostHistory */
-- Buckets of stepSeconds aligned to the Unix epoch, so a chart refreshed every few seconds keeps
-- the same buckets (the first may start before since). The host and the window are the primary
-- key of every partition, and the window's bounds prune the others. The scope is checked here
-- too (one primary-key probe of hosts, evaluated once), not only by the caller's GetHost: no
-- path reads another organization's samples. Disk I/O and file handles are NULL in buckets of
-- samples without them (stored before they existed, or left out by the agent).
SELECT
  date_bin(make_interval(secs => :stepSeconds!), sampled_at, 'epoch'::timestamptz) AS "at!",
  avg(cpu_percent) AS "cpu_avg!", max(cpu_percent) AS "cpu_max!",
  avg(memory_used_bytes) AS "memory_avg!", max(memory_used_bytes) AS "memory_max!",
  avg(load1) AS "load1_avg!", max(load1) AS "load1_max!",
  avg(rx_bytes_per_sec) AS "rx_avg!", max(rx_bytes_per_sec) AS "rx_max!",
  avg(tx_bytes_per_sec) AS "tx_avg!", max(tx_bytes_per_sec) AS "tx_max!",
  avg(disk_used_percent) AS "disk_avg!", max(disk_used_percent) AS "disk_max!",
  avg(disk_read_bps) AS disk_read_avg, max(disk_read_bps) AS disk_read_max,
  avg(disk_write_bps) AS disk_write_avg, max(disk_write_bps) AS disk_write_max,
  avg(file_handles) AS file_handles_avg, max(file_handles) AS file_handles_max
FROM host_samples
WHERE host_id = :hostId! AND sampled_at >= :since! AND sampled_at < :until!
  AND EXISTS (
    SELECT 1 FROM hosts h
    WHERE h.id = :hostId!
      AND (h.org_id = :orgId!::uuid OR (h.org_id IS NULL AND :includeShared!::boolean)))
GROUP BY 1
ORDER BY 1;
