import http from "node:http";
import net, { type AddressInfo, type LookupFunction } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckErrorKind } from "../../../gen/pulsar/v1/check_pb.js";
import {
  checkTarget,
  startHttpsTarget,
  startHttpTarget,
  type TestTarget,
} from "../../../test/support/targets.js";
import type { AddressPolicy } from "../../netpolicy/address-policy.js";
import { runCheck } from "./run-check.js";

/**
 * Every local target is loopback, hence blocked by the real policy, which is what makes the
 * real policy testable. Redirects from an allowed hop need a second address: Linux routes all
 * of 127/8 to lo, so target B listens on 127.0.0.2 and a test policy refuses only that.
 */
const B_ADDRESS = "127.0.0.2";
const onlyB: AddressPolicy = (address) =>
  address === B_ADDRESS ? `${address} is refused by the test policy` : undefined;

let a: TestTarget;
let tls: TestTarget;
let b: http.Server;
let bPort = 0;
let bRequests = 0;
let bConnections = 0;

beforeAll(async () => {
  a = await startHttpTarget();
  tls = await startHttpsTarget();
  b = http.createServer((_req, res) => {
    bRequests += 1;
    res.end("ok");
  });
  b.on("connection", () => {
    bConnections += 1;
  });
  await new Promise<void>((resolve) => b.listen(0, B_ADDRESS, resolve));
  bPort = (b.address() as AddressInfo).port;
});

afterAll(async () => {
  await Promise.all([a.close(), tls.close()]);
  b.closeAllConnections();
  await new Promise((resolve) => b.close(resolve));
});

/** fakeDns resolves the given names (as getaddrinfo would, asynchronously) and no others. */
function fakeDns(names: Record<string, string>): LookupFunction {
  return (hostname, options, callback) => {
    process.nextTick(() => {
      const address = names[hostname];
      if (address === undefined) {
        const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
          code: "ENOTFOUND",
        });
        callback(err, "", 0);
      } else if (options.all === true) {
        callback(null, [{ address, family: net.isIP(address) }]);
      } else {
        callback(null, address, net.isIP(address));
      }
    });
  };
}

/**
 * countingB runs `check` and returns its result with what B saw meanwhile: TCP connections
 * (none at all when the address was judged before connecting) and HTTP requests.
 */
async function countingB<T>(
  check: () => Promise<T>,
): Promise<[T, { connections: number; requests: number }]> {
  const [connections, requests] = [bConnections, bRequests];
  const result = await check();
  return [result, { connections: bConnections - connections, requests: bRequests - requests }];
}

describe("with PULSAR_BLOCK_PRIVATE_TARGETS on", () => {
  it("marks a check of a loopback IP literal down as blocked without sending a byte", async () => {
    const before = a.requestsReceived();
    const result = await runCheck(checkTarget(`${a.url}/ok`), { blockPrivateTargets: true });
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.BLOCKED);
    expect(result.error).toBe(
      "blocked: 127.0.0.1 is a loopback address (PULSAR_BLOCK_PRIVATE_TARGETS is on)",
    );
    expect(a.requestsReceived()).toBe(before);
  });

  it("checks the same target normally when blocking is off", async () => {
    const before = a.requestsReceived();
    const result = await runCheck(checkTarget(`${a.url}/ok`), { blockPrivateTargets: false });
    expect(result.up).toBe(true);
    expect(a.requestsReceived()).toBe(before + 1);
  });

  it("blocks a name that resolves to loopback when it connects", async () => {
    const before = a.requestsReceived();
    const result = await runCheck(checkTarget(`${a.localhostUrl}/ok`), {
      blockPrivateTargets: true,
    });
    expect(result.errorKind).toBe(CheckErrorKind.BLOCKED);
    expect(result.error).toMatch(
      /^blocked: localhost resolves to (127\.0\.0\.1|::1); \S+ is a loopback address \(PULSAR_BLOCK_PRIVATE_TARGETS is on\)$/,
    );
    expect(a.requestsReceived()).toBe(before);
  });

  it("blocks a made-up public name whose DNS answer is inside", async () => {
    const before = a.requestsReceived();
    const result = await runCheck(checkTarget(`http://status.example.test:${a.port}/ok`), {
      blockPrivateTargets: true,
      lookup: fakeDns({ "status.example.test": "127.0.0.1" }),
    });
    expect(result.errorKind).toBe(CheckErrorKind.BLOCKED);
    expect(result.error).toContain("status.example.test resolves to 127.0.0.1");
    expect(a.requestsReceived()).toBe(before);
  });

  it("blocks IPv6 loopback and IPv4-mapped loopback literals", async () => {
    for (const host of ["[::1]", "[::ffff:127.0.0.1]"]) {
      const before = a.requestsReceived();
      const result = await runCheck(checkTarget(`http://${host}:${a.port}/ok`), {
        blockPrivateTargets: true,
      });
      expect(result.errorKind, host).toBe(CheckErrorKind.BLOCKED);
      expect(result.error, host).toContain("loopback address");
      expect(a.requestsReceived(), host).toBe(before);
    }
  });

  it("blocks an HTTPS target before any handshake", async () => {
    const result = await runCheck(checkTarget(`${tls.url}/ok`), { blockPrivateTargets: true });
    expect(result.errorKind).toBe(CheckErrorKind.BLOCKED);
    expect(result.tlsCertIssuer).toBe("");
    expect(tls.requestsReceived()).toBe(0);
  });
});

describe("redirect hops", () => {
  it("follows a redirect to B when nothing is blocked (the control)", async () => {
    const target = checkTarget(`${a.url}/redirect?to=http://${B_ADDRESS}:${bPort}/ok`, {
      followRedirects: true,
    });
    const [result, received] = await countingB(() => runCheck(target));
    expect(result.up).toBe(true);
    expect(result.redirectCount).toBe(1);
    expect(received).toEqual({ connections: 1, requests: 1 });
  });

  it("blocks a redirect from an allowed hop to a refused address on that hop", async () => {
    const target = checkTarget(`${a.url}/redirect?to=http://${B_ADDRESS}:${bPort}/ok`, {
      followRedirects: true,
    });
    const [result, received] = await countingB(() => runCheck(target, { addressPolicy: onlyB }));
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.BLOCKED);
    expect(result.redirectCount).toBe(1);
    expect(result.error).toContain("127.0.0.2 is refused by the test policy");
    expect(received).toEqual({ connections: 0, requests: 0 });
  });

  it("blocks a redirect to a name that resolves to a refused address", async () => {
    const target = checkTarget(`${a.url}/redirect?to=http://inside.test:${bPort}/ok`, {
      followRedirects: true,
    });
    const [result, received] = await countingB(() =>
      runCheck(target, { addressPolicy: onlyB, lookup: fakeDns({ "inside.test": B_ADDRESS }) }),
    );
    expect(result.errorKind).toBe(CheckErrorKind.BLOCKED);
    expect(result.error).toContain("inside.test resolves to 127.0.0.2");
    expect(received).toEqual({ connections: 0, requests: 0 });
  });
});

describe("the connect-time guard", () => {
  /** Allows its first judgement and refuses the rest: the literal passes, the socket not. */
  function changesItsMind(): AddressPolicy {
    let calls = 0;
    return (address) => (++calls > 1 ? `${address} was refused at connect` : undefined);
  }

  it.each([
    ["http", () => a],
    ["https", () => tls],
  ])(
    "destroys an %s socket whose remote address is refused before a request is written",
    async (_scheme, which) => {
      const target = which();
      const before = target.requestsReceived();
      const result = await runCheck(checkTarget(`${target.url}/ok`, { ignoreTlsErrors: true }), {
        addressPolicy: changesItsMind(),
      });
      expect(result.errorKind).toBe(CheckErrorKind.BLOCKED);
      expect(result.error).toContain("127.0.0.1 was refused at connect");
      expect(result.remoteAddress).toBe("127.0.0.1");
      expect(target.requestsReceived()).toBe(before);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await target.openConnections()).toBe(0);
    },
  );
});

describe("with PULSAR_BLOCK_PRIVATE_TARGETS off", () => {
  const off = { blockPrivateTargets: false };

  it.each([
    ["http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"],
    ["http://[fd00:ec2::254]/latest/meta-data/", "fd00:ec2::254 is a cloud metadata address (AWS)"],
    ["http://100.100.100.200/latest/meta-data/", "100.100.100.200 is a cloud metadata address"],
    ["http://[::ffff:169.254.169.254]/", "IPv4-mapped form of 169.254.169.254"],
    ["http://2852039166/", "169.254.169.254 is a link-local address"],
  ])("still refuses %s, before any socket", async (url, reason) => {
    const started = Date.now();
    const result = await runCheck(checkTarget(url), off);
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.BLOCKED);
    expect(result.error).toContain(reason);
    expect(result.error).toMatch(/; such addresses are never reached, whatever the settings$/);
    expect(result.error).not.toContain("PULSAR_BLOCK_PRIVATE_TARGETS");
    expect(result.remoteAddress).toBe("");
    // Refused, not timed out trying to reach a host that is not there.
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it("refuses a name that resolves to the metadata address", async () => {
    const result = await runCheck(checkTarget("http://metadata.test/computeMetadata/v1/"), {
      ...off,
      lookup: fakeDns({ "metadata.test": "169.254.169.254" }),
    });
    expect(result.errorKind).toBe(CheckErrorKind.BLOCKED);
    expect(result.error).toContain("metadata.test resolves to 169.254.169.254");
  });

  it("follows a redirect on loopback but refuses one to the metadata address", async () => {
    const before = a.requestsReceived();
    const [result, received] = await countingB(() =>
      runCheck(
        checkTarget(`${a.url}/redirect?to=http://169.254.169.254/latest/meta-data/`, {
          followRedirects: true,
        }),
        off,
      ),
    );
    expect(result.errorKind).toBe(CheckErrorKind.BLOCKED);
    expect(result.redirectCount).toBe(1);
    expect(result.error).toContain("169.254.169.254 is a link-local address");
    expect(a.requestsReceived()).toBe(before + 1);
    expect(received).toEqual({ connections: 0, requests: 0 });

    const named = await runCheck(
      checkTarget(`${a.url}/redirect?to=http://metadata.test/`, { followRedirects: true }),
      { ...off, lookup: fakeDns({ "metadata.test": "169.254.169.254" }) },
    );
    expect(named.errorKind).toBe(CheckErrorKind.BLOCKED);
    expect(named.error).toContain("metadata.test resolves to 169.254.169.254");
  });

  it("still checks loopback, and a redirect from it to another loopback address", async () => {
    expect((await runCheck(checkTarget(`${a.url}/ok`), off)).up).toBe(true);
    const [result, received] = await countingB(() =>
      runCheck(
        checkTarget(`${a.url}/redirect?to=http://${B_ADDRESS}:${bPort}/ok`, {
          followRedirects: true,
        }),
        off,
      ),
    );
    expect(result.up).toBe(true);
    expect(received).toEqual({ connections: 1, requests: 1 });
  });
});

describe("what a private target answers", () => {
  const MARKER = "pulsar-private-marker-51c7";
  let server: net.Server;
  let port = 0;

  beforeAll(async () => {
    // Raw HTTP, so the marker can sit anywhere in the answer: body, reason phrase, or bytes
    // that are not HTTP at all.
    server = net.createServer((socket) => {
      socket.once("data", (request) => {
        const path = /^GET (\S+)/.exec(request.toString("latin1"))?.[1] ?? "/";
        const body = `internal error: ${MARKER}\n`;
        if (path === "/garbage") {
          socket.end(`${MARKER} ${MARKER}\r\n\r\n`);
        } else if (path === "/bad-header") {
          socket.end(`HTTP/1.1 200 OK\r\nX-Secret: ${MARKER}\u0001\r\ncontent-length: 0\r\n\r\n`);
        } else {
          const status = path === "/ok-page" ? `200 OK ${MARKER}` : `500 ${MARKER}`;
          socket.end(
            `HTTP/1.1 ${status}\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
          );
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("never shows up in a check's error, whatever part of the answer carries it", async () => {
    const targets = [
      checkTarget(`http://127.0.0.1:${port}/error`),
      checkTarget(`http://127.0.0.1:${port}/ok-page`, { keyword: "status page is green" }),
      checkTarget(`http://127.0.0.1:${port}/ok-page`, { keyword: "internal", invertKeyword: true }),
      checkTarget(`http://127.0.0.1:${port}/garbage`),
      checkTarget(`http://127.0.0.1:${port}/bad-header`),
    ];
    const kinds: CheckErrorKind[] = [];
    for (const target of targets) {
      const result = await runCheck(target, { blockPrivateTargets: false });
      expect(result.up, target.url).toBe(false);
      expect(result.error, target.url).not.toBe("");
      expect(result.error, target.url).not.toContain(MARKER);
      kinds.push(result.errorKind);
    }
    expect(kinds.slice(0, 3)).toEqual([
      CheckErrorKind.STATUS,
      CheckErrorKind.KEYWORD,
      CheckErrorKind.KEYWORD,
    ]);
  });
});
