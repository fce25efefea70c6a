import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { MonitorSchema } from "../../../../gen/pulsar/v1/monitor_pb";
import { fieldOfPath, NEW_MONITOR, specOf } from "./form-values";

describe("fieldOfPath", () => {
  it("finds the form field a server error names", () => {
    expect(fieldOfPath("monitor.intervalSeconds")).toBe("interval");
    expect(fieldOfPath("monitor.timeoutMs")).toBe("timeout");
    expect(fieldOfPath("monitor.expectedStatus[1].max")).toBe("expectedStatus");
    expect(fieldOfPath("monitor.invertKeyword")).toBe("keyword");
    expect(fieldOfPath("monitor.recoveryConfirmations")).toBe("recoveryConfirmations");
    expect(fieldOfPath("monitor.alertChannelIds[0]")).toBe("alertChannelIds");
  });

  it("leaves fields the form does not show to the form-wide error", () => {
    expect(fieldOfPath("monitor.headers")).toBeUndefined();
    expect(fieldOfPath("monitor.urlish")).toBeUndefined();
    expect(fieldOfPath(undefined)).toBeUndefined();
  });
});

describe("specOf", () => {
  it("stops on numbers the form cannot send and on unreadable status ranges", () => {
    expect(
      specOf({ ...NEW_MONITOR, interval: "1.5", timeout: "abc", expectedStatus: "2oo" }),
    ).toEqual({
      errors: {
        interval: "Enter a whole number of seconds",
        timeout: "Enter a whole number of milliseconds",
        expectedStatus: expect.stringContaining('"2oo"'),
      },
    });
  });

  it("leaves blank numbers and keyword to the server's defaults", () => {
    const built = specOf({ ...NEW_MONITOR, interval: "", timeout: " ", keyword: "" });
    if (!("spec" in built)) throw new Error("expected a spec");
    expect(built.spec.intervalSeconds).toBeUndefined();
    expect(built.spec.timeoutMs).toBeUndefined();
    expect(built.spec.keyword).toBeUndefined();
  });

  it("stops on confirmations and reminders that are not whole numbers", () => {
    expect(
      specOf({
        ...NEW_MONITOR,
        confirmations: "two",
        recoveryConfirmations: "-1",
        reminderMinutes: "5m",
      }),
    ).toEqual({
      errors: {
        confirmations: "Enter a whole number of checks",
        recoveryConfirmations: "Enter a whole number of checks",
        reminderMinutes: "Enter a whole number of minutes",
      },
    });
  });

  it("carries over what the form does not show when editing", () => {
    const base = create(MonitorSchema, {
      headers: { Authorization: "Bearer x" },
      body: "{}",
      keyword: "ok",
      invertKeyword: true,
      enabled: false,
    });
    const built = specOf({ ...NEW_MONITOR, keyword: "ok" }, base);
    if (!("spec" in built)) throw new Error("expected a spec");
    expect(built.spec.headers).toEqual({ Authorization: "Bearer x" });
    expect(built.spec.body).toBe("{}");
    expect(built.spec.invertKeyword).toBe(true);
    expect(built.spec.enabled).toBe(false);
    // Without a keyword, "invert" would be rejected by the server: it goes too.
    const cleared = specOf({ ...NEW_MONITOR, keyword: "" }, base);
    if (!("spec" in cleared)) throw new Error("expected a spec");
    expect(cleared.spec.invertKeyword).toBe(false);
  });
});
