import { describe, expect, it } from "vitest";
import { ConfigError } from "../config/parse-environment.js";
import { loadProbeConfig, PROBE_CONFIG_VARIABLES, probeDnsServers } from "./config.js";

const token = `pulsar_probe_${"a".repeat(43)}`;
const required = { PULSAR_URL: "https://pulsar.example.com", PULSAR_PROBE_TOKEN: token };

describe("the probe's configuration", () => {
  it("needs only PULSAR_URL and PULSAR_PROBE_TOKEN; the rest has defaults", () => {
    const config = loadProbeConfig(required);
    expect(config).toMatchObject({
      ...required,
      REGION: "",
      PROBE_CONCURRENCY: 100,
      PROBE_BUFFER_MAX: 50_000,
      PULSAR_BLOCK_PRIVATE_TARGETS: true,
      LOG_LEVEL: "info",
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(probeDnsServers(config)).toBeUndefined();
    expect(PROBE_CONFIG_VARIABLES).toEqual(
      expect.arrayContaining(["PULSAR_PROBE_TOKEN", "REGION"]),
    );
  });

  it("reads every variable it names", () => {
    const config = loadProbeConfig({
      ...required,
      REGION: "eu-west",
      PROBE_CONCURRENCY: "20",
      PROBE_BUFFER_MAX: "1000",
      PULSAR_BLOCK_PRIVATE_TARGETS: "false",
      CHECK_DNS_SERVERS: "1.1.1.1, [::1]:53",
      LOG_LEVEL: "debug",
    });
    expect(config).toMatchObject({
      REGION: "eu-west",
      PROBE_CONCURRENCY: 20,
      PROBE_BUFFER_MAX: 1000,
      PULSAR_BLOCK_PRIVATE_TARGETS: false,
      LOG_LEVEL: "debug",
    });
    expect(probeDnsServers(config)).toEqual(["1.1.1.1", "[::1]:53"]);
  });

  it("names every missing variable", () => {
    const attempt = () => loadProbeConfig({});
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PULSAR_URL: is required/);
    expect(attempt).toThrow(/PULSAR_PROBE_TOKEN: is required/);
  });

  it.each([
    ["PULSAR_URL", "ftp://pulsar.example.com"],
    ["PULSAR_URL", "not a url"],
    ["PULSAR_PROBE_TOKEN", `pulsar_agent_${"a".repeat(43)}`],
    ["REGION", "EU West"],
    ["PROBE_CONCURRENCY", "0"],
    ["PROBE_CONCURRENCY", "many"],
    ["PROBE_BUFFER_MAX", "10"],
    ["PULSAR_BLOCK_PRIVATE_TARGETS", "yes"],
    ["CHECK_DNS_SERVERS", "8.8.8.8:123456"],
    ["LOG_LEVEL", "verbose"],
  ])("stops on a bad %s (%j) with a line naming it", (name, value) => {
    const attempt = () => loadProbeConfig({ ...required, [name]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(new RegExp(`\\b${name}: `));
  });

  it("never echoes a token, even a malformed one", () => {
    const secret = `pulsar_probe_${"s".repeat(40)}`;
    expect(() => loadProbeConfig({ ...required, PULSAR_PROBE_TOKEN: secret })).toThrow(
      /PULSAR_PROBE_TOKEN: .*\(got 53 characters\)/,
    );
    try {
      loadProbeConfig({ ...required, PULSAR_PROBE_TOKEN: secret });
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
    }
  });
});
