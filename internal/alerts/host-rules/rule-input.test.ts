import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ComparisonOp, HostMetric, HostRuleSpecSchema } from "../../../gen/pulsar/v1/alert_pb.js";
import { InvalidArgumentError } from "../../core/errors.js";
import { resolveRuleSpec } from "./rule-input.js";

const CHANNEL = "0b8e4a4e-8f0e-4c53-9d5e-2f5cf3a7c001";
const valid = {
  name: "Hot CPU",
  metric: HostMetric.CPU_PERCENT,
  op: ComparisonOp.GT,
  threshold: 90,
  forSeconds: 60,
  channelIds: [CHANNEL],
};
const spec = (fields: MessageInitShape<typeof HostRuleSpecSchema>) =>
  create(HostRuleSpecSchema, { ...valid, ...fields });

function problem(input: ReturnType<typeof spec> | undefined): string {
  try {
    resolveRuleSpec(input);
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error.message;
    throw error;
  }
  throw new Error("expected an InvalidArgumentError");
}

describe("resolveRuleSpec", () => {
  it("accepts a rule for every host, and a disk rule on one host's mount", () => {
    expect(resolveRuleSpec(spec({}))).toEqual({
      name: "Hot CPU",
      hostId: "",
      hostSelector: "",
      metric: "cpu_percent",
      mount: "",
      op: "gt",
      threshold: 90,
      forSeconds: 60,
      channelIds: [CHANNEL],
    });
    expect(
      resolveRuleSpec(
        spec({
          hostId: "db-1",
          metric: HostMetric.DISK_PERCENT,
          mount: "/var",
          op: ComparisonOp.GTE,
        }),
      ),
    ).toMatchObject({ hostId: "db-1", metric: "disk_percent", mount: "/var", op: "gte" });
    expect(resolveRuleSpec(spec({ metric: HostMetric.LOAD1, threshold: 16 })).threshold).toBe(16);
    expect(resolveRuleSpec(spec({ hostSelector: " env=prod,role!=db " })).hostSelector).toBe(
      "env=prod,role!=db",
    );
  });

  it("drops duplicate channel ids and lower-cases them", () => {
    expect(
      resolveRuleSpec(spec({ channelIds: [CHANNEL.toUpperCase(), CHANNEL] })).channelIds,
    ).toEqual([CHANNEL]);
  });

  it.each([
    ["no rule", undefined, "rule is required"],
    ["an empty name", spec({ name: "" }), "rule.name must be 1–100 characters"],
    ["a long name", spec({ name: "n".repeat(101) }), "rule.name must be 1–100 characters"],
    ["a bad host id", spec({ hostId: "-bad host" }), "rule.hostId must be a host id"],
    [
      "a host id and a selector",
      spec({ hostId: "db-1", hostSelector: "env=prod" }),
      "rule.hostSelector cannot be set together with hostId",
    ],
    [
      "a bad selector",
      spec({ hostSelector: "env=prod,env=" }),
      'rule.hostSelector term 2 "env=" needs a value after "="',
    ],
    ["no metric", spec({ metric: HostMetric.UNSPECIFIED }), "rule.metric is required"],
    ["an unknown metric", spec({ metric: 99 as HostMetric }), "rule.metric is required"],
    ["no operator", spec({ op: ComparisonOp.UNSPECIFIED }), "rule.op is required"],
    ["a percentage over 100", spec({ threshold: 101 }), "rule.threshold must be between 0 and 100"],
    ["a negative threshold", spec({ threshold: -1 }), "rule.threshold must be between 0 and 100"],
    [
      "a threshold that is not a number",
      spec({ threshold: Number.NaN }),
      "rule.threshold must be between 0 and 100",
    ],
    [
      "a huge load",
      spec({ metric: HostMetric.LOAD1, threshold: 1e9 }),
      "rule.threshold must be between 0 and 100000",
    ],
    [
      "a mount on a CPU rule",
      spec({ mount: "/" }),
      "rule.mount is only for HOST_METRIC_DISK_PERCENT",
    ],
    [
      "a relative mount",
      spec({ metric: HostMetric.DISK_PERCENT, mount: "var" }),
      "rule.mount must be a mount point",
    ],
    [
      "a negative duration",
      spec({ forSeconds: -1 }),
      "rule.forSeconds must be between 0 and 86400",
    ],
    [
      "a duration over a day",
      spec({ forSeconds: 86_401 }),
      "rule.forSeconds must be between 0 and 86400",
    ],
    ["no channel", spec({ channelIds: [] }), "rule.channelIds must name at least one channel"],
    [
      "a channel id that is not a UUID",
      spec({ channelIds: [CHANNEL, "nope"] }),
      "rule.channelIds[1] must be a UUID",
    ],
    [
      "too many channels",
      spec({ channelIds: Array.from({ length: 21 }, () => CHANNEL) }),
      "rule.channelIds must hold at most 20 ids",
    ],
  ])("refuses %s", (_, input, message) => {
    expect(problem(input)).toContain(message);
  });
});
