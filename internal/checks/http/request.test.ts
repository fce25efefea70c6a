import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { CheckErrorKind, CheckTargetSchema } from "../../../gen/pulsar/v1/check_pb.js";
import type { Failure } from "./errors.js";
import {
  firstRequest,
  type HopRequest,
  isFailure,
  redirectRequest,
  USER_AGENT,
  userAgentOf,
} from "./request.js";

function request(init: Parameters<typeof create<typeof CheckTargetSchema>>[1]): HopRequest {
  const built = firstRequest(create(CheckTargetSchema, init));
  if (isFailure(built)) throw new Error(built.error);
  return built;
}

function next(prev: HopRequest, status: number, location: string): HopRequest {
  const built = redirectRequest(prev, status, location);
  if (isFailure(built)) throw new Error(built.error);
  return built;
}

const post = () =>
  request({
    url: "https://a.example/form?x=1",
    method: "post",
    body: "x=1",
    headers: { Authorization: "Bearer s3cret", "Content-Type": "text/plain" },
  });

describe("requests and redirects", () => {
  it("sends GET by default with a user-agent and accept the target does not override", () => {
    const first = request({ url: "http://a.example/", headers: { "User-Agent": "mine" } });
    expect(first.method).toBe("GET");
    expect(first.headers).toEqual(["user-agent", "mine", "accept", "*/*"]);
    expect(request({ url: "http://a.example/" }).headers).toContain(USER_AGENT);
  });

  it("sends the worker's User-Agent, naming its version and region, unless the target sets one", () => {
    const agent = userAgentOf("1.4.0", "eu-west");
    expect(agent).toBe("Pulsar/1.4.0 (+region eu-west)");
    const built = firstRequest(create(CheckTargetSchema, { url: "http://a.example/" }), agent);
    expect(isFailure(built) ? [] : built.headers).toEqual(["user-agent", agent, "accept", "*/*"]);
    const own = firstRequest(
      create(CheckTargetSchema, { url: "http://a.example/", headers: { "user-AGENT": "mine" } }),
      agent,
    );
    expect(isFailure(own) ? [] : own.headers).toEqual(["user-agent", "mine", "accept", "*/*"]);
  });

  it("resolves a relative Location against the current URL", () => {
    expect(next(post(), 307, "../b?y=2").url.href).toBe("https://a.example/b?y=2");
    expect(next(post(), 307, "//b.example/c").url.href).toBe("https://b.example/c");
  });

  it("turns POST into GET without body headers on 301, 302 and 303, keeps it on 307/308", () => {
    for (const status of [301, 302, 303]) {
      const hop = next(post(), status, "/done");
      expect(hop.method).toBe("GET");
      expect(hop.body).toBeUndefined();
      expect(hop.headers).not.toContain("content-type");
      expect(hop.headers).toContain("authorization"); // same origin: credentials stay
    }
    for (const status of [307, 308]) {
      const hop = next(post(), status, "/again");
      expect(hop.method).toBe("POST");
      expect(hop.body).toBe("x=1");
    }
    const head = request({ url: "http://a.example/", method: "HEAD" });
    expect(next(head, 303, "/x").method).toBe("HEAD");
  });

  it("drops credentials when a redirect leaves the origin", () => {
    const hop = next(post(), 307, "https://other.example/");
    expect(hop.headers).not.toContain("authorization");
    expect(hop.headers).toContain("content-type");
  });

  it("refuses locations it cannot follow", () => {
    const failure = redirectRequest(post(), 302, "ftp://a.example/file") as Failure;
    expect(failure.kind).toBe(CheckErrorKind.REDIRECT);
    expect(failure.error).toBe("redirect to unsupported URL scheme ftp:");
  });
});
