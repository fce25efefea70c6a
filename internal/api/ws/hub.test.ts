import { randomUUID } from "node:crypto";
import { create, toBinary } from "@bufbuild/protobuf";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StreamEventSchema } from "../../../gen/pulsar/v1/stream_pb.js";
import { eventually } from "../../../test/support/eventually.js";
import { resultFixture } from "../../../test/support/fixtures.js";
import { TEST_REDIS_URL, uniquePrefix } from "../../../test/support/redis.js";
import { hostSample } from "../../../test/support/stream-clients.js";
import { silentLogger } from "../../core/logger.js";
import { createRedis } from "../../redis/redis.js";
import { createStreamPublisher } from "../../stream/publisher.js";
import { checkBatchChannel, scopedTopic, streamChannel } from "../../stream/topics.js";
import type { StreamClient } from "./client.js";
import { createHub, type Hub } from "./hub.js";

// The hub on a real Redis subscription, with stand-in clients that record what reaches them.
// What the hub decodes is seen through its log: a message that is not a stream event is
// reported when decoded, and only then. Redis delivers one connection's messages in the order
// they were published, so once a marker event published last has been delivered, every message
// before it has been handled (or skipped).

/** Bytes no StreamEvent decodes from: field 1 with wire type 7, which does not exist. */
const UNDECODABLE = Buffer.from([0x0f]);
/** A scope a client listens to throughout: its events mark that earlier ones were handled. */
const MARKER_SCOPE = "marker-org";

let prefix: string;
let redis: Redis;
let subscriber: Redis;
let hub: Hub;
/** How many messages the hub decoded and found undecodable. */
let undecodable = 0;
/** What each stand-in client received, by its label: `<scope>/<topic> <source>`. */
const delivered = new Map<string, string[]>();
const marker = standIn("marker");
let markers = 0;

/**
 * standIn is a client that records every frame delivered to it. The hub calls deliver alone
 * of a StreamClient, so the rest (a socket, replays, limits) is not needed here.
 */
function standIn(label: string): StreamClient {
  const frames: string[] = [];
  delivered.set(label, frames);
  const client = { deliver: (topic: string, source: string) => frames.push(`${topic} ${source}`) };
  return client as unknown as StreamClient; // only deliver is called (see above)
}

/** publishSample publishes a sample of host `hostId` owned by `scope`, as the publisher does. */
async function publishSample(scope: string, hostId: string): Promise<void> {
  const event = create(StreamEventSchema, {
    topic: `host:${hostId}`,
    payload: { case: "hostSample", value: hostSample(hostId, Date.now()) },
  });
  const channel = streamChannel(prefix, scope, "host", hostId);
  await redis.publish(channel, Buffer.from(toBinary(StreamEventSchema, event)));
}

/** publishUndecodable publishes bytes that are no stream event on a host channel of `scope`. */
async function publishUndecodable(scope: string): Promise<void> {
  await redis.publish(streamChannel(prefix, scope, "host", "h1"), UNDECODABLE);
}

/** handled waits until the hub has handled every message published before it was called. */
async function handled(): Promise<void> {
  const hostId = `mark-${++markers}`;
  await publishSample(MARKER_SCOPE, hostId);
  await eventually(() => delivered.get("marker")?.includes(`hosts host:${hostId}`), {
    what: `marker ${hostId} to be delivered`,
  });
}

beforeAll(async () => {
  prefix = uniquePrefix("hub");
  redis = createRedis(TEST_REDIS_URL, "command", "hub-test");
  subscriber = createRedis(TEST_REDIS_URL, "bullmq", "hub-test-sub");
  hub = createHub({
    subscriber,
    prefix,
    log: {
      ...silentLogger,
      warn: (message) => {
        if (message === "dropping undecodable stream event") undecodable++;
      },
    },
  });
  await hub.ready;
  hub.add(scopedTopic(MARKER_SCOPE, "hosts"), marker);
});

afterAll(() => {
  hub.stop();
  redis.disconnect();
  subscriber.disconnect();
});

describe("the hub's owner scopes", () => {
  it("decodes no event of a scope nobody listens to, and delivers it to nobody", async () => {
    const quiet = randomUUID();
    const other = standIn("other");
    hub.add(scopedTopic(randomUUID(), "hosts"), other);
    await publishUndecodable(quiet);
    await publishSample(quiet, "h1");
    await handled();
    expect(undecodable).toBe(0);
    expect(delivered.get("other")).toEqual([]);
    // The marker scope's only deliveries are its markers.
    expect(delivered.get("marker")?.every((frame) => frame.includes("mark-"))).toBe(true);
  });

  it("decodes a scope's events while any client listens to any of its topics, and skips them again after the last leaves", async () => {
    const scope = randomUUID();
    const first = standIn("first");
    const second = standIn("second");
    const expectDecoded = async (decoded: boolean) => {
      const before = undecodable;
      await publishUndecodable(scope);
      await handled();
      expect(undecodable - before).toBe(decoded ? 1 : 0);
    };

    await expectDecoded(false);
    hub.add(scopedTopic(scope, "hosts"), first);
    hub.add(scopedTopic(scope, "host:h1"), second);
    hub.add(scopedTopic(scope, "hosts"), second);
    await expectDecoded(true);
    await publishSample(scope, "h1");
    await handled();
    expect(delivered.get("first")).toEqual(["hosts host:h1"]);
    expect(delivered.get("second")?.sort()).toEqual(["host:h1 host:h1", "hosts host:h1"]);

    // Each topic the scope still has keeps its events decoded, until its last one goes.
    hub.remove(scopedTopic(scope, "hosts"), first);
    await expectDecoded(true);
    hub.remove(scopedTopic(scope, "hosts"), second);
    await expectDecoded(true);
    hub.remove(scopedTopic(scope, "host:h1"), second);
    await expectDecoded(false);

    // Joining again brings the scope back.
    hub.add(scopedTopic(scope, "monitors"), first);
    await expectDecoded(true);
    hub.remove(scopedTopic(scope, "monitors"), first);
    await publishSample(scope, "h1");
    await expectDecoded(false);
    expect(delivered.get("first")).toEqual(["hosts host:h1"]);
    expect(delivered.get("second")).toHaveLength(2);
  });
});

describe("the hub's check batches", () => {
  it("relays each result of a batch on its topics, to the batch's organization alone", async () => {
    const [orgA, orgB] = [randomUUID(), randomUUID()];
    const [a1, a2, b1] = [randomUUID(), randomUUID(), randomUUID()];
    const aAll = standIn("a-all");
    const aOne = standIn("a-one");
    const bAll = standIn("b-all");
    hub.add(scopedTopic(orgA, "monitors"), aAll);
    hub.add(scopedTopic(orgA, `monitor:${a2}`), aOne);
    hub.add(scopedTopic(orgB, "monitors"), bAll);
    const results = [a1, b1, a2].map((monitorId) =>
      resultFixture({ monitorId, checkedAtMs: Date.now() }),
    );
    const owners = new Map([
      [a1, orgA],
      [a2, orgA],
      [b1, orgB],
    ]);
    await createStreamPublisher(redis, prefix).publishCheckResults(results, owners);
    await handled();
    expect(delivered.get("a-all")).toEqual([`monitors monitor:${a1}`, `monitors monitor:${a2}`]);
    expect(delivered.get("a-one")).toEqual([`monitor:${a2} monitor:${a2}`]);
    expect(delivered.get("b-all")).toEqual([`monitors monitor:${b1}`]);
  });

  it("drops an undecodable batch with a warning, and relays the next", async () => {
    const org = randomUUID();
    const monitorId = randomUUID();
    const all = standIn("batch-all");
    hub.add(scopedTopic(org, "monitors"), all);
    const before = undecodable;
    await redis.publish(checkBatchChannel(prefix, org), UNDECODABLE);
    await createStreamPublisher(redis, prefix).publishCheckResults(
      [resultFixture({ monitorId, checkedAtMs: Date.now() })],
      new Map([[monitorId, org]]),
    );
    await handled();
    expect(undecodable - before).toBe(1);
    expect(delivered.get("batch-all")).toEqual([`monitors monitor:${monitorId}`]);
  });
});
