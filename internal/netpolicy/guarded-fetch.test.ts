import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertEventSchema, AlertKind } from "../../gen/pulsar/v1/alert_pb.js";
import { startHttpTarget, type TestTarget } from "../../test/support/targets.js";
import { sendToChannel } from "../alerts/send.js";
import { BlockedAddressError, blockedReason } from "./address-policy.js";
import { createGuardedFetch, type GuardedFetch } from "./guarded-fetch.js";

let target: TestTarget;
let guarded: GuardedFetch;
let open: GuardedFetch;

beforeAll(async () => {
  target = await startHttpTarget();
  guarded = createGuardedFetch(blockedReason);
  // The same machinery with a policy that refuses nothing: what the guard alone changes.
  open = createGuardedFetch(() => undefined);
});

afterAll(async () => {
  await guarded.close();
  await open.close();
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
    const outcome = await sendToChannel(
      { kind: "webhook", url: `${target.url}/echo`, secret: "0123456789abcdef" },
      event,
      { fetch: guarded.fetch },
    );
    expect(outcome).toEqual({
      delivered: false,
      statusCode: 0,
      error: `refused 127.0.0.1:${target.port}: 127.0.0.1 is a loopback address (PULSAR_BLOCK_PRIVATE_TARGETS)`,
    });
  });
});
