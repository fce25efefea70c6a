import type { ServiceImpl } from "@connectrpc/connect";
import type { IngestService } from "../../gen/pulsar/v1/ingest_pb.js";
import { getCaller } from "../auth/caller.js";
import type { IngestLimiter } from "../auth/ingest-limiter.js";
import { PermissionDeniedError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { HostSampleSink } from "../hosts/server/sample-sink.js";
import { measureSamples, validateSamples } from "../hosts/server/sample-validation.js";
import { DEFAULT_ORG_QUOTAS } from "../quota/org-quotas.js";

/** IngestServiceDeps are what PushSamples uses. */
export interface IngestServiceDeps {
  /** Where the samples go: stored (host rules heard on each stored batch) and published, the
   *  same path as a worker's samples; shared by every organization's agents. */
  sink: Pick<HostSampleSink, "push">;
  limiter: IngestLimiter;
  /** PULSAR_ORG_MAX_HOSTS: the hosts one organization's agents may report; its default when
   *  absent. */
  maxHostsPerOrg?: number;
  log: Logger;
  now?: () => number;
}

/**
 * createIngestService implements pulsar.v1.IngestService for agents. The caller is an agent
 * token (authenticateAgent), and the samples belong to its organization. A call is all or
 * nothing: it is metered (samples and bytes, per token and per organization), validated (each
 * sample's size first), its hosts' ownership checked and its new hosts recorded within the
 * organization's host quota before any sample is stored; then the samples are stored (the call
 * waits, so an agent drops a sample from its buffer only once it is in Postgres) and published
 * live, in the order sent: the HostSampleSink, the same path as a worker's samples. The answer
 * carries the agent settings the dashboard set for the host (the agent applies them) and the
 * hosts the call registered (an agent learns that its host had been deleted).
 */
export function createIngestService(deps: IngestServiceDeps): ServiceImpl<typeof IngestService> {
  const now = deps.now ?? Date.now;
  const maxHosts = deps.maxHostsPerOrg ?? DEFAULT_ORG_QUOTAS.hosts;
  const refuse = (hostId: string) =>
    new PermissionDeniedError(
      `host ${hostId} belongs to another organization or to the shared workers; give this agent an id of its own (AGENT_HOST_ID)`,
    );

  return {
    async pushSamples(req, ctx) {
      const caller = getCaller(ctx);
      // The interceptor puts an agent token's id here; without one there is nothing to meter.
      if (!caller.tokenId) throw new PermissionDeniedError("IngestService takes an agent token");
      // Measured once, and only for a call within its sample counts and with bytes left:
      // encoding a batch of the largest samples costs about as much as parsing it did.
      let sizes: Promise<number[]> | undefined;
      const measure = () => {
        sizes ??= measureSamples(req.samples);
        return sizes;
      };
      const key = { tokenId: caller.tokenId, orgId: caller.orgId };
      await deps.limiter.consume(key, req.samples.length, async () => sum(await measure()));
      validateSamples(req.samples, now(), await measure());
      const pushed = await deps.sink.push(caller.orgId, req.samples, maxHosts);
      if (pushed.foreign !== undefined) throw refuse(pushed.foreign);
      return {
        accepted: req.samples.length,
        agentSettings: pushed.agentSettings,
        createdHostIds: pushed.createdHostIds,
      };
    },
  };
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
