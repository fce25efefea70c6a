import { create, toJson } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { DnsSpecSchema, HeartbeatSpecSchema, TcpSpecSchema } from "../../../gen/pulsar/v1/check_pb";
import { MonitorKind, MonitorSchema } from "../../../gen/pulsar/v1/monitor_pb";
import { targetWords } from "../../../shared/monitor-target";
import { kindOf, targetOf } from "./monitor-kind";

const tcpSpec = create(TcpSpecSchema, { host: "2001:db8::1", port: 443, tls: true });
const dnsSpec = create(DnsSpecSchema, { name: "example.com", recordType: "MX", server: "1.1.1.1" });
const beatSpec = create(HeartbeatSpecSchema, { periodSeconds: 3600, graceSeconds: 300 });
const tcp = create(MonitorSchema, { kind: MonitorKind.TCP, tcp: tcpSpec });
const dns = create(MonitorSchema, { kind: MonitorKind.DNS, dns: dnsSpec });
const beat = create(MonitorSchema, {
  kind: MonitorKind.HEARTBEAT,
  heartbeat: beatSpec,
  pingUrl: "https://pulsar.example/ping/secret",
});
const cron = create(MonitorSchema, {
  kind: MonitorKind.HEARTBEAT,
  heartbeat: { cron: "0 3 * * *", timezone: "Europe/Paris" },
});

describe("targetOf", () => {
  it("says what each kind checks in a few words, leaving the kind to its badge", () => {
    expect(
      targetOf(create(MonitorSchema, { kind: MonitorKind.HTTP, url: "https://a.example/" })),
    ).toBe("https://a.example/");
    expect(
      targetOf(
        create(MonitorSchema, {
          kind: MonitorKind.TCP,
          tcp: { host: "db.example", port: 5432 },
        }),
      ),
    ).toBe("db.example:5432");
    expect(targetOf(tcp)).toBe("[2001:db8::1]:443 with TLS");
    expect(targetOf(dns)).toBe("MX example.com @1.1.1.1");
    expect(targetOf(beat)).toBe("a ping every 1 h");
    expect(targetOf(cron)).toBe("cron 0 3 * * * Europe/Paris");
  });

  it("words a monitor as its alerts and status page do, read from the stored JSON", () => {
    // The server words kind_spec, the protobuf JSON of the spec; the dashboard the message.
    const stored = (kind: string, kindSpec: unknown) => targetWords({ kind, url: "", kindSpec });
    expect(stored("tcp", toJson(TcpSpecSchema, tcpSpec))).toBe(`tcp ${targetOf(tcp)}`);
    expect(stored("dns", toJson(DnsSpecSchema, dnsSpec))).toBe(`DNS ${targetOf(dns)}`);
    expect(stored("heartbeat", toJson(HeartbeatSpecSchema, beatSpec))).toBe(
      `heartbeat (${targetOf(beat)}, 5 min grace)`,
    );
  });

  it("never shows a heartbeat's ping URL, and nothing for a kind without its spec", () => {
    expect(targetOf(beat)).not.toContain("secret");
    expect(targetOf(create(MonitorSchema, { kind: MonitorKind.TCP }))).toBe("");
  });

  it("reads a monitor without a kind from the spec it has", () => {
    expect(kindOf(create(MonitorSchema, { url: "https://a.example/" }))).toBe("http");
    expect(kindOf(create(MonitorSchema, { dns: { name: "a.example" } }))).toBe("dns");
    expect(kindOf(create(MonitorSchema, { heartbeat: {} }))).toBe("heartbeat");
    expect(targetOf(create(MonitorSchema, { tcp: { host: "db.example", port: 5432 } }))).toBe(
      "db.example:5432",
    );
  });
});
