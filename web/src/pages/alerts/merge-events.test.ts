import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { AlertEventSchema, DeliveryStatus } from "../../../../gen/pulsar/v1/alert_pb";
import { mergeEvents } from "./merge-events";

const at = (id: string, ms: number, status = DeliveryStatus.PENDING) =>
  create(AlertEventSchema, {
    id,
    createdAt: timestampFromMs(ms),
    deliveries: [{ channelId: "c", status }],
  });

describe("mergeEvents", () => {
  it("lists newest first, one per id, the later list's copy winning, at most limit", () => {
    const listed = [at("b", 2000, DeliveryStatus.DELIVERED), at("a", 1000)];
    const live = [at("c", 3000), at("b", 2000, DeliveryStatus.FAILED)];
    const merged = mergeEvents([listed, live], 10);
    expect(merged.map((e) => e.id)).toEqual(["c", "b", "a"]);
    expect(merged[1]?.deliveries[0]?.status).toBe(DeliveryStatus.FAILED);
    expect(mergeEvents([listed, live], 2).map((e) => e.id)).toEqual(["c", "b"]);
  });
});
