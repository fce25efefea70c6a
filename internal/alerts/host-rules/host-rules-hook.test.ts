import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertKind } from "../../../gen/pulsar/v1/alert_pb.js";
import { HostSampleSchema } from "../../../gen/pulsar/v1/host_pb.js";
import { createTestOrg } from "../../../test/support/accounts.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/postgres.js";
import { silentLogger } from "../../core/logger.js";
import { createHostSampleStore } from "../../hosts/server/sample-store.js";
import * as admin from "../alert-admin.js";
import type { OwnedAlertEvent } from "../alert-event.js";
import type { AlertQueue } from "../delivery/alert-queue.js";
import { createAlertHandOut } from "../hand-out.js";
import { hostRulesHook } from "./host-rules-hook.js";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.drop();
});

describe("host rules on the sample store's write path", () => {
  it("evaluates each stored batch, publishes the events and queues one delivery per channel", async () => {
    const org = await createTestOrg(db.pool);
    const channel = await admin.insertChannel(db.pool, org.orgId, {
      name: "ops",
      kind: "discord",
      url: "https://discord.com/api/webhooks/123456/abcdefghijklmnopqrstuvwxyz",
    });
    await admin.insertRule(db.pool, org.orgId, {
      name: "Full memory",
      hostId: "",
      hostSelector: "",
      metric: "memory_percent",
      mount: "",
      op: "gte",
      threshold: 90,
      forSeconds: 2,
      channelIds: [channel.id],
    });
    const published: OwnedAlertEvent[] = [];
    const jobs: unknown[] = [];
    const queue: Pick<AlertQueue, "addBulk"> = {
      addBulk: async (added) => {
        jobs.push(...added);
        return [];
      },
    };
    const store = createHostSampleStore({
      pool: db.pool,
      log: silentLogger,
      maxDelayMs: 10,
      onStored: hostRulesHook({
        pool: db.pool,
        log: silentLogger,
        handOut: createAlertHandOut({
          queue,
          publisher: {
            publishAlertEvents: async (events) => {
              published.push(...events);
            },
          },
          log: silentLogger,
        }),
        sharedHosts: true,
      }),
    });
    const t0 = Date.now() - 10_000;
    const sample = (seconds: number) =>
      create(HostSampleSchema, {
        hostId: "mem-host",
        hostname: "mem",
        sampledAt: timestampFromMs(t0 + seconds * 1000),
        memory: { totalBytes: 100, usedBytes: 95 },
      });
    await store.write(org.orgId, [sample(0), sample(1)]);
    await store.write(org.orgId, [sample(2)]);
    // Another organization's samples of the host are refused by the store, so never evaluated.
    const other = await createTestOrg(db.pool, "Other");
    expect((await store.write(other.orgId, [sample(3)])).refused).toEqual(["mem-host"]);
    await store.close();

    expect(published).toHaveLength(1);
    expect(published[0]?.orgId).toBe(org.orgId);
    expect(published[0]?.event.kind).toBe(AlertKind.HOST_FIRING);
    expect(jobs).toEqual([
      expect.objectContaining({
        data: { eventId: published[0]?.event.id, channelId: channel.id },
      }),
    ]);
  });
});
