import type { ServiceImpl } from "@connectrpc/connect";
import type { IngestService } from "../../gen/pulsar/v1/ingest_pb.js";
import { getCaller } from "../auth/caller.js";
import type { IngestLimiter } from "../auth/ingest-limiter.js";
import type { HostSampleStore } from "../hosts/sample-store.js";
import type { Logger } from "../log/logger.js";
import type { StreamPublisher } from "../stream/publisher.js";
import { PermissionDeniedError } from "./errors.js";
import { validateSamples } from "./sample-validation.js";

/** IngestServiceDeps are what PushSamples uses. */
export interface IngestServiceDeps {
  /** The API's store of host samples, shared by every organization's agents. */
  sampleStore: Pick<HostSampleStore, "write" | "owns">;
  publisher: Pick<StreamPublisher, "publishHostSample">;
  limiter: IngestLimiter;
  log: Logger;
  now?: () => number;
}

/**
 * createIngestService implements pulsar.v1.IngestService for agents. The caller is an agent
 * token (agentAuthInterceptor), and the samples belong to its organization. A call is all or
 * nothing: it is metered (per token), validated, and its hosts' ownership checked before
 * anything is stored; then the samples are stored (the call waits, so an agent drops a sample
 * from its buffer only once it is in Postgres) and published live, in the order sent — the
 * same path as a worker's samples.
 */
export function createIngestService(deps: IngestServiceDeps): ServiceImpl<typeof IngestService> {
  const now = deps.now ?? Date.now;
  const refuse = (hostId: string) =>
    new PermissionDeniedError(
      `host ${hostId} belongs to another organization or to the shared workers; give this agent an id of its own (AGENT_HOST_ID)`,
    );

  return {
    async pushSamples(req, ctx) {
      const caller = getCaller(ctx);
      // The interceptor puts an agent token's id here; without one there is nothing to meter.
      if (!caller.tokenId) throw new PermissionDeniedError("IngestService takes an agent token");
      await deps.limiter.consume(caller.tokenId, req.samples.length);
      validateSamples(req.samples, now());
      const hostIds = new Set(req.samples.map((s) => s.hostId));
      // Checked here, strictly (a Postgres error fails the call), so that a foreign host's
      // samples never reach the shared writer; the writer checks again, atomically, for two
      // organizations racing to claim a new id. A host known to be the caller's costs no query.
      for (const hostId of hostIds) {
        if (!(await deps.sampleStore.owns(caller.orgId, hostId))) throw refuse(hostId);
      }
      // Refused here only when another organization claimed a new id in the same moment; the
      // batch's other hosts' samples are then stored already (a retry stores nothing twice).
      const refused = await deps.sampleStore.write(caller.orgId, req.samples);
      if (refused.length > 0) throw refuse(refused[0] ?? "");
      // All at once: one connection sends them in this order, so subscribers and the replay
      // ring see them oldest first. Live delivery is best effort, as for a worker: the samples
      // are stored, and a retry would store nothing new.
      const published = await Promise.allSettled(
        req.samples.map((sample) => deps.publisher.publishHostSample(sample, caller.orgId)),
      );
      const failed = published.filter((p) => p.status === "rejected");
      if (failed[0]) {
        deps.log.warn("publishing host samples failed", {
          failed: failed.length,
          error: failed[0].reason,
        });
      }
      return { accepted: req.samples.length };
    },
  };
}
