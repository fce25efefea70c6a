import { describe, expect, it } from "vitest";
import { type MonitorFacts, monitorState, pageBanner } from "./page-status.js";

const up: MonitorFacts = {
  enabled: true,
  lastUp: true,
  inMaintenance: false,
  incidentImpact: "none",
};

describe("monitorState", () => {
  it.each([
    ["up", up, "up"],
    ["down", { ...up, lastUp: false }, "down"],
    ["never checked", { ...up, lastUp: null }, "no_data"],
    ["paused, even if its last check failed", { ...up, enabled: false, lastUp: false }, "paused"],
    ["failing during maintenance", { ...up, lastUp: false, inMaintenance: true }, "maintenance"],
    ["up under a degrading incident", { ...up, incidentImpact: "degraded" }, "degraded"],
    ["up under a major incident", { ...up, incidentImpact: "major_outage" }, "major_outage"],
    ["down under a minor incident", { ...up, lastUp: false, incidentImpact: "degraded" }, "down"],
  ] as const)("says a monitor %s is %s", (_, facts, expected) => {
    expect(monitorState(facts)).toBe(expected);
  });
});

describe("pageBanner", () => {
  it("is operational when every checked monitor is up", () => {
    expect(pageBanner(["up", "up", "no_data", "paused"], [], false)).toBe("operational");
  });
  it("is a partial outage when some monitors are down", () => {
    expect(pageBanner(["up", "down", "up"], [], false)).toBe("partial_outage");
  });
  it("is a major outage when every checked monitor is down", () => {
    expect(pageBanner(["down", "down", "paused"], [], false)).toBe("major_outage");
  });
  it("rises to an open incident's impact", () => {
    expect(pageBanner(["up"], ["degraded"], false)).toBe("degraded");
    expect(pageBanner(["up"], ["major_outage", "degraded"], false)).toBe("major_outage");
  });
  it("stays operational under an incident without impact", () => {
    expect(pageBanner(["up"], ["none"], false)).toBe("operational");
  });
  it("is under maintenance when a window runs and nothing is worse", () => {
    expect(pageBanner(["maintenance", "up"], [], false)).toBe("maintenance");
    expect(pageBanner(["up"], [], true)).toBe("maintenance");
    expect(pageBanner(["maintenance", "down"], [], true)).toBe("major_outage");
  });
  it("is operational for a page without monitors", () => {
    expect(pageBanner([], [], false)).toBe("operational");
  });
});
