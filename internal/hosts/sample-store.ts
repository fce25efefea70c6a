import type pg from "pg";
import type { HostSample } from "../../gen/pulsar/v1/host_pb.js";
import { findHostOwner, type OwnedHostSample, writeHostSampleBatch } from "../db/hosts.js";
import { maintainHostSamplePartitions } from "../db/partitions.js";
import { PARTITION_DAYS_AHEAD } from "../db/schema.js";
import type { Logger } from "../log/logger.js";
import { createBatchWriter } from "../worker/result-writer.js";

/** HostSampleStoreDeps are what the store of host samples uses. */
export interface HostSampleStoreDeps {
  pool: Pick<pg.Pool, "connect" | "query">;
  /**
   * The organization the samples belong to (PULSAR_WORKER_TOKEN's); undefined for a shared
   * host. Required so that no caller shares an organization's host by forgetting it.
   */
  ownerOrgId: string | undefined;
  /** host_samples partitions older than this are dropped (HOST_RETENTION_DAYS). */
  retentionDays: number;
  log: Logger;
  /** A batch goes out this long after its first sample; samples come one per host per 2 s. */
  maxDelayMs?: number;
}

/** HostSampleStore persists one owner's host samples in batches. */
export interface HostSampleStore {
  /** ownerOrgId is the organization the samples belong to; undefined for shared hosts. */
  readonly ownerOrgId: string | undefined;
  /**
   * accepts says whether samples of hostId belong to this store's owner: true for a host not
   * yet claimed or claimed by the owner, false for a host another owner claimed first (its
   * samples are neither stored nor, by the worker, published). A Postgres error answers true:
   * the stored side refuses such samples anyway, and the live stream stays up meanwhile.
   */
  accepts(hostId: string): Promise<boolean>;
  /** add queues a sample; it never waits for Postgres nor throws (history is best effort). */
  add(sample: HostSample): void;
  /** close writes what is pending and stops the partition maintenance. */
  close(): Promise<void>;
}

const PARTITION_MAINTENANCE_MS = 60 * 60_000;

/**
 * createHostSampleStore writes samples to host_samples in batches (one transaction each, with
 * the hosts rows), retrying a failing write for a minute like check results, and keeps the
 * table's daily partitions created ahead and dropped past the retention, hourly: a worker that
 * runs for days must not reach a day without a partition. A host id claimed by another owner
 * is logged once and its samples dropped.
 */
export function createHostSampleStore(deps: HostSampleStoreDeps): HostSampleStore {
  const { log, ownerOrgId } = deps;
  // A host's owner never changes, so a verdict once known holds for the life of the process.
  const verdicts = new Map<string, boolean>();
  const refuse = (hostId: string) => {
    if (verdicts.get(hostId) === false) return;
    verdicts.set(hostId, false);
    log.warn("this host id belongs to another owner; its samples are not stored or published", {
      hostId,
      owner: ownerOrgId ?? "shared",
      hint: "set HOST_ID to an id of its own, or use the owner's PULSAR_WORKER_TOKEN",
    });
  };
  const writer = createBatchWriter<OwnedHostSample>({
    label: "host samples",
    write: async (batch) => {
      for (const hostId of await writeHostSampleBatch(deps.pool, batch)) refuse(hostId);
    },
    maxDelayMs: deps.maxDelayMs ?? 1000,
    maxInFlight: 1,
    log,
  });
  const maintain = () =>
    maintainHostSamplePartitions(deps.pool, {
      daysAhead: PARTITION_DAYS_AHEAD,
      retentionDays: deps.retentionDays,
    }).catch((error: unknown) =>
      log.warn("host sample partition maintenance failed; will retry", { error }),
    );
  const timer = setInterval(maintain, PARTITION_MAINTENANCE_MS);
  timer.unref();

  return {
    ownerOrgId,
    async accepts(hostId) {
      const known = verdicts.get(hostId);
      if (known !== undefined) return known;
      let owner: { orgId: string | undefined } | undefined;
      try {
        owner = await findHostOwner(deps.pool, hostId);
      } catch (error) {
        log.debug("checking a host's owner failed", { hostId, error });
        return true;
      }
      // Unclaimed: the first stored batch claims it; ask again until then.
      if (!owner) return true;
      if (owner.orgId !== ownerOrgId) {
        refuse(hostId);
        return false;
      }
      verdicts.set(hostId, true);
      return true;
    },
    add(sample) {
      if (verdicts.get(sample.hostId) === false) return;
      // The writer has logged the failure already; a lost sample only leaves a gap in a chart.
      writer.add({ orgId: ownerOrgId, sample }).catch(() => {});
    },
    async close() {
      clearInterval(timer);
      await writer.close();
    },
  };
}
