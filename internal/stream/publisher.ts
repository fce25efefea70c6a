import { create, toBinary } from "@bufbuild/protobuf";
import type { Redis } from "ioredis";
import type { CheckResult } from "../../gen/pulsar/v1/check_pb.js";
import { type HostSample, HostSampleSchema } from "../../gen/pulsar/v1/host_pb.js";
import { StreamEventSchema } from "../../gen/pulsar/v1/stream_pb.js";
import { HOST_RING_SIZE, hostRingKey, hostsKey, streamChannel } from "./topics.js";

/** StreamPublisher puts live events on Redis for every API process to relay. */
export interface StreamPublisher {
  /** publishHostSample publishes a sample and keeps it in the host's ring for replay. */
  publishHostSample(sample: HostSample): Promise<void>;
  /** publishCheckResults publishes stored results (replay reads monitor_state in Postgres). */
  publishCheckResults(results: readonly CheckResult[]): Promise<void>;
}

/**
 * createStreamPublisher publishes binary pulsar.v1.StreamEvent messages, one pipeline (one
 * round trip) per call. The caller owns the connection.
 */
export function createStreamPublisher(redis: Redis, prefix: string): StreamPublisher {
  return {
    async publishHostSample(sample) {
      const event = create(StreamEventSchema, {
        topic: `host:${sample.hostId}`,
        payload: { case: "hostSample", value: sample },
      });
      const ring = hostRingKey(prefix, sample.hostId);
      await redis
        .multi()
        .publish(
          streamChannel(prefix, "host", sample.hostId),
          Buffer.from(toBinary(StreamEventSchema, event)),
        )
        .lpush(ring, Buffer.from(toBinary(HostSampleSchema, sample)))
        .ltrim(ring, 0, HOST_RING_SIZE - 1)
        .sadd(hostsKey(prefix), sample.hostId)
        .exec();
    },
    async publishCheckResults(results) {
      if (results.length === 0) return;
      const pipeline = redis.pipeline();
      for (const result of results) {
        const event = create(StreamEventSchema, {
          topic: `monitor:${result.monitorId}`,
          payload: { case: "checkResult", value: result },
        });
        pipeline.publish(
          streamChannel(prefix, "monitor", result.monitorId),
          Buffer.from(toBinary(StreamEventSchema, event)),
        );
      }
      await pipeline.exec();
    },
  };
}
