import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrg } from "../../test/support/accounts.js";
import { insertChannelFixture } from "../../test/support/alert-fixtures.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { claimDelivery, type DeliveryKey, settleDelivery } from "./alerts-db.js";
import { insertHostEvent } from "./host-rules/host-rule-state.js";

let db: TestDatabase;
let orgId: string;
let channelId: string;
let otherChannelId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  orgId = (await createTestOrg(db.pool)).orgId;
  channelId = await insertChannelFixture(db.pool, orgId, { kind: "discord", url: "http://a" });
  otherChannelId = await insertChannelFixture(db.pool, orgId, { kind: "discord", url: "http://b" });
});
afterAll(async () => {
  await db.drop();
});

/** hostEvent records one host event to both channels and answers its delivery to channelId. */
const hostEvent = async (
  ruleId: string,
  kind: "host_firing" | "host_resolved",
): Promise<DeliveryKey> => {
  const stored = await insertHostEvent(db.pool, {
    orgId,
    kind,
    hostId: "web-1",
    ruleId,
    title: kind,
    message: "",
    value: 1,
    channelIds: [channelId, otherChannelId],
  });
  return { eventId: stored.id, channelId };
};

describe("claimDelivery", () => {
  it("waits while an earlier event of the same host rule to the same channel is unsent", async () => {
    const ruleId = randomUUID();
    const firing = await hostEvent(ruleId, "host_firing");
    const resolved = await hostEvent(ruleId, "host_resolved");
    const otherRule = await hostEvent(randomUUID(), "host_firing");

    expect(await claimDelivery(db.pool, resolved, ["pending"])).toEqual({
      claimed: false,
      waiting: true,
    });
    // Another rule's event does not wait.
    expect(await claimDelivery(db.pool, otherRule, ["pending"])).toEqual({
      claimed: true,
      attempts: 1,
    });
    // The other channel has its own earlier delivery unsent.
    expect(
      await claimDelivery(db.pool, { ...resolved, channelId: otherChannelId }, ["pending"]),
    ).toEqual({ claimed: false, waiting: true });

    expect(await claimDelivery(db.pool, firing, ["pending"])).toEqual({
      claimed: true,
      attempts: 1,
    });
    // Still sending: the later one keeps waiting.
    expect(await claimDelivery(db.pool, resolved, ["pending"])).toMatchObject({ waiting: true });
    await settleDelivery(db.pool, firing, "failed", "gone");
    expect(await claimDelivery(db.pool, resolved, ["pending"])).toEqual({
      claimed: true,
      attempts: 1,
    });
    // Claimed already: not in a state asked for, and nothing earlier is open.
    expect(await claimDelivery(db.pool, resolved, ["pending"])).toEqual({
      claimed: false,
      waiting: false,
    });
  });
});
