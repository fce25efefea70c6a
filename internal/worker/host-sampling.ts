import type { Logger } from "../core/logger.js";
import { createSampler, type Sampler, type SamplerDeps } from "../hosts/reading/sampler.js";
import { createHostSampleSink, type HostSamplePublisher } from "../hosts/server/sample-sink.js";
import type { HostSampleStore, Owner } from "../hosts/server/sample-store.js";
import type { SamplerLease } from "./sampler-lease.js";

/** HostSamplingDeps are what sampling the worker's own host uses. */
export interface HostSamplingDeps {
  /** Whom the samples belong to (resolveSampleOwner). */
  owner: Owner;
  /** Where they are stored, host rules being its onStored; stop closes it. */
  store: HostSampleStore;
  publisher: HostSamplePublisher;
  /** Elects one sampler among the workers that share this machine. */
  lease: SamplerLease;
  /** SAMPLE_INTERVAL_MS. */
  intervalMs: number;
  /** The worker's version (package.json), reported as the host's agent_version. */
  version: string;
  /** HOST_ID, if set: else the id derived from the machine id. */
  hostId: string | undefined;
  log: Logger;
  /** The host sampler; the real one (createSampler) when absent. */
  createSampler?: (deps: SamplerDeps) => Sampler;
}

/** HostSampling is the worker sampling its host; stop ends it. */
export interface HostSampling {
  /** stop waits for the sample in flight, gives the lease up and writes what is pending. */
  stop(): Promise<void>;
}

/**
 * startHostSampling samples the machine the worker runs on and sends each sample through the
 * HostSampleSink as owner's (stored, host rules evaluated, published), while this worker holds
 * the host's sampler lease: workers sharing a machine share its host id, and one reports it.
 */
export function startHostSampling(deps: HostSamplingDeps): HostSampling {
  const { owner, store, lease, log } = deps;
  const sink = createHostSampleSink({ store, publisher: deps.publisher, log });
  let sampledHostId: string | undefined;
  const sampler = (deps.createSampler ?? createSampler)({
    intervalMs: deps.intervalMs,
    version: deps.version,
    hostId: deps.hostId,
    onSample: async (sample) => {
      sampledHostId = sample.hostId;
      // A Redis error holds nothing: better a gap than two workers interleaving one host.
      if (!(await lease.hold(sample.hostId).catch(() => false))) return;
      await sink.offer(owner, sample);
    },
    log,
  });
  sampler.start();
  return {
    async stop() {
      await sampler.stop();
      if (sampledHostId) await lease.release(sampledHostId).catch(() => {});
      await store.close();
    },
  };
}
