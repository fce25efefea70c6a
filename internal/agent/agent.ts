import { toBinary } from "@bufbuild/protobuf";
import { HostSampleSchema } from "../../gen/pulsar/v1/host_pb.js";
import type { PushSamplesResponse } from "../../gen/pulsar/v1/ingest_pb.js";
import type { Logger } from "../core/logger.js";
import { resolveHostId } from "../hosts/reading/host-id.js";
import type { Sampler, SamplerDeps } from "../hosts/reading/sampler.js";
import type { BackoffPolicy } from "./backoff.js";
import { createSampleBuffer } from "./buffer.js";
import { type AgentConfig, bufferCapacity } from "./config.js";
import { createPushAnswerHandler } from "./push-answer.js";
import { createSender, type IngestClient } from "./sender.js";

/** AgentDeps are what an agent uses; cmd/agent passes the real ones. */
export interface AgentDeps {
  config: Pick<
    AgentConfig,
    "PULSAR_URL" | "SAMPLE_INTERVAL_MS" | "AGENT_HOST_ID" | "AGENT_LABELS" | "AGENT_BUFFER_SECONDS"
  >;
  /** An IngestService client that sends the agent token. */
  client: IngestClient;
  /** The worker's host sampler (internal/hosts/reading/sampler.ts): one module, two callers. */
  createSampler: (deps: SamplerDeps) => Sampler;
  /** The agent's version (package.json), reported in every sample's HostInfo.agent_version. */
  version: string;
  log: Logger;
  /** Tests shorten these; see createSender. */
  retry?: BackoffPolicy;
  refusedRetry?: BackoffPolicy;
}

/** Agent samples its host and pushes the samples to the API. */
export interface Agent {
  /** start resolves the host id (it throws when there is none) and starts sampling. */
  start(): Promise<void>;
  /**
   * stop stops sampling, then tries to send what is buffered within flushDeadlineMs; it
   * answers how many samples were left unsent (they are lost with the process).
   */
  stop(flushDeadlineMs: number): Promise<number>;
}

const DROP_LOG_EVERY_MS = 60_000;

/**
 * createAgent joins the host sampler to the API: each sample is encoded into a bounded buffer
 * (about 1 KB each, so an hour at 2 s is under 2 MB) and sent as soon as the sender is free.
 * While the API is unreachable samples accumulate, the oldest dropped past
 * AGENT_BUFFER_SECONDS with a count in the log; when it returns they go out in order.
 */
export function createAgent(deps: AgentDeps): Agent {
  const { config, log } = deps;
  const capacity = bufferCapacity(config);
  const buffer = createSampleBuffer(capacity);
  // Set once the host id and the sampler exist (start); no push is answered before that.
  let onAnswer: ((answer: PushSamplesResponse) => void) | undefined;
  const sender = createSender({
    onAnswer: (answer) => onAnswer?.(answer),
    buffer,
    client: deps.client,
    log,
    retry: deps.retry,
    refusedRetry: deps.refusedRetry,
  });
  let sampler: Sampler | undefined;
  let lastDropLog = Number.NEGATIVE_INFINITY;
  let first = true;

  const onSample: SamplerDeps["onSample"] = (sample) => {
    if (first) {
      first = false;
      log.info("first sample taken", { hostId: sample.hostId, hostname: sample.hostname });
    }
    if (
      buffer.push(toBinary(HostSampleSchema, sample)) &&
      Date.now() - lastDropLog >= DROP_LOG_EVERY_MS
    ) {
      lastDropLog = Date.now();
      log.warn("the buffer is full: dropping the oldest samples", {
        dropped: buffer.dropped,
        capacity,
        hint: "raise AGENT_BUFFER_SECONDS to keep more history through an outage",
      });
    }
    sender.notify();
  };

  return {
    async start() {
      const hostId = await resolveHostId(config.AGENT_HOST_ID);
      if (/^http:\/\//i.test(config.PULSAR_URL)) {
        log.warn("PULSAR_URL is plain http: the agent token travels unencrypted; use https", {
          url: config.PULSAR_URL,
        });
      }
      sampler = deps.createSampler({
        intervalMs: config.SAMPLE_INTERVAL_MS,
        version: deps.version,
        labels: config.AGENT_LABELS,
        hostId,
        onSample,
        log,
      });
      // The dashboard's settings (UpdateHost) arrive with each push's answer. The buffer keeps
      // its size: at an interval shorter than SAMPLE_INTERVAL_MS it holds a shorter outage.
      onAnswer = createPushAnswerHandler({
        hostId,
        sampler,
        ownIntervalMs: config.SAMPLE_INTERVAL_MS,
        log,
      });
      sampler.start();
      log.info("agent started", {
        url: config.PULSAR_URL,
        hostId,
        intervalMs: config.SAMPLE_INTERVAL_MS,
        bufferSamples: capacity,
      });
    },
    async stop(flushDeadlineMs) {
      await sampler?.stop();
      const unsent = await sender.drain(flushDeadlineMs);
      if (unsent > 0) log.warn("samples left unsent at shutdown", { unsent });
      return unsent;
    },
  };
}
