import dns, { type LookupAddress } from "node:dns";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { LookupFunction } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckErrorKind } from "../../../gen/pulsar/v1/check_pb.js";
import { startDnsServer, type TestDnsServer } from "../../../test/support/dns-server.js";
import { checkTarget, startHttpTarget, type TestTarget } from "../../../test/support/targets.js";
import { createDnsLookup, type DnsLookup } from "../../dns/dns-lookup.js";
import { HostsFile } from "../../dns/hosts-file.js";
import { runCheck } from "./run-check.js";

// The checks' resolver against local DNS servers this file starts: one that answers, one that
// reads and never answers, one that never answers AAAA questions.

let server: TestDnsServer;
let silent: TestDnsServer;
let noAaaa: TestDnsServer;
let http: TestTarget;
let dir: string;
let hostsPath: string;
const open: DnsLookup[] = [];

beforeAll(async () => {
  server = await startDnsServer({
    records: {
      "dual.test": { A: ["127.0.0.2", "127.0.0.3"], AAAA: ["::1"] },
      "v4.test": { A: ["127.0.0.4"] },
      "app.svc.example": { A: ["127.0.0.5"] },
      app: { A: ["127.0.0.6"] },
      "up.test": { A: ["127.0.0.1"] },
    },
    silentSuffixes: ["silent.test"],
  });
  silent = await startDnsServer({ silent: true });
  noAaaa = await startDnsServer({
    records: { "dual.test": { A: ["127.0.0.2"], AAAA: ["::1"] } },
    silentTypes: ["AAAA"],
  });
  http = await startHttpTarget();
  dir = mkdtempSync(join(tmpdir(), "pulsar-hosts-"));
  hostsPath = join(dir, "hosts");
  writeFileSync(hostsPath, "127.0.0.7 pinned.test # a comment\n::1 pinned.test\n");
});

afterAll(async () => {
  for (const resolver of open) resolver.close();
  await Promise.all([server.close(), silent.close(), noAaaa.close(), http.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const both = () => ({ v4: true, v6: true });

function resolverFor(
  dnsServer: TestDnsServer,
  options: Parameters<typeof createDnsLookup>[0] = {},
) {
  const resolver = createDnsLookup({
    servers: [dnsServer.server],
    hosts: new HostsFile({ path: hostsPath }),
    families: both,
    ...options,
  });
  open.push(resolver);
  return resolver;
}

function lookupAll(lookup: LookupFunction, name: string, options: dns.LookupOptions = {}) {
  return new Promise<LookupAddress[]>((resolve, reject) =>
    lookup(name, { ...options, all: true }, (err, addresses) =>
      err ? reject(err) : resolve(addresses as LookupAddress[]),
    ),
  );
}

function lookupOne(lookup: LookupFunction, name: string, options: dns.LookupOptions = {}) {
  return new Promise<{ address: string; family: number }>((resolve, reject) =>
    lookup(name, options, (err, address, family) =>
      err ? reject(err) : resolve({ address: address as string, family: family ?? 0 }),
    ),
  );
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("the lookup succeeded");
    },
    (err: NodeJS.ErrnoException) => err,
  );

describe("createDnsLookup", () => {
  it("asks the configured servers for both families, IPv4 first", async () => {
    const { lookup } = resolverFor(server);
    expect(await lookupAll(lookup, "dual.test")).toEqual([
      { address: "127.0.0.2", family: 4 },
      { address: "127.0.0.3", family: 4 },
      { address: "::1", family: 6 },
    ]);
    expect(await lookupOne(lookup, "dual.test")).toEqual({ address: "127.0.0.2", family: 4 });
    expect(await lookupOne(lookup, "dual.test", { family: 6 })).toEqual({
      address: "::1",
      family: 6,
    });
    expect(await lookupAll(lookup, "v4.test")).toEqual([{ address: "127.0.0.4", family: 4 }]);
  });

  it("skips a family this host has no address in under ADDRCONFIG, as net asks", async () => {
    const before = server.queries().length;
    const { lookup } = resolverFor(server, { families: () => ({ v4: true, v6: false }) });
    const found = await lookupAll(lookup, "dual.test", { hints: dns.ADDRCONFIG });
    expect(found.map((a) => a.family)).toEqual([4, 4]);
    expect(server.queries().slice(before)).toEqual([{ name: "dual.test", type: "A" }]);
  });

  it("answers localhost and *.localhost with loopback, without asking DNS", async () => {
    const before = server.queries().length;
    const { lookup } = resolverFor(server);
    const local = await lookupAll(lookup, "localhost");
    expect(local.every((a) => a.address === "::1" || a.address.startsWith("127."))).toBe(true);
    expect(await lookupOne(lookup, "app.localhost")).toEqual({ address: "127.0.0.1", family: 4 });
    expect(await lookupOne(lookup, "LocalHost")).toMatchObject({ family: 4 });
    expect(server.queries().length).toBe(before);
  });

  it("answers from the hosts file before DNS, and sees the file change", async () => {
    const hosts = new HostsFile({ path: hostsPath });
    const { lookup } = resolverFor(server, { hosts });
    expect(await lookupAll(lookup, "Pinned.Test")).toEqual([
      { address: "127.0.0.7", family: 4 },
      { address: "::1", family: 6 },
    ]);
    writeFileSync(hostsPath, "127.0.0.8 pinned.test moved.test\n");
    await hosts.reload();
    expect(await lookupOne(lookup, "moved.test")).toEqual({ address: "127.0.0.8", family: 4 });
    writeFileSync(hostsPath, "127.0.0.7 pinned.test # a comment\n::1 pinned.test\n");
  });

  it("fails a name that does not exist with ENOTFOUND", async () => {
    const { lookup } = resolverFor(server);
    const err = await failure(lookupOne(lookup, "nothing.test"));
    expect(err.code).toBe("ENOTFOUND");
  });

  it("tries the search domains for a short name, and a dotted name only as it is", async () => {
    const { lookup } = resolverFor(server, { search: { domains: ["svc.example"], ndots: 1 } });
    expect(await lookupOne(lookup, "app")).toEqual({ address: "127.0.0.5", family: 4 });
    const before = server.queries().length;
    await failure(lookupOne(lookup, "missing.test"));
    expect(
      server
        .queries()
        .slice(before)
        .map((q) => q.name),
    ).toEqual(["missing.test", "missing.test"]);
    // An absolute name skips the search list.
    expect(await lookupOne(lookup, "app.")).toEqual({ address: "127.0.0.6", family: 4 });
  });

  it("answers with one family when the other's questions are never answered", async () => {
    const { lookup } = resolverFor(noAaaa);
    const started = performance.now();
    expect(await lookupAll(lookup, "dual.test")).toEqual([{ address: "127.0.0.2", family: 4 }]);
    // Not the AAAA query's own timeout (seconds): the resolution delay after the A answer.
    expect(performance.now() - started).toBeLessThan(900);
  });

  it("fails with ETIMEOUT when the server never answers, while other names resolve at once", async () => {
    const { lookup } = resolverFor(server, { timeoutMs: 500, tries: 1 });
    // A hundred lookups that will never be answered: with getaddrinfo these would fill libuv's
    // thread pool and every other lookup would queue behind them.
    const stuck = Array.from({ length: 100 }, (_, i) =>
      failure(lookupOne(lookup, `n${i}.silent.test`)),
    );
    const started = performance.now();
    expect(await lookupOne(lookup, "v4.test")).toEqual({ address: "127.0.0.4", family: 4 });
    expect(performance.now() - started).toBeLessThan(400);
    const errors = await Promise.all(stuck);
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set(["ETIMEOUT"]));
  });

  it("stops pending queries on close", async () => {
    const resolver = createDnsLookup({ servers: [silent.server], families: both });
    const pending = failure(lookupOne(resolver.lookup, "anything.test"));
    resolver.close();
    expect((await pending).code).toBe("ECANCELLED");
  });
});

describe("a check resolving through it", () => {
  it("reaches a target by a name DNS answers", async () => {
    const { lookup } = resolverFor(server);
    const result = await runCheck(checkTarget(`http://up.test:${http.port}/ok`), { lookup });
    expect(result.up, result.error).toBe(true);
    expect(result.remoteAddress).toBe("127.0.0.1");
  });

  it("reaches localhost through the hosts file, as bench/checks does", async () => {
    const { lookup } = resolverFor(silent);
    const result = await runCheck(checkTarget(`${http.localhostUrl}/ok`), { lookup });
    expect(result.up, result.error).toBe(true);
  });

  it("says it timed out resolving the name when DNS never answers within the check's timeout", async () => {
    const { lookup } = resolverFor(silent);
    const result = await runCheck(checkTarget("http://quiet.test/", { timeoutMs: 800 }), {
      lookup,
    });
    expect(result.errorKind).toBe(CheckErrorKind.TIMEOUT);
    expect(result.error).toBe("timeout after 800 ms (resolving the name)");
  });

  it("says DNS timed out when the resolver gives up before the check does", async () => {
    const { lookup } = resolverFor(silent, { timeoutMs: 300, tries: 1 });
    const result = await runCheck(checkTarget("http://quiet.test/", { timeoutMs: 10_000 }), {
      lookup,
    });
    expect(result.errorKind).toBe(CheckErrorKind.DNS);
    expect(result.error).toBe("DNS lookup failed for quiet.test (ETIMEOUT)");
    expect(result.timing?.totalMs).toBeLessThan(5000);
  });
});
