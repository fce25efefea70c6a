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
    ["PULSAR_SIGNUP", "invite-only"],
    ["PULSAR_SHARED_HOSTS", "1"],
    ["PUBLIC_URL", "ftp://pulsar.example.com"],
    ["LOG_LEVEL", "loud"],
  ])("stops on a bad %s with a message naming it", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(
      new RegExp(`${name}: .*\\(got "${value}"\\)`),
    );
  });

  it("names a bad secret without repeating it", () => {
    const load = () => loadConfig({ PULSAR_WORKER_TOKEN: "pulsar_api_notaworkertoken" });
    expect(load).toThrow(/PULSAR_WORKER_TOKEN: a worker token/);
    expect(load).not.toThrow(/notaworkertoken/);
  });

  it("reads the accounts and alerts settings", () => {
    const config = loadConfig({
      PULSAR_SIGNUP: "closed",
      PULSAR_SHARED_HOSTS: "false",
      PUBLIC_URL: "https://pulsar.example.com",
    });
    expect(config).toMatchObject({
      PULSAR_SIGNUP: "closed",
      PULSAR_SHARED_HOSTS: false,
      PUBLIC_URL: "https://pulsar.example.com",
    });
    expect(loadConfig({})).toMatchObject({ PULSAR_SIGNUP: "open", PULSAR_SHARED_HOSTS: true });
  });

  it("says how to set DATABASE_URL when a process needs it", () => {
    expect(() => requireDatabaseUrl(loadConfig({}))).toThrow(/DATABASE_URL is required/);
    expect(requireDatabaseUrl(loadConfig({ DATABASE_URL: "postgres://x@h/db" }))).toBe(
      "postgres://x@h/db",
    );
  });
});
