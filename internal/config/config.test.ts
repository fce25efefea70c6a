import { describe, expect, it } from "vitest";
import { ConfigError, dnsServers, loadConfig, requireDatabaseUrl } from "./config.js";

describe("loadConfig", () => {
  it("applies the documented defaults to an empty environment", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      REDIS_URL: "redis://127.0.0.1:6379",
      PORT: 8080,
      CHECK_CONCURRENCY: 100,
      REGION: "local",
      DEFAULT_REGION: "local",
      RETENTION_DAYS: 90,
      SAMPLE_INTERVAL_MS: 2000,
      HOST_RETENTION_DAYS: 30,
      PULSAR_BLOCK_PRIVATE_TARGETS: false,
      PULSAR_SIGNUP: "closed",
      QUEUE_PREFIX: "pulsar",
      PROBE_LEASE_MS: 30_000,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("takes the process's REGION as DEFAULT_REGION unless it is set", () => {
    expect(loadConfig({ REGION: "eu-west" }).DEFAULT_REGION).toBe("eu-west");
    expect(loadConfig({ REGION: "eu-west", DEFAULT_REGION: "us-east" }).DEFAULT_REGION).toBe(
      "us-east",
    );
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
    ["DEFAULT_REGION", "eu west"],
    ["REDIS_URL", "not a url"],
    ["SAMPLE_INTERVAL_MS", "10"],
    ["PULSAR_BLOCK_PRIVATE_TARGETS", "yes"],
    ["PULSAR_SIGNUP", "invite-only"],
    ["PULSAR_MAX_REQUEST_BYTES", "10"],
    ["PULSAR_ORG_MAX_MONITORS", "0"],
    ["CHECK_ORG_MAX_INFLIGHT", "-1"],
    ["PROBE_LEASE_MS", "999"],
    ["PROBE_LEASE_MS", "600001"],
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
    expect(loadConfig({})).toMatchObject({ PULSAR_SIGNUP: "closed", PULSAR_SHARED_HOSTS: true });
  });

  it("blocks private targets and caps each organization's checks by default only with open sign-up", () => {
    expect(loadConfig({})).toMatchObject({
      PULSAR_BLOCK_PRIVATE_TARGETS: false,
      CHECK_ORG_MAX_INFLIGHT: 100,
      warnings: [],
    });
    expect(loadConfig({ PULSAR_SIGNUP: "open" })).toMatchObject({
      PULSAR_BLOCK_PRIVATE_TARGETS: true,
      CHECK_ORG_MAX_INFLIGHT: 25,
      warnings: [],
    });
    expect(
      loadConfig({ PULSAR_SIGNUP: "open", CHECK_CONCURRENCY: "10", CHECK_ORG_MAX_INFLIGHT: "7" }),
    ).toMatchObject({ CHECK_ORG_MAX_INFLIGHT: 7 });
    expect(
      loadConfig({ PULSAR_SIGNUP: "closed", PULSAR_BLOCK_PRIVATE_TARGETS: "true" }),
    ).toMatchObject({ PULSAR_BLOCK_PRIVATE_TARGETS: true });
  });

  it("allows an explicit PULSAR_BLOCK_PRIVATE_TARGETS=false with open sign-up, with a warning", () => {
    const config = loadConfig({ PULSAR_SIGNUP: "open", PULSAR_BLOCK_PRIVATE_TARGETS: "false" });
    expect(config.PULSAR_BLOCK_PRIVATE_TARGETS).toBe(false);
    expect(config.warnings).toEqual([
      expect.stringMatching(/^PULSAR_BLOCK_PRIVATE_TARGETS=false with PULSAR_SIGNUP=open: /),
    ]);
  });

  it("reads CHECK_DNS_SERVERS as host[:port] entries", () => {
    const config = loadConfig({ CHECK_DNS_SERVERS: "127.0.0.1:5353, 1.1.1.1,[::1]:53,dns.local" });
    expect(dnsServers(config)).toEqual(["127.0.0.1:5353", "1.1.1.1", "[::1]:53", "dns.local"]);
    expect(dnsServers(loadConfig({}))).toBeUndefined();
    for (const bad of ["127.0.0.1:53:53", "a,,b", "[::1", "has space"]) {
      expect(() => loadConfig({ CHECK_DNS_SERVERS: bad }), bad).toThrow(/CHECK_DNS_SERVERS: /);
    }
  });

  it("applies the documented request bound and quotas", () => {
    expect(loadConfig({})).toMatchObject({
      PULSAR_MAX_REQUEST_BYTES: 262_144,
      PULSAR_ORG_MAX_MONITORS: 10_000,
      PULSAR_ORG_MAX_HOSTS: 1000,
      ALERT_ORG_MAX_INFLIGHT: 3,
    });
  });

  it("says how to set DATABASE_URL when a process needs it", () => {
    expect(() => requireDatabaseUrl(loadConfig({}))).toThrow(/DATABASE_URL is required/);
    expect(requireDatabaseUrl(loadConfig({ DATABASE_URL: "postgres://x@h/db" }))).toBe(
      "postgres://x@h/db",
    );
  });
});
