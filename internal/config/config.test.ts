import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, requireDatabaseUrl } from "./config.js";

describe("loadConfig", () => {
  it("applies the documented defaults to an empty environment", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      REDIS_URL: "redis://127.0.0.1:6379",
      PORT: 8080,
      CHECK_CONCURRENCY: 100,
      REGION: "local",
      RETENTION_DAYS: 90,
      SAMPLE_INTERVAL_MS: 2000,
      HOST_RETENTION_DAYS: 30,
      PULSAR_BLOCK_PRIVATE_TARGETS: false,
      QUEUE_PREFIX: "pulsar",
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("reads values from the environment and ignores empty ones", () => {
    const config = loadConfig({
      PORT: "9090",
      CHECK_CONCURRENCY: "",
      PULSAR_BLOCK_PRIVATE_TARGETS: "true",
    });
    expect(config.PORT).toBe(9090);
    expect(config.CHECK_CONCURRENCY).toBe(100);
    expect(config.PULSAR_BLOCK_PRIVATE_TARGETS).toBe(true);
  });

  it.each([
    ["PORT", "http"],
    ["CHECK_CONCURRENCY", "0"],
    ["REGION", "Not A Region"],
    ["REDIS_URL", "not a url"],
    ["SAMPLE_INTERVAL_MS", "10"],
    ["PULSAR_BLOCK_PRIVATE_TARGETS", "yes"],
    ["LOG_LEVEL", "loud"],
  ])("stops on a bad %s with a message naming it", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(
      new RegExp(`${name}: .*\\(got "${value}"\\)`),
    );
  });

  it("says how to set DATABASE_URL when a process needs it", () => {
    expect(() => requireDatabaseUrl(loadConfig({}))).toThrow(/DATABASE_URL is required/);
    expect(requireDatabaseUrl(loadConfig({ DATABASE_URL: "postgres://x@h/db" }))).toBe(
      "postgres://x@h/db",
    );
  });
});
