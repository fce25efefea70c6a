import { describe, expect, it } from "vitest";
import { durationWords, monitorTargetWords } from "./monitor-target.js";

describe("monitorTargetWords", () => {
  it.each([
    [{ kind: "http", url: "https://example.com/", kindSpec: null }, "https://example.com/"],
    [
      { kind: "tcp", url: "", kindSpec: { host: "db.example.com", port: 5432 } },
      "tcp db.example.com:5432",
    ],
    [{ kind: "tcp", url: "", kindSpec: { host: "::1", port: 443, tls: true } }, "tls [::1]:443"],
    [
      {
        kind: "dns",
        url: "",
        kindSpec: { name: "example.com", recordType: "MX", server: "1.1.1.1" },
      },
      "DNS MX example.com @1.1.1.1",
    ],
    [{ kind: "dns", url: "", kindSpec: { name: "example.com" } }, "DNS A example.com"],
    [
      { kind: "heartbeat", url: "", kindSpec: { periodSeconds: 3600, graceSeconds: 300 } },
      "heartbeat every 1 h",
    ],
    [
      { kind: "heartbeat", url: "", kindSpec: { cron: "0 3 * * *", timezone: "Europe/Paris" } },
      'heartbeat on "0 3 * * *" (Europe/Paris)',
    ],
    [{ kind: "tcp", url: "", kindSpec: "not an object" }, "tcp :0"],
  ])("describes %j as %s", (facts, words) => {
    expect(monitorTargetWords(facts)).toBe(words);
  });
});

describe("durationWords", () => {
  it.each([
    [45, "45 s"],
    [300, "5 min"],
    [5400, "1 h 30 min"],
    [7200, "2 h"],
    [86_400 * 2, "2 d"],
    [86_400 + 7200, "1 d 2 h"],
  ])("writes %i seconds as %s", (seconds, words) => {
    expect(durationWords(seconds)).toBe(words);
  });
});
