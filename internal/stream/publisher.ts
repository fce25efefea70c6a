import { create, toBinary } from "@bufbuild/protobuf";
import type { Redis } from "ioredis";
import type { AlertEvent } from "../../gen/pulsar/v1/alert_pb.js";
import type { CheckResult } from "../../gen/pulsar/v1/check_pb.js";
import { type HostSample, HostSampleSchema } from "../../gen/pulsar/v1/host_pb.js";
import { StreamEventSchema } from "../../gen/pulsar/v1/stream_pb.js";
import { HOST_RING_SIZE, hostRingKey, hostsKey, ownerScope, streamChannel } from "./topics.js";

/** MonitorOwners maps monitor ids to the organization that owns each. */
export type MonitorOwners = ReadonlyMap<string, string>;

/** StreamPublisher puts live events on Redis for every API process to relay. */
export interface StreamPublisher {
  /**
   * publishHostSample publishes a sample of a host owned by ownerOrgId (undefined: a shared
   * host) and keeps it in the host's ring for replay. The owner is required on purpose: a
   * forgotten one would share an organization's host with everyone.
   */
  publishHostSample(sample: HostSample, ownerOrgId: string | undefined): Promise<void>;
  /**
   * publishCheckResults publishes stored results (replay reads monitor_state in Postgres), each
   * to its monitor's organization; a result whose monitor has no owner in `owners` (deleted
   * meanwhile) is not published.
   */
  publishCheckResults(results: readonly CheckResult[], owners: MonitorOwners): Promise<void>;
  /**
   * publishAlertEvents publishes recorded alert events on the `alerts` topic of their
   * organization (replay reads alert_events in Postgres).
   */
  publishAlertEvents(events: readonly OwnedAlertEvent[]): Promise<void>;
}

/** OwnedAlertEvent is an alert event and the organization it belongs to. */
export interface OwnedAlertEvent {
  orgId: string;
  event: AlertEvent;
}

/**
 * createStreamPublisher publishes binary pulsar.v1.StreamEvent messages, one pipeline (one
 * round trip) per call, on channels named after the event's owner (topics.ts). The caller owns
 * the connection.
 */
export function createStreamPublisher(redis: Redis, prefix: string): StreamPublisher {
  return {
    async publishHostSample(sample, ownerOrgId) {
      const scope = ownerScope(ownerOrgId);
      const event = create(StreamEventSchema, {
        topic: `host:${sample.hostId}`,
        payload: { case: "hostSample", value: sample },
      });
      const ring = hostRingKey(prefix, scope, sample.hostId);
      await redis
        .multi()
        .publish(
          streamChannel(prefix, scope, "host", sample.hostId),
          Buffer.from(toBinary(StreamEventSchema, event)),
        )
        .lpush(ring, Buffer.from(toBinary(HostSampleSchema, sample)))
        .ltrim(ring, 0, HOST_RING_SIZE - 1)
        .sadd(hostsKey(prefix, scope), sample.hostId)
        .exec();
    },
    async publishCheckResults(results, owners) {
      const pipeline = redis.pipeline();
      let published = 0;
      for (const result of results) {
        const orgId = owners.get(result.monitorId);
        if (orgId === undefined) continue;
        const event = create(StreamEventSchema, {
          topic: `monitor:${result.monitorId}`,
          payload: { case: "checkResult", value: result },
        });
        pipeline.publish(
          streamChannel(prefix, orgId, "monitor", result.monitorId),
          Buffer.from(toBinary(StreamEventSchema, event)),
        );
        published++;
      }
      if (published > 0) await pipeline.exec();
    },
    async publishAlertEvents(events) {
      if (events.length === 0) return;
      const pipeline = redis.pipeline();
      for (const { orgId, event } of events) {
        const message = create(StreamEventSchema, {
          topic: "alerts",
          payload: { case: "alertEvent", value: event },
        });
        pipeline.publish(
          streamChannel(prefix, orgId, "alert", event.id),
          Buffer.from(toBinary(StreamEventSchema, message)),
        );
      }
      await pipeline.exec();
    },
  };
}
