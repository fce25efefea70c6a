import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { problemOf } from "./errors";

describe("problemOf", () => {
  it("names the field of a validation error", () => {
    expect(
      problemOf(
        new ConnectError(
          "monitor.intervalSeconds must be between 10 and 86400",
          Code.InvalidArgument,
        ),
      ),
    ).toEqual({
      code: Code.InvalidArgument,
      message: "monitor.intervalSeconds must be between 10 and 86400",
      field: "monitor.intervalSeconds",
    });
  });

  it("keeps a quota or rate refusal in the server's words, about no field", () => {
    const quota =
      "this organization has reached its limit of 50 alert channels (PULSAR_ORG_MAX_CHANNELS); remove some first";
    expect(problemOf(new ConnectError(quota, Code.ResourceExhausted))).toEqual({
      code: Code.ResourceExhausted,
      message: quota,
      field: undefined,
    });
  });

  it("says what a proxy's bare HTTP status means", () => {
    const bare = (status: number, headers?: HeadersInit) =>
      problemOf(new ConnectError(`HTTP ${status}`, Code.Unknown, new Headers(headers))).message;
    expect(bare(413)).toBe("The request is larger than the server accepts.");
    expect(bare(429, { "retry-after": "30" })).toBe("Too many requests; try again in 30 s.");
    expect(bare(429)).toBe("Too many requests; try again shortly.");
    expect(bare(502)).toBe("The server is not answering; try again shortly.");
    expect(bare(418)).toBe("The server refused the request (HTTP 418) without saying why.");
  });

  it("leaves a server message that merely mentions a status alone", () => {
    const message = "Test failed (HTTP 404): Unknown Webhook";
    expect(problemOf(new ConnectError(message, Code.FailedPrecondition)).message).toBe(message);
  });
});
