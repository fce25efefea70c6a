import type pg from "pg";
import type { HostSample } from "../../../gen/pulsar/v1/host_pb.js";
import { createBatchWriter } from "../../core/batch-writer.js";
import type { Logger } from "../../core/logger.js";
import type { HostSampleMetrics } from "../../metrics/host-sample-metrics.js";
import { insertWithinQuota } from "../../quota/org-quotas.js";
import {
  findHostOwner,
  findHostOwners,
  type OwnedHostSample,
  type RefusedHost,
  type UpsertedHost,
  upsertHosts,
  writeHostSampleBatch,
} from "./hosts-db.js";

/** HostSampleStoreDeps are what the store of host samples uses. */
export interface HostSampleStoreDeps {
  pool: Pick<pg.Pool, "connect" | "query">;
  log: Logger;
  /** A batch goes out this long after its first sample; samples come one per host per 2 s. */
  maxDelayMs?: number;
  /**
   * onStored hears each stored batch (its samples that were stored, with their owners), one
   * batch at a time in the order stored, without holding up the writer: host rules are
   * evaluated there (internal/alerts/host-rules/host-rules.ts). A failure is logged.
   */
  onStored?: (samples: OwnedHostSample[]) => Promise<void>;
  /** Counts the samples stored; none in tests that do not look. */
  metrics?: Pick<HostSampleMetrics, "observeHostSamples">;
  /** How many (owner, host) verdicts the store remembers; DEFAULT_VERDICT_CACHE_SIZE. */
  verdictCacheSize?: number;
}

/**
 * DEFAULT_VERDICT_CACHE_SIZE bounds the host-owner verdicts kept in memory: ten times the
 * hosts of an organization at its default quota. Past it the least recently used is
 * forgotten, and asked of Postgres again when next needed.
 */
export const DEFAULT_VERDICT_CACHE_SIZE = 10_000;

/**
 * Owner is the organization a sample's host belongs to; undefined for a shared host. Every
 * call takes it, and it is never optional: a forgotten owner would share an organization's
 * host with everyone.
 */
export type Owner = string | undefined;

/** ClaimResult is what claim found: foreign hosts (another owner's), and the ones it created. */
export interface ClaimResult {
  foreign: string[];
  created: string[];
}

/** WriteResult is what write stored: hosts refused (another owner's), and those it recorded. */
export interface WriteResult {
  refused: string[];
  /** The batch's hosts as the writes that stored these samples recorded them (see UpsertedHost). */
  hosts: Map<string, UpsertedHost>;
}

/** HostSampleStore persists host samples in batches, each under its owner. */
export interface HostSampleStore {
  /**
   * accepts says whether samples of hostId may be stored as owner's: true for a host not yet
   * claimed or claimed by the owner, false for a host another owner claimed first (its samples
   * are neither stored nor, by the worker, published). A Postgres error answers true: the
   * stored side refuses such samples anyway, and the live stream stays up meanwhile.
   */
  accepts(owner: Owner, hostId: string): Promise<boolean>;
  /**
   * claim records, before their samples are written, the hosts of samples that orgId does not
   * hold yet, within its quota of maxHosts (PULSAR_ORG_MAX_HOSTS): counted and recorded under
   * the organization's quota lock, so that concurrent pushes cannot pass it together. It
   * answers the host ids another owner holds (and then records nothing) and those it created,
   * and throws QuotaExceededError when the new hosts would take orgId past maxHosts (nothing
   * recorded either). A Postgres error rejects: for IngestService, which must refuse before
   * storing.
   */
  claim(orgId: string, samples: readonly HostSample[], maxHosts: number): Promise<ClaimResult>;
  /** add queues a sample; it never waits for Postgres nor throws (history is best effort). */
  add(owner: Owner, sample: HostSample): void;
  /**
   * write queues samples and resolves once they are stored, with the host ids that were
   * refused because another owner claimed them first (their samples are not stored) and the
   * hosts as recorded (created again after a DeleteHost, with their agent settings). It rejects
   * when Postgres stayed unreachable for the writer's retry period.
   */
  write(owner: Owner, samples: readonly HostSample[]): Promise<WriteResult>;
  /** close writes what is pending and waits for onStored to hear it. */
  close(): Promise<void>;
}

/**
 * createHostSampleStore writes samples to host_samples in batches (one transaction each, with
 * the hosts rows), whatever their owners, retrying a failing write for a minute like check
 * results. A host id claimed by another owner is logged once per owner and its samples
 * dropped. The table's daily partitions are not its business: applySchema creates them ahead
 * at every start, and the worker process keeps them (internal/db/partition-maintenance.ts).
 */
export function createHostSampleStore(deps: HostSampleStoreDeps): HostSampleStore {
  const { log } = deps;
  // A host's owner never changes, so a verdict once known holds for the life of the process;
  // only the most recently used are kept, as the (owner, host id) pairs seen are unbounded.
  const verdicts = lruMap<string, boolean>(deps.verdictCacheSize ?? DEFAULT_VERDICT_CACHE_SIZE);
  const key = (owner: Owner, hostId: string) => `${owner ?? ""}/${hostId}`;
  const refuse = (owner: Owner, hostId: string) => {
    if (verdicts.get(key(owner, hostId)) === false) return;
    verdicts.set(key(owner, hostId), false);
    log.warn("this host id belongs to another owner; its samples are not stored or published", {
      hostId,
      owner: owner ?? "shared",
      hint: "give the host an id of its own (HOST_ID, AGENT_HOST_ID), or use the owner's token",
    });
  };
  // Batches are handed to onStored in order: rules see a host's samples oldest first.
  let stored = Promise.resolve();
  const afterStored = (batch: OwnedHostSample[], refused: readonly RefusedHost[]) => {
    const skip = new Set(refused.map((r) => key(r.orgId, r.hostId)));
    const kept = batch.filter((s) => !skip.has(key(s.orgId, s.sample.hostId)));
    deps.metrics?.observeHostSamples(kept.length);
    const onStored = deps.onStored;
    if (kept.length === 0 || !onStored) return;
    stored = stored
      .then(() => onStored(kept))
      .catch((error: unknown) => log.warn("handling stored host samples failed", { error }));
  };
  // What the writes recorded of the hosts a write() call waits for (only those: a worker's
  // add() waits for nothing, and its hosts would pile up here), read and cleared by that call.
  const waiting = new Map<string, number>();
  const recorded = new Map<string, UpsertedHost>();
  const keep = (hosts: ReadonlyMap<string, UpsertedHost>) => {
    for (const [hostId, host] of hosts) {
      const k = key(host.orgId, hostId);
      if (!waiting.has(k)) continue;
      // A write split over two batches: created by either counts.
      const before = recorded.get(k);
      recorded.set(k, { ...host, created: host.created || (before?.created ?? false) });
    }
  };
  const writer = createBatchWriter<OwnedHostSample>({
    label: "host samples",
    write: async (batch) => {
      const refused = await writeHostSampleBatch(deps.pool, batch, keep);
      for (const { orgId, hostId } of refused) refuse(orgId, hostId);
      if (deps.onStored || deps.metrics) afterStored(batch, refused);
    },
    maxDelayMs: deps.maxDelayMs ?? 1000,
    maxInFlight: 1,
    log,
  });
  const owns = async (owner: Owner, hostId: string): Promise<boolean> => {
    const known = verdicts.get(key(owner, hostId));
    if (known !== undefined) return known;
    const claimed = await findHostOwner(deps.pool, hostId);
    // Unclaimed: the first stored batch claims it; ask again until then.
    if (!claimed) return true;
    if (claimed.orgId !== owner) {
      refuse(owner, hostId);
      return false;
    }
    verdicts.set(key(owner, hostId), true);
    return true;
  };

  const claim = async (
    orgId: string,
    samples: readonly HostSample[],
    maxHosts: number,
  ): Promise<ClaimResult> => {
    const foreign: string[] = [];
    const unknown: string[] = [];
    for (const hostId of new Set(samples.map((s) => s.hostId))) {
      const known = verdicts.get(key(orgId, hostId));
      if (known === false) foreign.push(hostId);
      else if (known === undefined) unknown.push(hostId);
    }
    if (foreign.length > 0 || unknown.length === 0) return { foreign, created: [] };
    const owners = await findHostOwners(deps.pool, unknown);
    const unclaimed = new Set<string>();
    for (const hostId of unknown) {
      if (!owners.has(hostId)) unclaimed.add(hostId);
      else if (owners.get(hostId) === orgId) verdicts.set(key(orgId, hostId), true);
      else {
        refuse(orgId, hostId);
        foreign.push(hostId);
      }
    }
    if (foreign.length > 0 || unclaimed.size === 0) return { foreign, created: [] };
    // Counted as new even if another push of orgId records one of them meanwhile: at the limit,
    // that push's twin is refused and its retry finds the host held.
    let created: string[] = [];
    const lost = await insertWithinQuota(
      deps.pool,
      { orgId, kind: "hosts", limit: maxHosts, adding: unclaimed.size },
      async (tx) => {
        const rows = samples
          .filter((sample) => unclaimed.has(sample.hostId))
          .map((sample) => ({ orgId, sample }));
        const writable = await upsertHosts(tx, rows);
        const taken = [...unclaimed].filter((hostId) => !writable.has(hostId));
        // Another owner claimed one meanwhile: roll back, so that the push records nothing.
        if (taken.length > 0) throw new ClaimLost(taken);
        // Not created: another push of orgId recorded it in the same moment.
        created = [...writable].filter(([, host]) => host.created).map(([hostId]) => hostId);
        return [];
      },
    ).catch((error: unknown) => {
      if (!(error instanceof ClaimLost)) throw error;
      return error.hostIds;
    });
    for (const hostId of lost) refuse(orgId, hostId);
    if (lost.length > 0) return { foreign: lost, created: [] };
    for (const hostId of unclaimed) verdicts.set(key(orgId, hostId), true);
    return { foreign: [], created };
  };

  return {
    claim,
    accepts: (owner, hostId) =>
      owns(owner, hostId).catch((error: unknown) => {
        log.debug("checking a host's owner failed", { hostId, error });
        return true;
      }),
    add(owner, sample) {
      if (verdicts.get(key(owner, sample.hostId)) === false) return;
      // The writer has logged the failure already; a lost sample only leaves a gap in a chart.
      writer.add({ orgId: owner, sample }).catch(() => {});
    },
    async write(owner, samples) {
      const hostIds = new Set(samples.map((s) => s.hostId));
      for (const id of hostIds) waiting.set(key(owner, id), (waiting.get(key(owner, id)) ?? 0) + 1);
      const hosts = new Map<string, UpsertedHost>();
      try {
        await Promise.all(samples.map((sample) => writer.add({ orgId: owner, sample })));
      } finally {
        for (const id of hostIds) {
          const k = key(owner, id);
          const host = recorded.get(k);
          if (host) hosts.set(id, host);
          const left = (waiting.get(k) ?? 1) - 1;
          if (left > 0) waiting.set(k, left);
          else {
            waiting.delete(k);
            recorded.delete(k);
          }
        }
      }
      const refused = [...hostIds].filter((id) => verdicts.get(key(owner, id)) === false);
      return { refused, hosts };
    },
    async close() {
      await writer.close();
      await stored;
    },
  };
}

/** ClaimLost rolls a claim back: another owner took these host ids in the same moment. */
class ClaimLost extends Error {
  constructor(readonly hostIds: string[]) {
    super("host ids claimed by another owner meanwhile");
  }
}

/**
 * lruMap is a Map of at most `max` entries that forgets the least recently used first: a Map
 * iterates in insertion order, so a hit is moved to the end and the first key is the oldest.
 * A few lines, where a library would be a dependency for one use.
 */
function lruMap<K, V>(max: number): { get(key: K): V | undefined; set(key: K, value: V): void } {
  const map = new Map<K, V>();
  return {
    get(key) {
      const value = map.get(key);
      if (value !== undefined) {
        map.delete(key);
        map.set(key, value);
      }
      return value;
    },
    set(key, value) {
      map.delete(key);
      map.set(key, value);
      const oldest = map.keys().next();
      if (map.size > max && !oldest.done) map.delete(oldest.value);
    },
  };
}
