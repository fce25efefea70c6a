import dgram from "node:dgram";
import type { LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CheckErrorKind,
  type CheckTarget,
  CheckTargetSchema,
  type DnsSpecSchema,
} from "../../../gen/pulsar/v1/check_pb.js";
import {
  type DnsRecords,
  startDnsServer,
  type TestDnsServer,
} from "../../../test/support/dns-server.js";
import { runDnsCheck } from "./run-dns-check.js";

// DNS checks against servers this file starts on 127.0.0.1: one answering fixed records of every
// type (NXDOMAIN for other names, SERVFAIL and REFUSED for two), one that never answers.

const ZONE: DnsRecords = {
  "example.test": {
    A: ["192.0.2.10", "192.0.2.2"],
    AAAA: ["2001:db8::2", "2001:db8::1"],
    MX: [
      { priority: 20, exchange: "backup.example.test" },
      { priority: 10, exchange: "mail.example.test" },
    ],
    TXT: [["v=spf1 ", "include:_spf.example.test", " -all"], ["hello\nworld"]],
    NS: ["ns2.example.test", "ns1.example.test"],
    SOA: [
      {
        mname: "ns1.example.test",
        rname: "hostmaster.example.test",
        serial: 2024010101,
        refresh: 7200,
        retry: 3600,
        expire: 1209600,
        minimum: 300,
      },
    ],
    CAA: [
      { flags: 128, tag: "iodef", value: "mailto:sec@example.test" },
      { flags: 0, tag: "issue", value: "letsencrypt.org" },
    ],
  },
  "www.example.test": { CNAME: ["example.test"] },
  "_sip._tcp.example.test": {
    SRV: [{ priority: 10, weight: 5, port: 5060, target: "sip.example.test" }],
  },
  "a-only.test": { A: ["192.0.2.1"] },
  "long.test": { TXT: [["x".repeat(250), "x".repeat(250), "x".repeat(250)]] },
};

let zone: TestDnsServer;
let silent: TestDnsServer;

beforeAll(async () => {
  zone = await startDnsServer({
    records: ZONE,
    failures: { "servfail.test": "SERVFAIL", "refused.test": "REFUSED" },
  });
  silent = await startDnsServer({ silent: true });
});

afterAll(async () => {
  await Promise.all([zone.close(), silent.close()]);
});

function dnsTarget(
  dns: MessageInitShape<typeof DnsSpecSchema>,
  timeoutMs = 5000,
  on: TestDnsServer | null = zone,
): CheckTarget {
  const spec = on === null ? dns : { server: on.server, ...dns };
  return create(CheckTargetSchema, { timeoutMs, dns: spec });
}

describe("runDnsCheck", () => {
  it.each([
    ["A", "example.test", "192.0.2.2\n192.0.2.10"],
    ["AAAA", "example.test", "2001:db8::1\n2001:db8::2"],
    ["CNAME", "www.example.test", "example.test"],
    ["MX", "example.test", "10 mail.example.test\n20 backup.example.test"],
    ["TXT", "example.test", "hello\\010world\nv=spf1 include:_spf.example.test -all"],
    ["NS", "example.test", "ns1.example.test\nns2.example.test"],
    [
      "SOA",
      "example.test",
      "ns1.example.test hostmaster.example.test 2024010101 7200 3600 1209600 300",
    ],
    ["CAA", "example.test", '0 issue "letsencrypt.org"\n128 iodef "mailto:sec@example.test"'],
    ["SRV", "_sip._tcp.example.test", "10 5 5060 sip.example.test"],
  ])(
    "is up on %s records of %s, with them in its answer as dig writes them, sorted",
    async (recordType, name, answer) => {
      const before = Date.now();
      const result = await runDnsCheck(dnsTarget({ name, recordType }));
      expect(result.up, result.error).toBe(true);
      expect(result.errorKind).toBe(CheckErrorKind.UNSPECIFIED);
      expect(result.answer).toBe(answer);
      expect(result.remoteAddress).toBe(zone.server);
      expect(result.timing?.dnsMs).toBeGreaterThan(0);
      expect(result.timing?.totalMs).toBe(result.timing?.dnsMs);
      expect(result.timing?.connectMs).toBe(0);
      expect(Number(result.checkedAt?.seconds) * 1000).toBeGreaterThanOrEqual(before - 1000);
    },
  );

  it("queries A records when the type is left empty, and reads the type in any case", async () => {
    const a = await runDnsCheck(dnsTarget({ name: "example.test", recordType: "" }));
    expect(a.answer).toBe("192.0.2.2\n192.0.2.10");
    const mx = await runDnsCheck(dnsTarget({ name: "example.test.", recordType: "mx" }));
    expect(mx.answer).toBe("10 mail.example.test\n20 backup.example.test");
  });

  it("asks the worker's resolvers when the monitor names no server", async () => {
    const result = await runDnsCheck(dnsTarget({ name: "example.test" }, 5000, null), {
      servers: [zone.server],
      blockPrivateTargets: true, // the operator's resolvers are not judged
    });
    expect(result.up, result.error).toBe(true);
    expect(result.answer).toBe("192.0.2.2\n192.0.2.10");
    expect(result.remoteAddress).toBe("");
  });

  describe("expect", () => {
    it("is up when some record contains expect, case aside", async () => {
      const result = await runDnsCheck(
        dnsTarget({ name: "example.test", recordType: "TXT", expect: "V=SPF1 INCLUDE" }),
      );
      expect(result.up, result.error).toBe(true);
    });

    it("is down when no record contains expect, quoting the answer", async () => {
      const result = await runDnsCheck(
        dnsTarget({ name: "example.test", recordType: "MX", expect: "mx.other.test" }),
      );
      expect(result.up).toBe(false);
      expect(result.errorKind).toBe(CheckErrorKind.ANSWER);
      expect(result.error).toBe(
        'expected a MX record of example.test containing "mx.other.test", ' +
          'got "10 mail.example.test, 20 backup.example.test"',
      );
      expect(result.answer).toBe("10 mail.example.test\n20 backup.example.test");
    });

    it("bounds the answer it quotes in the error", async () => {
      const result = await runDnsCheck(
        dnsTarget({ name: "long.test", recordType: "TXT", expect: "absent" }),
      );
      expect(result.errorKind).toBe(CheckErrorKind.ANSWER);
      expect(result.error).toContain('got "xxxx');
      expect(result.error).toContain("…");
      expect(result.error.length).toBeLessThan(400);
      expect(result.answer).toBe("x".repeat(750));
    });

    it("with expectExact, is up on exactly the listed values, order, case and trailing dots aside", async () => {
      const cases = [
        { recordType: "A", expect: "192.0.2.10, 192.0.2.2" },
        { recordType: "MX", expect: "20 BACKUP.example.test. ,10 mail.example.test." },
        { recordType: "AAAA", expect: "2001:0db8:0:0::2,2001:db8::1" },
        { recordType: "NS", expect: "ns2.example.test,ns1.example.test,ns1.example.test" },
      ];
      for (const spec of cases) {
        const result = await runDnsCheck(
          dnsTarget({ name: "example.test", expectExact: true, ...spec }),
        );
        expect(result.up, `${spec.recordType}: ${result.error}`).toBe(true);
      }
    });

    it("with expectExact, is down when a record is missing or extra", async () => {
      const missing = await runDnsCheck(
        dnsTarget({ name: "example.test", expect: "192.0.2.2", expectExact: true }),
      );
      expect(missing.errorKind).toBe(CheckErrorKind.ANSWER);
      expect(missing.error).toBe(
        'expected A records of example.test to be exactly "192.0.2.2", got "192.0.2.2, 192.0.2.10"',
      );
      const extra = await runDnsCheck(
        dnsTarget({
          name: "example.test",
          expect: "192.0.2.2, 192.0.2.10, 192.0.2.3",
          expectExact: true,
        }),
      );
      expect(extra.errorKind).toBe(CheckErrorKind.ANSWER);
    });
  });

  describe("names that do not exist and empty answers", () => {
    it("is down when the name does not exist", async () => {
      const result = await runDnsCheck(dnsTarget({ name: "nothing.test" }));
      expect(result.up).toBe(false);
      expect(result.errorKind).toBe(CheckErrorKind.DNS);
      expect(result.error).toBe("nothing.test does not exist (NXDOMAIN)");
    });

    it("is up when the name does not exist and NXDOMAIN is expected", async () => {
      const result = await runDnsCheck(dnsTarget({ name: "nothing.test", expectNxdomain: true }));
      expect(result.up, result.error).toBe(true);
      expect(result.answer).toBe("");
    });

    it("is down when NXDOMAIN is expected and the name exists, with or without the records", async () => {
      const found = await runDnsCheck(dnsTarget({ name: "example.test", expectNxdomain: true }));
      expect(found.up).toBe(false);
      expect(found.errorKind).toBe(CheckErrorKind.ANSWER);
      expect(found.error).toBe(
        'example.test exists (A: "192.0.2.2, 192.0.2.10"), expected NXDOMAIN',
      );
      const empty = await runDnsCheck(
        dnsTarget({ name: "a-only.test", recordType: "AAAA", expectNxdomain: true }),
      );
      expect(empty.errorKind).toBe(CheckErrorKind.ANSWER);
      expect(empty.error).toBe("a-only.test exists (no AAAA records), expected NXDOMAIN");
    });

    it("is down on an empty answer (NODATA)", async () => {
      const result = await runDnsCheck(dnsTarget({ name: "a-only.test", recordType: "AAAA" }));
      expect(result.up).toBe(false);
      expect(result.errorKind).toBe(CheckErrorKind.ANSWER);
      expect(result.error).toBe("no AAAA records for a-only.test");
    });
  });

  describe("servers that fail", () => {
    it("says the server failed (SERVFAIL) or refused (REFUSED)", async () => {
      const failed = await runDnsCheck(dnsTarget({ name: "servfail.test" }));
      expect(failed.errorKind).toBe(CheckErrorKind.DNS);
      expect(failed.error).toBe(
        `the DNS server ${zone.server} failed to answer for servfail.test (SERVFAIL)`,
      );
      const refused = await runDnsCheck(dnsTarget({ name: "refused.test" }));
      expect(refused.errorKind).toBe(CheckErrorKind.DNS);
      expect(refused.error).toBe(
        `the DNS server ${zone.server} refused the query for refused.test (REFUSED)`,
      );
    });

    it("times out in about timeoutMs when the server never answers", async () => {
      const started = performance.now();
      const result = await runDnsCheck(dnsTarget({ name: "example.test" }, 500, silent));
      const elapsed = performance.now() - started;
      expect(result.up).toBe(false);
      expect(result.errorKind).toBe(CheckErrorKind.TIMEOUT);
      expect(result.error).toBe(
        `timeout after 500 ms (no answer from the DNS server ${silent.server})`,
      );
      expect(elapsed).toBeGreaterThan(300);
      expect(elapsed).toBeLessThan(2500);
      expect(silent.queries()).toContainEqual({ name: "example.test", type: "A" });
    });
    it("says the server refused the connection when nothing listens on its port", async () => {
      const port = await closedUdpPort();
      const target = dnsTarget({ name: "example.test", server: `127.0.0.1:${port}` });
      const result = await runDnsCheck(target);
      expect(result.errorKind).toBe(CheckErrorKind.DNS);
      expect(result.error).toBe(
        `the DNS server 127.0.0.1:${port} refused the connection (ECONNREFUSED)`,
      );
      expect(result.remoteAddress).toBe(`127.0.0.1:${port}`);
    });
  });

  describe("a server given by name", () => {
    it("is asked at the address the lookup gives", async () => {
      const asked: string[] = [];
      const lookup = fakeLookup({ "ns.fake.test": "127.0.0.1" }, asked);
      const target = dnsTarget({ name: "example.test", server: `ns.fake.test:${zone.port}` });
      const result = await runDnsCheck(target, { lookup });
      expect(result.up, result.error).toBe(true);
      expect(asked).toEqual(["ns.fake.test"]);
      expect(result.remoteAddress).toBe(zone.server);
    });

    it("is down, DNS, when its name does not resolve", async () => {
      const lookup = fakeLookup({});
      const target = dnsTarget({ name: "example.test", server: "ns.missing.test" });
      const result = await runDnsCheck(target, { lookup });
      expect(result.errorKind).toBe(CheckErrorKind.DNS);
      expect(result.error).toBe("could not resolve the DNS server ns.missing.test (ENOTFOUND)");
    });

    it("times out while its name is being resolved when the lookup never answers", async () => {
      const stuck: LookupFunction = () => {};
      const target = dnsTarget({ name: "example.test", server: "ns.stuck.test" }, 300);
      const result = await runDnsCheck(target, { lookup: stuck });
      expect(result.errorKind).toBe(CheckErrorKind.TIMEOUT);
      expect(result.error).toBe("timeout after 300 ms (resolving the DNS server ns.stuck.test)");
    });
  });

  describe("the address policy", () => {
    it("refuses a private server with blockPrivateTargets, sending it nothing", async () => {
      const before = zone.queries().length;
      const result = await runDnsCheck(dnsTarget({ name: "example.test" }), {
        blockPrivateTargets: true,
      });
      expect(result.errorKind).toBe(CheckErrorKind.BLOCKED);
      expect(result.error).toBe(
        "blocked: DNS server 127.0.0.1 is a loopback address (PULSAR_BLOCK_PRIVATE_TARGETS is on)",
      );
      expect(result.remoteAddress).toBe("");
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(zone.queries().length).toBe(before);
    });

    it("refuses a server whose name resolves to a private address", async () => {
      const lookup = fakeLookup({ "ns.fake.test": "10.1.2.3" });
      const target = dnsTarget({ name: "example.test", server: "ns.fake.test" });
      const result = await runDnsCheck(target, { lookup, blockPrivateTargets: true });
      expect(result.errorKind).toBe(CheckErrorKind.BLOCKED);
      expect(result.error).toContain("ns.fake.test resolves to 10.1.2.3; 10.1.2.3 is a private");
    });

    it("refuses link-local and metadata servers whatever the settings", async () => {
      for (const address of ["169.254.169.254", "[fe80::1]:53"]) {
        const result = await runDnsCheck(dnsTarget({ name: "example.test", server: address }));
        expect(result.errorKind, address).toBe(CheckErrorKind.BLOCKED);
        expect(result.error).toContain("never reached, whatever the settings");
      }
    });

    it("uses the policy it is given instead", async () => {
      const result = await runDnsCheck(dnsTarget({ name: "example.test" }), {
        blockPrivateTargets: true,
        addressPolicy: () => undefined,
      });
      expect(result.up, result.error).toBe(true);
    });
  });

  describe("cancellation", () => {
    it("stops at once, down, when its signal aborts", async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const started = performance.now();
      const result = await runDnsCheck(dnsTarget({ name: "example.test" }, 10_000, silent), {
        signal: controller.signal,
      });
      expect(performance.now() - started).toBeLessThan(1000);
      expect(result.up).toBe(false);
      expect(result.error).toBe("check cancelled");
    });

    it("sends nothing when its signal has already aborted", async () => {
      const before = zone.queries().length;
      const result = await runDnsCheck(dnsTarget({ name: "example.test" }), {
        signal: AbortSignal.abort(),
      });
      expect(result.error).toBe("check cancelled");
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(zone.queries().length).toBe(before);
    });
  });

  it("is down, in words, on a target no query can be made of", async () => {
    const cases: [CheckTarget, string][] = [
      [create(CheckTargetSchema, { timeoutMs: 1000 }), "not a DNS check"],
      [dnsTarget({ name: "example.test", recordType: "PTR" }), 'unsupported record type "PTR"'],
      [dnsTarget({ name: "a..test" }), "the name must not have an empty label"],
      [dnsTarget({ name: "example.test", server: "1.1.1.1:0" }), "the DNS server must have a port"],
    ];
    for (const [target, words] of cases) {
      const result = await runDnsCheck(target);
      expect(result.up).toBe(false);
      expect(result.errorKind).toBe(CheckErrorKind.UNSPECIFIED);
      expect(result.error).toContain(words);
    }
  });
});

/** closedUdpPort returns a UDP port on 127.0.0.1 that nothing listens on (it was just freed). */
async function closedUdpPort(): Promise<number> {
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** fakeLookup answers names from `addresses` (ENOTFOUND for the rest) and notes each asked. */
function fakeLookup(addresses: Record<string, string>, asked: string[] = []): LookupFunction {
  return (hostname, options, callback) => {
    asked.push(hostname);
    const address = addresses[hostname];
    if (address === undefined) {
      const err = Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
      return process.nextTick(() => callback(err, "", 0));
    }
    const family = address.includes(":") ? 6 : 4;
    const all: LookupAddress[] = [{ address, family }];
    process.nextTick(() => (options.all ? callback(null, all) : callback(null, address, family)));
  };
}
