import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { MonitorKind, MonitorSchema } from "../../../gen/pulsar/v1/monitor_pb";
import { kindOf, targetOf } from "./monitor-kind";

describe("targetOf", () => {
  it("says what each kind checks in a few words", () => {
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
    expect(
      targetOf(
        create(MonitorSchema, {
          kind: MonitorKind.TCP,
          tcp: { host: "2001:db8::1", port: 443, tls: true },
        }),
      ),
    ).toBe("[2001:db8::1]:443 (TLS)");
    expect(
      targetOf(
        create(MonitorSchema, {
          kind: MonitorKind.DNS,
          dns: { name: "example.com", recordType: "MX", server: "1.1.1.1" },
        }),
      ),
    ).toBe("MX example.com @ 1.1.1.1");
    expect(
      targetOf(
        create(MonitorSchema, {
          kind: MonitorKind.HEARTBEAT,
          heartbeat: { periodSeconds: 3600, graceSeconds: 300 },
          pingUrl: "https://pulsar.example/ping/secret",
        }),
      ),
    ).toBe("heartbeat every 1 h");
    expect(
      targetOf(
        create(MonitorSchema, {
          kind: MonitorKind.HEARTBEAT,
          heartbeat: { cron: "0 3 * * *", timezone: "Europe/Paris" },
        }),
      ),
    ).toBe("heartbeat on cron 0 3 * * * (Europe/Paris)");
  });

  it("reads a monitor without a kind from the spec it has", () => {
    expect(kindOf(create(MonitorSchema, { url: "https://a.example/" }))).toBe("http");
    expect(kindOf(create(MonitorSchema, { dns: { name: "a.example" } }))).toBe("dns");
    expect(kindOf(create(MonitorSchema, { heartbeat: {} }))).toBe("heartbeat");
  });
});
