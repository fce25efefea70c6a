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
