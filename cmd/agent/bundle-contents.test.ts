import { describe, expect, it } from "vitest";
import { bundleInputs } from "../../test/support/bundle-process.js";

/** ownCode lists the repository's files (not node_modules) that bundling `entry` pulls in. */
const ownCode = async (entry: string) => (await bundleInputs(entry)).own;

// What runs on a customer's machine: the agent itself, the host readings, and the generic
// parts every process shares. Anything else (db, redis, stream, service, api, alerts, the
// server's side of hosts) would be server code shipped to customers, and its dependencies with
// it.
const AGENT_MAY_BUNDLE = [
  /^cmd\/agent\//,
  /^internal\/agent\//,
  /^internal\/hosts\/reading\//,
  /^internal\/core\/(ids|labels|logger|push-limits)\.ts$/,
  /^internal\/config\/(parse-environment|or-exit)\.ts$/,
  /^internal\/lifecycle\/shutdown\.ts$/,
  /^gen\/pulsar\/v1\/(host|ingest|auth)_pb\.ts$/,
  // For its version (HostInfo.agent_version): a few KB of JSON, no code.
  /^package\.json$/,
];

describe("the agent bundle", () => {
  it("holds no server code: only the agent, the host readings and the shared core", async () => {
    const code = await ownCode("cmd/agent/main.ts");
    expect(code).toContain("internal/agent/sender.ts");
    expect(code.filter((path) => !AGENT_MAY_BUNDLE.some((allowed) => allowed.test(path)))).toEqual(
      [],
    );
  });

  it("reads the host with nothing server-side: hosts/reading imports only core", async () => {
    const code = await ownCode("internal/hosts/reading/sampler.ts");
    expect(code).toContain("internal/hosts/reading/sampler.ts");
    expect(
      code.filter((path) => !/^(internal\/hosts\/reading\/|internal\/core\/|gen\/)/.test(path)),
    ).toEqual([]);
  });
});
