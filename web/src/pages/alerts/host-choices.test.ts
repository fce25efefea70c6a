import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { HostRuleSpecSchema } from "../../../../gen/pulsar/v1/alert_pb";
import { HostSchema } from "../../../../gen/pulsar/v1/host_pb";
import { hostChoices, ruleHosts } from "./host-choices";

const hosts = [
  create(HostSchema, { id: "aaaaaaaa1", hostname: "web", name: "API" }),
  create(HostSchema, { id: "bbbbbbbb1", hostname: "web" }),
  create(HostSchema, { id: "cccccccc1", hostname: "web" }),
];

describe("hostChoices", () => {
  it("offers every host, the labelled ones, then each host by the name it is shown by", () => {
    expect(hostChoices(hosts).map((c) => c.label)).toEqual([
      "All hosts",
      "Hosts with labels…",
      "API",
      "web (bbbbbbbb)",
      "web (cccccccc)",
    ]);
  });
});

describe("ruleHosts", () => {
  const choices = hostChoices(hosts);
  it("says a selector rule's labels, a host rule's host, and a rule for every host", () => {
    const spec = (init: { hostId?: string; hostSelector?: string }) =>
      create(HostRuleSpecSchema, init);
    expect(ruleHosts(spec({ hostSelector: "env=prod" }), choices)).toBe("hosts with env=prod");
    expect(ruleHosts(spec({ hostId: "aaaaaaaa1" }), choices)).toBe("API");
    expect(ruleHosts(spec({}), choices)).toBe("All hosts");
    expect(ruleHosts(spec({ hostId: "gone" }), choices)).toBe("A removed host");
  });
});
