import { fromBinary } from "@bufbuild/protobuf";
import { type CallOptions, Code, ConnectError } from "@connectrpc/connect";
import { HostSampleSchema } from "../../gen/pulsar/v1/host_pb.js";
import type { PushSamplesRequest, PushSamplesResponse } from "../../gen/pulsar/v1/ingest_pb.js";
import type { Logger } from "../core/logger.js";
import { AGENT_BATCH_BYTES, MAX_BATCH } from "../core/push-limits.js";
import { type BackoffPolicy, backoffDelay } from "./backoff.js";
import type { SampleBuffer } from "./buffer.js";

/** IngestClient is the part of a pulsar.v1.IngestService client the sender uses. */
export interface IngestClient {
  pushSamples(
    request: Pick<PushSamplesRequest, "samples">,
    options?: CallOptions,
  ): Promise<PushSamplesResponse>;
}

/** SenderDeps configure the sender of buffered samples. */
export interface SenderDeps {
  buffer: SampleBuffer;
  client: IngestClient;
  log: Logger;
  /** Retries after the API could not be reached or failed: 1 s doubling to 30 s by default. */
  retry?: BackoffPolicy;
  /** Retries after the API refused the token or the host (401, 403): 1 min doubling to 30 min. */
  refusedRetry?: BackoffPolicy;
  /** A batch holds at most this many samples (MAX_BATCH: what the API takes)... */
  batchSize?: number;
  /** ...and at most this many encoded bytes (AGENT_BATCH_BYTES: the API's read limit is sized
   *  by it). */
  batchBytes?: number;
  /** One call's deadline. */
  timeoutMs?: number;
  /** Hears each answer of a stored batch (the dashboard's agent settings, hosts registered). */
  onAnswer?: (answer: PushSamplesResponse) => void;
  random?: () => number;
}

/** Sender sends a buffer's samples to the API, oldest first, one batch at a time. */
export interface Sender {
  /** notify says a sample was buffered: it is sent at once unless a retry is being waited out. */
  notify(): void;
  /**
   * drain sends what is buffered without waiting out a backoff, until the buffer is empty, a
   * call fails or deadlineMs passes (the call in flight is then cancelled). It answers how many
   * samples are left unsent. The sender stays stopped afterwards.
   */
  drain(deadlineMs: number): Promise<number>;
}

const DEFAULT_RETRY: BackoffPolicy = { baseMs: 1000, maxMs: 30_000 };
const DEFAULT_REFUSED_RETRY: BackoffPolicy = { baseMs: 60_000, maxMs: 30 * 60_000 };

/**
 * createSender sends batches (unary PushSamples calls) one at a time, so the API stores them in
 * the order they were taken, and removes a batch from the buffer only once the API answered
 * that it is stored. Failures are retried with exponential backoff and jitter; a refusal that
 * waiting cannot fix by itself (a revoked token, a host id of another organization) is logged
 * once, clearly, and retried only rarely; samples the API calls invalid are dropped (they
 * could never be stored). After an outage the backlog goes out in full batches back to back.
 */
export function createSender(deps: SenderDeps): Sender {
  const { buffer, client, log } = deps;
  const retry = deps.retry ?? DEFAULT_RETRY;
  const refusedRetry = deps.refusedRetry ?? DEFAULT_REFUSED_RETRY;
  const batchSize = deps.batchSize ?? MAX_BATCH;
  const batchBytes = deps.batchBytes ?? AGENT_BATCH_BYTES;
  const timeoutMs = deps.timeoutMs ?? 15_000;
  const random = deps.random ?? Math.random;
  const stopping = new AbortController();
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let drainUntil: number | undefined;
  let failures = 0;
  let refusals = 0;
  // Set while the API is unreachable or refusing, for one line when it comes back.
  let trouble: { since: number; dropped: number } | undefined;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
      wake = done;
    });

  const troubleStarts = () => {
    const first = trouble === undefined;
    trouble ??= { since: Date.now(), dropped: buffer.dropped };
    return first;
  };

  const recovered = () => {
    if (trouble) {
      log.info("the API accepts samples again; sending the backlog", {
        afterSeconds: Math.round((Date.now() - trouble.since) / 1000),
        buffered: buffer.size,
        droppedMeanwhile: buffer.dropped - trouble.dropped,
      });
    }
    trouble = undefined;
    failures = 0;
    refusals = 0;
  };

  /** sendOnce sends the oldest batch; it answers how long to wait before the next one. */
  const sendOnce = async (): Promise<number> => {
    const batch = buffer.peek(batchSize, batchBytes);
    const remaining = drainUntil === undefined ? timeoutMs : drainUntil - Date.now();
    let answer: PushSamplesResponse;
    try {
      answer = await client.pushSamples(
        { samples: batch.samples.map((bytes) => fromBinary(HostSampleSchema, bytes)) },
        { timeoutMs: Math.max(1, Math.min(timeoutMs, remaining)), signal: stopping.signal },
      );
    } catch (error) {
      return failed(ConnectError.from(error), batch.samples.length, batch.lastSeq);
    }
    buffer.ack(batch.lastSeq);
    recovered();
    // Outside the try: the batch is stored whatever the handler does.
    try {
      deps.onAnswer?.(answer);
    } catch (error) {
      log.warn("handling the API's answer failed", { error });
    }
    return 0;
  };

  const failed = (error: ConnectError, count: number, lastSeq: number): number => {
    switch (error.code) {
      case Code.InvalidArgument:
        buffer.ack(lastSeq);
        log.error("the API refused samples as invalid; they are dropped", {
          count,
          reason: error.rawMessage,
        });
        return 0;
      case Code.Unauthenticated:
      case Code.PermissionDenied:
      case Code.Unimplemented:
      case Code.NotFound: {
        const delay = backoffDelay(refusals++, refusedRetry, random);
        if (troubleStarts() || refusals === 1)
          log.error(refusalLine(error), {
            retryInSeconds: Math.round(delay / 1000),
            buffered: buffer.size,
          });
        return delay;
      }
      case Code.ResourceExhausted: {
        const seconds = Number(error.metadata.get("retry-after"));
        troubleStarts();
        log.warn("the API is rate-limiting this agent; waiting", { seconds });
        if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000 + random() * 1000;
        return backoffDelay(failures++, retry, random);
      }
      default: {
        const delay = backoffDelay(failures++, retry, random);
        if (troubleStarts()) {
          log.warn("cannot reach the API; buffering samples and retrying with backoff", {
            code: Code[error.code],
            reason: error.rawMessage,
            buffered: buffer.size,
          });
        } else {
          log.debug("the API is still unreachable", { reason: error.rawMessage, delay });
        }
        return delay;
      }
    }
  };

  const run = async () => {
    while (buffer.size > 0 && !stopping.signal.aborted) {
      const delay = await sendOnce();
      if (delay === 0) continue;
      // While draining there is no time to wait out a backoff: one failure ends it.
      if (drainUntil !== undefined) return;
      await wait(delay);
    }
  };

  const kick = () => {
    if (loop || drainUntil !== undefined) return;
    loop = run().finally(() => {
      loop = undefined;
      // A sample that arrived as the loop was ending.
      if (buffer.size > 0) kick();
    });
  };

  return {
    notify: kick,
    async drain(deadlineMs) {
      if (drainUntil !== undefined) return buffer.size;
      drainUntil = Date.now() + deadlineMs;
      const timer = setTimeout(() => stopping.abort(), deadlineMs);
      try {
        // Cut short a backoff being waited out, then finish the loop, or run one.
        wake?.();
        await loop;
        if (buffer.size > 0 && !stopping.signal.aborted) await run();
      } finally {
        clearTimeout(timer);
        stopping.abort();
      }
      return buffer.size;
    },
  };
}

/** refusalLine says, in one line, why the API refuses this agent and what to do. */
function refusalLine(error: ConnectError): string {
  switch (error.code) {
    case Code.Unauthenticated:
      return "the API refused PULSAR_AGENT_TOKEN (401 unauthenticated): the token is unknown or revoked. Create an agent token (HostService.CreateAgentToken), set PULSAR_AGENT_TOKEN and restart the agent; meanwhile samples are kept and retried rarely";
    case Code.PermissionDenied:
      return `the API refused this agent (403 permission_denied): ${error.rawMessage}`;
    default:
      return `PULSAR_URL does not serve pulsar.v1.IngestService (${Code[error.code]}): is it the address of the Pulsar API?`;
  }
}
