import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { type CheckResult, CheckResultSchema } from "../../gen/pulsar/v1/check_pb.js";
import { createOutbox } from "./outbox.js";

const result = (monitorId: string): CheckResult => create(CheckResultSchema, { monitorId });
const ids = (results: CheckResult[]) => results.map((r) => r.monitorId);

describe("the outbox", () => {
  it("hands out results oldest first, each lease id after its results, within both limits", () => {
    const outbox = createOutbox(100);
    outbox.pushLease("l1", [result("a"), result("b")]);
    outbox.pushLease("l2", [result("c")]);
    outbox.pushResults([result("d")]);
    expect(outbox.results).toBe(4);
    expect(outbox.size).toBe(6);

    // Two results at most: a and b, then l1 (its results are all in), not c.
    const first = outbox.peek(2, 100);
    expect(ids(first.results)).toEqual(["a", "b"]);
    expect(first.finishedLeaseIds).toEqual(["l1"]);
    outbox.ack(first.lastSeq);
    // One result at most: c, then l2 (a lease id is not a result), not d.
    const second = outbox.peek(1, 1);
    expect(ids(second.results)).toEqual(["c"]);
    expect(second.finishedLeaseIds).toEqual(["l2"]);
    outbox.ack(second.lastSeq);
    const third = outbox.peek(100, 100);
    expect(ids(third.results)).toEqual(["d"]);
    expect(third.finishedLeaseIds).toEqual([]);
    outbox.ack(third.lastSeq);
    expect(outbox.size).toBe(0);
  });

  it("keeps at most capacity results, pushing out the oldest and counting them", () => {
    const outbox = createOutbox(3);
    expect(outbox.pushLease("l1", [result("a"), result("b")])).toBe(0);
    expect(outbox.pushLease("l2", [result("c"), result("d"), result("e")])).toBe(2);
    expect(outbox.results).toBe(3);
    expect(outbox.dropped).toBe(2);
    // l1's results went; its id stays, so its job completes rather than running again late.
    const batch = outbox.peek(100, 100);
    expect(ids(batch.results)).toEqual(["c", "d", "e"]);
    expect(batch.finishedLeaseIds).toEqual(["l1", "l2"]);
  });

  it("bounds lease ids without results too", () => {
    const outbox = createOutbox(2);
    for (let i = 0; i < 10; i++) outbox.pushLease(`empty-${i}`, []);
    expect(outbox.size).toBe(4);
    expect(outbox.peek(100, 100).finishedLeaseIds).toEqual([
      "empty-6",
      "empty-7",
      "empty-8",
      "empty-9",
    ]);
  });

  it("acks only what was sent when the oldest were pushed out during the call", () => {
    const outbox = createOutbox(2);
    outbox.pushResults([result("a"), result("b")]);
    const batch = outbox.peek(100, 100);
    // While the batch is on its way, two more push a and b out.
    outbox.pushResults([result("c"), result("d")]);
    outbox.ack(batch.lastSeq);
    expect(ids(outbox.peek(100, 100).results)).toEqual(["c", "d"]);
  });
});
