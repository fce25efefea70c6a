import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { AgentSettings, HostSample } from "../../../gen/pulsar/v1/host_pb.js";
import type { Logger } from "../../core/logger.js";
import type { HostSampleStore, Owner } from "./sample-store.js";

/**
 * HostSamplePublisher publishes a host's sample live under its owner (the stream publisher's
 * publishHostSample); declared here so that hosts/ does not depend on stream/.
 */
export interface HostSamplePublisher {
  publishHostSample(sample: HostSample, ownerOrgId: Owner): Promise<void>;
}

/** PushResult is what an agent's push did. */
export interface PushResult {
  /** The first host id another owner holds: then nothing was published. */
  foreign?: string;
  /** Hosts the push recorded as new: never seen, or back after DeleteHost. */
  createdHostIds: string[];
  /** The agent settings the dashboard set for the host of the newest sample; none: unset. */
  agentSettings?: AgentSettings;
}

/** HostSampleSinkDeps are what the one path of host samples into Pulsar uses. */
export interface HostSampleSinkDeps {
  /**
   * Where samples are stored. Host rules are its onStored (alerts' hostRulesHook), heard once
   * per stored batch, in order: the caller passes them in, so hosts/ does not import alerts/.
   */
  store: Pick<HostSampleStore, "accepts" | "add" | "claim" | "write">;
  publisher: HostSamplePublisher;
  log: Logger;
}

/**
 * HostSampleSink is the one way host samples enter Pulsar, whoever took them: the owner's
 * claim on the host is checked, the samples are stored (and the host rules evaluated over each
 * stored batch) and published live to the owner's subscribers. A worker samples its own host
 * (offer); agents push theirs through IngestService (push).
 */
export interface HostSampleSink {
  /**
   * offer takes one sample a process took of its own host, as owner's. Best effort and never
   * throwing, as a sampler wants: a host another owner claimed first is skipped (neither stored
   * nor published; answered false), the sample is queued for storage without waiting for
   * Postgres, and published at once; a failed publish is logged.
   */
  offer(owner: Owner, sample: HostSample): Promise<boolean>;
  /**
   * push takes an agent's batch as orgId's, all or nothing: the batch's new hosts are claimed
   * within maxHosts (QuotaExceededError past it) before any sample is stored, the call waits
   * until the samples are stored (it rejects if Postgres stays unreachable), and then publishes
   * them in the order sent. It answers the first host id another owner holds (foreign), and
   * then has published nothing (and stored nothing, unless the claim's verdict was stale: a
   * retry stores nothing twice). Once all are stored it answers the hosts the push created
   * (new, or re-created after DeleteHost) and the newest sample's host's agent settings.
   * Publishing is best effort, as for offer.
   */
  push(orgId: string, samples: readonly HostSample[], maxHosts: number): Promise<PushResult>;
}

/** createHostSampleSink sends samples through deps.store and deps.publisher, one way for all. */
export function createHostSampleSink(deps: HostSampleSinkDeps): HostSampleSink {
  const { store, publisher, log } = deps;
  return {
    async offer(owner, sample) {
      // A host id another owner claimed first is theirs, in Postgres and on the stream.
      if (!(await store.accepts(owner, sample.hostId))) return false;
      store.add(owner, sample);
      await publisher
        .publishHostSample(sample, owner)
        .catch((error: unknown) => log.warn("publishing a host sample failed", { error }));
      return true;
    },

    async push(orgId, samples, maxHosts) {
      // Checked strictly (a Postgres error rejects), so that neither a foreign host's samples
      // nor a host past the quota reach the shared writer, which checks ownership again,
      // atomically. A host known to be orgId's costs no query.
      const claimed = await store.claim(orgId, samples, maxHosts);
      if (claimed.foreign[0] !== undefined)
        return { foreign: claimed.foreign[0], createdHostIds: [] };
      // Refused here only if the claim's verdict was wrong (the hosts were recorded as orgId's
      // above); the batch's other hosts' samples are then stored already.
      const written = await store.write(orgId, samples);
      if (written.refused[0] !== undefined)
        return { foreign: written.refused[0], createdHostIds: [] };
      // Created by the claim (new), or by the write: a host the store knew as orgId's whose row
      // DeleteHost removed is recorded again by the write's upsert.
      const created = new Set(claimed.created);
      for (const [hostId, host] of written.hosts) if (host.created) created.add(hostId);
      // All at once: one connection sends them in this order, so subscribers and the replay
      // ring see them oldest first. Live delivery is best effort: the samples are stored, and a
      // retry would store nothing new.
      const published = await Promise.allSettled(
        samples.map((sample) => publisher.publishHostSample(sample, orgId)),
      );
      const failed = published.filter((p) => p.status === "rejected");
      if (failed[0]) {
        log.warn("publishing host samples failed", {
          failed: failed.length,
          error: failed[0].reason,
        });
      }
      const newest = newestSample(samples);
      return {
        createdHostIds: [...created],
        agentSettings: newest && written.hosts.get(newest.hostId)?.agentSettings,
      };
    },
  };
}

/** newestSample is the sample taken last (the first of equals); undefined for none. */
function newestSample(samples: readonly HostSample[]): HostSample | undefined {
  let newest: HostSample | undefined;
  let newestMs = Number.NEGATIVE_INFINITY;
  for (const sample of samples) {
    const ms = sample.sampledAt ? timestampMs(sample.sampledAt) : Number.NEGATIVE_INFINITY;
    if (newest === undefined || ms > newestMs) {
      newest = sample;
      newestMs = ms;
    }
  }
  return newest;
}
