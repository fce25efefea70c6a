import http from "node:http";
import net, { type AddressInfo, type LookupFunction } from "node:net";
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertEventSchema, AlertKind } from "../../gen/pulsar/v1/alert_pb.js";
import { eventually } from "../../test/support/eventually.js";
import { startHttpTarget, type TestTarget } from "../../test/support/targets.js";
import { sendToChannel } from "../alerts/delivery/send.js";
import {
  type AddressPolicy,
  BlockedAddressError,
  blockedReason,
  policyFor,
} from "./address-policy.js";
import { connectedAddress, createGuardedFetch, type GuardedFetch } from "./guarded-fetch.js";

let target: TestTarget;
let guarded: GuardedFetch;
let open: GuardedFetch;
// PULSAR_BLOCK_PRIVATE_TARGETS=false: the LAN is reachable, metadata addresses never are.
let lan: GuardedFetch;

/** fakeDns resolves the given names (asynchronously, as getaddrinfo would) and no others. */
function fakeDns(names: Record<string, string>): LookupFunction {
  return (hostname, options, callback) => {
    process.nextTick(() => {
      const address = names[hostname];
      if (address === undefined) {
        const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
          code: "ENOTFOUND",
        });
        callback(error, "", 0);
      } else if (options.all === true) {
        callback(null, [{ address, family: net.isIP(address) }]);
      } else {
        callback(null, address, net.isIP(address));
      }
    });
  };
}

beforeAll(async () => {
  target = await startHttpTarget();
  guarded = createGuardedFetch(blockedReason);
  // The same machinery with a policy that refuses nothing: what the guard alone changes.
  open = createGuardedFetch(() => undefined);
  lan = createGuardedFetch(policyFor(false), {
    lookup: fakeDns({ "metadata.test": "169.254.169.254", "lan.test": "127.0.0.1" }),
  });
});

afterAll(async () => {
  await Promise.all([guarded.close(), open.close(), lan.close()]);
  await target.close();
});

const causeOf = async (request: Promise<unknown>) => {
  try {
    await request;
  } catch (error) {
    return (error as Error).cause;
  }
  throw new Error("expected the fetch to fail");
};

describe("guarded fetch", () => {
  it("refuses an IP literal and a name that resolves to loopback, before connecting", async () => {
    const literal = await causeOf(guarded.fetch(`${target.url}/ok`, { method: "POST" }));
    expect(literal).toBeInstanceOf(BlockedAddressError);
    expect((literal as BlockedAddressError).address).toBe("127.0.0.1");
    const named = await causeOf(guarded.fetch(`${target.localhostUrl}/ok`));
    expect(named).toBeInstanceOf(BlockedAddressError);
    expect((named as BlockedAddressError).reason).toMatch(
      /^(127\.0\.0\.1|::1) is a loopback address$/,
    );
  });

  it("lets through what the policy allows", async () => {
    const res = await open.fetch(`${target.localhostUrl}/ok`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
  });

  it("makes an alert to a private webhook fail with the reason, sending nothing", async () => {
    const event = create(AlertEventSchema, { id: "e1", kind: AlertKind.TEST, title: "test" });
    const before = target.requestsReceived();
    const outcome = await sendToChannel(
      { kind: "webhook", url: `${target.url}/echo`, secret: "0123456789abcdef" },
      event,
      { fetch: guarded.fetch },
    );
    expect(outcome).toEqual({
      delivered: false,
      statusCode: 0,
      error: `refused 127.0.0.1:${target.port}: 127.0.0.1 is a loopback address (PULSAR_BLOCK_PRIVATE_TARGETS is on)`,
    });
    expect(target.requestsReceived()).toBe(before);
  });

  it("says which address answered, and closes the connection once the body is read", async () => {
    const res = await open.fetch(`${target.url}/ok`);
    expect(connectedAddress(res)).toBe("127.0.0.1");
    expect(await res.text()).toBe("ok");
    const named = await open.fetch(`${target.localhostUrl}/ok`);
    expect(connectedAddress(named)).toMatch(/^(127\.0\.0\.1|::1)$/);
    await named.body?.cancel();
    await eventually(async () => (await target.openConnections()) === 0, {
      what: "the target to see every connection closed",
    });
    // Any other fetch's response has no known address.
    const plain = await fetch(`${target.url}/ok`);
    expect(connectedAddress(plain as Response)).toBeUndefined();
    await plain.text();
  });

  it("destroys a socket whose remote address is refused at connect, before writing", async () => {
    // Allows the literal when it is first judged, refuses the socket's address after.
    let calls = 0;
    const changesItsMind: AddressPolicy = (address) =>
      ++calls > 1 ? `${address} was refused at connect` : undefined;
    const fickle = createGuardedFetch(changesItsMind);
    try {
      const before = target.requestsReceived();
      const cause = await causeOf(fickle.fetch(`${target.url}/ok`));
      expect(cause).toBeInstanceOf(BlockedAddressError);
      expect((cause as BlockedAddressError).reason).toBe("127.0.0.1 was refused at connect");
      expect(target.requestsReceived()).toBe(before);
    } finally {
      await fickle.close();
    }
  });
});

describe("a guarded fetch with private targets allowed", () => {
  it("reaches loopback and a name resolving to it", async () => {
    expect((await lan.fetch(`${target.url}/ok`)).status).toBe(200);
    const named = await lan.fetch(`http://lan.test:${target.port}/ok`);
    expect(await named.text()).toBe("ok");
  });

  it.each([
    ["http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"],
    ["http://[fd00:ec2::254]/latest/", "fd00:ec2::254 is a cloud metadata address (AWS)"],
    ["http://100.100.100.200/latest/", "100.100.100.200 is a cloud metadata address"],
    ["http://[::ffff:169.254.169.254]/", "IPv4-mapped form of 169.254.169.254"],
    ["http://2852039166/", "169.254.169.254 is a link-local address"],
    ["http://metadata.test/computeMetadata/v1/", "169.254.169.254 is a link-local address"],
  ])("never reaches %s", async (url, reason) => {
    const cause = await causeOf(lan.fetch(url, { signal: AbortSignal.timeout(5000) }));
    expect(cause).toBeInstanceOf(BlockedAddressError);
    expect((cause as BlockedAddressError).reason).toContain(reason);
  });

  it("does not follow a redirect to a metadata address", async () => {
    const cause = await causeOf(
      lan.fetch(`${target.url}/redirect?to=http://169.254.169.254/latest/meta-data/`),
    );
    expect(cause).toBeInstanceOf(BlockedAddressError);
    expect((cause as BlockedAddressError).address).toBe("169.254.169.254");
  });

  it("refuses a name whose answer mixes a LAN address with a metadata one", async () => {
    const mixed: LookupFunction = (_hostname, _options, callback) =>
      process.nextTick(() =>
        (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
          { address: "127.0.0.1", family: 4 },
          { address: "169.254.169.254", family: 4 },
        ]),
      );
    const server = http.createServer((_req, res) => res.end("reached"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const rebinding = createGuardedFetch(policyFor(false), { lookup: mixed });
    try {
      const port = (server.address() as AddressInfo).port;
      const cause = await causeOf(rebinding.fetch(`http://rebind.test:${port}/`));
      expect((cause as BlockedAddressError).address).toBe("169.254.169.254");
    } finally {
      await rebinding.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
