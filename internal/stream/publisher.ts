import { create, toBinary } from "@bufbuild/protobuf";
import type { Redis } from "ioredis";
import type { AlertEvent } from "../../gen/pulsar/v1/alert_pb.js";
import type { CheckResult } from "../../gen/pulsar/v1/check_pb.js";
import { type HostSample, HostSampleSchema } from "../../gen/pulsar/v1/host_pb.js";
import type { MonitorStatus } from "../../gen/pulsar/v1/monitor_pb.js";
import {
  type StreamEvent,
  StreamEventBatchSchema,
  StreamEventSchema,
} from "../../gen/pulsar/v1/stream_pb.js";
import {
  checkBatchChannel,
  HOST_RING_SIZE,
  HOST_RING_TTL_SECONDS,
  hostRingKey,
  hostsKey,
  hostsSeenKey,
  ownerScope,
  streamChannel,
} from "./topics.js";

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
   * to its monitor's organization as the transaction that stored them read it
   * (internal/checks/results/store-check-results.ts, ownersOf); a result whose monitor has no
   * owner in `owners` (deleted meanwhile, or owned by nobody) is not published.
   */
  publishCheckResults(
    results: readonly CheckResult[],
    owners: MonitorOwners,
    statuses?: ReadonlyMap<string, MonitorStatus>,
  ): Promise<void>;
  /**
   * publishAlertEvents publishes recorded alert events on the `alerts` topic of their
   * organization (replay reads alert_events in Postgres).
   */
  publishAlertEvents(events: readonly OwnedEvent<AlertEvent>[]): Promise<void>;
}

/**
 * OwnedEvent is an event and the organization it belongs to (alerts' OwnedEvent<AlertEvent> has this
 * shape: the stream routes it without knowing what an alert is).
 */
export interface OwnedEvent<T> {
  orgId: string;
  event: T;
}

/** StreamPublisherOptions are for tests: the ring TTL, HOST_RING_TTL_SECONDS when absent. */
export interface StreamPublisherOptions {
  ringTtlSeconds?: number;
}

/** The Redis command (defineCommand) that runs PUBLISH_HOST_SAMPLE. */
const PUBLISH_HOST_SAMPLE_COMMAND = "pulsarPublishHostSample";

/**
 * PUBLISH_HOST_SAMPLE publishes a sample and keeps it in its host's ring, atomically. KEYS:
 * the ring, the scope's hosts set, its hosts-seen sorted set; ARGV: the channel, the event,
 * the sample, the host id, the ring size, the TTL in seconds. Every sample refreshes its ring's
 * TTL and its host's last-seen second; up to 16 hosts of the scope silent for longer than the
 * TTL and a second (their rings expired: seconds are whole) leave both sets, which so hold only
 * hosts with a ring, and a few whose ring just expired; and the sets expire with the scope's
 * last ring.
 */
const PUBLISH_HOST_SAMPLE = `
local ttl = tonumber(ARGV[6])
local now = tonumber(redis.call('TIME')[1])
redis.call('PUBLISH', ARGV[1], ARGV[2])
redis.call('LPUSH', KEYS[1], ARGV[3])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[5]) - 1)
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('SADD', KEYS[2], ARGV[4])
redis.call('ZADD', KEYS[3], now, ARGV[4])
local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. (now - ttl), 'LIMIT', 0, 16)
if #gone > 0 then
  redis.call('SREM', KEYS[2], unpack(gone))
  redis.call('ZREM', KEYS[3], unpack(gone))
end
redis.call('EXPIRE', KEYS[2], ttl)
redis.call('EXPIRE', KEYS[3], ttl)
`;

/** WithPublishHostSample is a connection PUBLISH_HOST_SAMPLE_COMMAND was defined on. */
interface WithPublishHostSample {
  [PUBLISH_HOST_SAMPLE_COMMAND](...args: (string | Buffer | number)[]): Promise<unknown>;
}

/**
 * createStreamPublisher publishes binary pulsar.v1.StreamEvent messages (check results
 * gathered in a StreamEventBatch per organization), one round trip per call, on channels named
 * after the events' owner (topics.ts). The caller owns the connection;
 * a command of the publisher's own (a Lua script, sent once per connection) is defined on it.
 */
export function createStreamPublisher(
  redis: Redis,
  prefix: string,
  options: StreamPublisherOptions = {},
): StreamPublisher {
  const ttl = options.ringTtlSeconds ?? HOST_RING_TTL_SECONDS;
  redis.defineCommand(PUBLISH_HOST_SAMPLE_COMMAND, { numberOfKeys: 3, lua: PUBLISH_HOST_SAMPLE });
  // defineCommand adds the method at run time, where ioredis's types cannot see it.
  const scripted = redis as unknown as WithPublishHostSample;
  return {
    async publishHostSample(sample, ownerOrgId) {
      const scope = ownerScope(ownerOrgId);
      const event = create(StreamEventSchema, {
        topic: `host:${sample.hostId}`,
        payload: { case: "hostSample", value: sample },
      });
      await scripted[PUBLISH_HOST_SAMPLE_COMMAND](
        hostRingKey(prefix, scope, sample.hostId),
        hostsKey(prefix, scope),
        hostsSeenKey(prefix, scope),
        streamChannel(prefix, scope, "host", sample.hostId),
        Buffer.from(toBinary(StreamEventSchema, event)),
        Buffer.from(toBinary(HostSampleSchema, sample)),
        sample.hostId,
        HOST_RING_SIZE,
        ttl,
      );
    },
    async publishCheckResults(results, owners, statuses) {
      // One message per organization: a PUBLISH per result cost Redis, this worker and every
      // API a command, an ioredis reply and a Redis message each.
      const batches = new Map<string, StreamEvent[]>();
      for (const result of results) {
        const orgId = owners.get(result.monitorId);
        if (orgId === undefined) continue;
        let events = batches.get(orgId);
        if (events === undefined) {
          events = [];
          batches.set(orgId, events);
        }
        events.push(
          create(StreamEventSchema, {
            topic: `monitor:${result.monitorId}`,
            payload: { case: "checkResult", value: result },
            monitorStatus: statuses?.get(result.monitorId),
          }),
        );
      }
      if (batches.size === 0) return;
      const pipeline = redis.pipeline();
      for (const [orgId, events] of batches) {
        const batch = create(StreamEventBatchSchema, { events });
        pipeline.publish(
          checkBatchChannel(prefix, orgId),
          Buffer.from(toBinary(StreamEventBatchSchema, batch)),
        );
      }
      await pipeline.exec();
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
