import { create } from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HostSample, HostSampleSchema, HostService } from "../../gen/pulsar/v1/host_pb.js";
import { bearer, createTestOrg, type TestOrg } from "../../test/support/accounts.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { authenticateCaller } from "../api/auth-gate.js";
import { errorInterceptor } from "../api/errors.js";
import { requestGate } from "../api/request-gate.js";
import { silentLogger } from "../core/logger.js";
import { writeHostSampleBatch } from "../hosts/server/hosts-db.js";
import { createHostService } from "./host-service.js";

// The hosts registry's RPCs: ListHosts by label selector, UpdateHost, DeleteHost.

type Client = ReturnType<typeof createClient<typeof HostService>>;

let db: TestDatabase;
let org: TestOrg;
let other: TestOrg;
let client: Client;
let otherClient: Client;

function sample(hostId: string, labels: Record<string, string>, agoMs = 2000): HostSample {
  return create(HostSampleSchema, {
    hostId,
    hostname: `${hostId}.example`,
    sampledAt: timestampFromMs(Date.now() - agoMs),
    cpu: { totalPercent: 10 },
    memory: { totalBytes: 8e9, usedBytes: 1e9 },
    info: {
      os: "Debian GNU/Linux 12",
      kernel: "6.1.0-18-amd64",
      arch: "x64",
      cpuModel: "Test CPU",
      cores: 4,
      ipAddress: "10.0.0.7",
      agentVersion: "1.4.0",
      labels,
    },
  });
}

function serviceClient(token: string): Client {
  return createClient(
    HostService,
    createRouterTransport(
      (router) =>
        router.service(
          HostService,
          createHostService({ pool: db.pool, sampleIntervalMs: 2000, sharedHosts: true }),
          {
            interceptors: [errorInterceptor(silentLogger)],
            requestGate: requestGate([authenticateCaller({ pool: db.pool, log: silentLogger })], {
              log: silentLogger,
            }),
          },
        ),
      { transport: { interceptors: [bearer(token)] } },
    ),
  );
}

async function refusal(call: Promise<unknown>): Promise<[string, string]> {
  try {
    await call;
  } catch (error) {
    const e = ConnectError.from(error);
    return [Code[e.code], e.rawMessage];
  }
  throw new Error("expected the call to fail");
}

const ids = async (selector: string, as: Client = client) =>
  (await as.listHosts({ labelSelector: selector })).hosts.map((h) => h.id);

beforeAll(async () => {
  db = await createTestDatabase();
  org = await createTestOrg(db.pool, "Registry");
  other = await createTestOrg(db.pool, "Other");
  client = serviceClient(org.apiToken);
  otherClient = serviceClient(other.apiToken);
  await writeHostSampleBatch(db.pool, [
    { orgId: org.orgId, sample: sample("reg-db", { env: "prod", role: "db" }) },
    { orgId: org.orgId, sample: sample("reg-web", { env: "staging", role: "web" }) },
    { orgId: org.orgId, sample: sample("reg-bare", {}) },
    { orgId: other.orgId, sample: sample("reg-theirs", { env: "prod" }) },
    { orgId: undefined, sample: sample("reg-shared", { env: "prod" }) },
  ]);
});

afterAll(async () => {
  await db.drop();
});

describe("ListHosts", () => {
  it("answers every field of the registry", async () => {
    const { hosts } = await client.listHosts({ labelSelector: "role=db" });
    expect(hosts).toHaveLength(1);
    const host = hosts[0];
    expect(host).toMatchObject({
      id: "reg-db",
      hostname: "reg-db.example",
      name: "",
      os: "Debian GNU/Linux 12",
      kernel: "6.1.0-18-amd64",
      arch: "x64",
      cpuModel: "Test CPU",
      cores: 4,
      ipAddress: "10.0.0.7",
      agentVersion: "1.4.0",
      labels: { env: "prod", role: "db" },
      agentLabels: { env: "prod", role: "db" },
      labelsEdited: false,
      online: true,
      shared: false,
    });
    expect(host?.firstSeen).toBeDefined();
    expect(host?.agentSettings).toBeUndefined();
  });

  it("filters by a label selector over the organization's hosts and the shared ones", async () => {
    expect(await ids("")).toEqual(["reg-bare", "reg-db", "reg-shared", "reg-web"]);
    expect(await ids("env=prod")).toEqual(["reg-db", "reg-shared"]);
    expect(await ids("env!=prod")).toEqual(["reg-bare", "reg-web"]);
    expect(await ids("env,role!=db")).toEqual(["reg-shared", "reg-web"]);
    expect(await ids("env,role")).toEqual(["reg-db", "reg-web"]);
    expect(await ids("env=prod", otherClient)).toEqual(["reg-shared", "reg-theirs"]);
  });

  it("refuses a bad selector, naming the field and the term", async () => {
    expect(await refusal(client.listHosts({ labelSelector: "env=prod,env=" }))).toEqual([
      "InvalidArgument",
      'labelSelector term 2 "env=" needs a value after "="',
    ]);
  });
});

describe("UpdateHost", () => {
  it("sets the name, labels that win over the agent's, and agent settings; fields not given stay", async () => {
    const named = await client.updateHost({ id: "reg-web", name: "  Web front  " });
    expect(named.host?.name).toBe("Web front");
    const labelled = await client.updateHost({
      id: "reg-web",
      labels: { labels: { env: "prod", tier: "front" } },
      agentSettings: { sampleIntervalMs: 5000, disabledReadings: ["processes", "disk_io"] },
    });
    expect(labelled.host).toMatchObject({
      name: "Web front",
      labels: { env: "prod", tier: "front" },
      agentLabels: { env: "staging", role: "web" },
      labelsEdited: true,
      agentSettings: { sampleIntervalMs: 5000, disabledReadings: ["processes", "disk_io"] },
    });
    // The edited labels are the ones a selector sees.
    expect(await ids("env=prod")).toEqual(["reg-db", "reg-shared", "reg-web"]);
    expect(await ids("role=web")).toEqual([]);
    // A later sample with the agent's labels does not undo the edit.
    await writeHostSampleBatch(db.pool, [
      { orgId: org.orgId, sample: sample("reg-web", { env: "staging", role: "web" }, 1000) },
    ]);
    expect(await ids("tier=front")).toEqual(["reg-web"]);

    // Reset: the agent's labels apply again. An empty settings message: the agent's own.
    const reset = await client.updateHost({ id: "reg-web", resetLabels: true, agentSettings: {} });
    expect(reset.host).toMatchObject({
      name: "Web front",
      labels: { env: "staging", role: "web" },
      labelsEdited: false,
    });
    expect(reset.host?.agentSettings).toBeUndefined();
    // An empty label set is an edit too: no labels at all.
    const cleared = await client.updateHost({ id: "reg-web", labels: { labels: {} } });
    expect(cleared.host).toMatchObject({ labels: {}, labelsEdited: true });
    expect(await ids("env")).toEqual(["reg-db", "reg-shared"]);
    const { rows } = await db.pool.query(
      "SELECT labels, agent_settings FROM hosts WHERE id = 'reg-web'",
    );
    expect(rows).toEqual([{ labels: {}, agent_settings: null }]);
  });

  it.each([
    [{ name: "x".repeat(101) }, "name must be 0–100 printable characters"],
    [{ name: "bell\u0007" }, "name must be 0–100 printable characters"],
    [{ labels: { labels: { Env: "prod" } } }, 'labels.labels["Env"] key "Env" must be'],
    [{ labels: { labels: { env: "x".repeat(101) } } }, "must be at most 100 characters"],
    [
      {
        labels: { labels: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, ""])) },
      },
      "labels.labels must hold at most 20 labels",
    ],
    [
      { labels: { labels: {} }, resetLabels: true },
      "resetLabels cannot be set together with labels",
    ],
    [{ agentSettings: { sampleIntervalMs: 499 } }, "agentSettings.sampleIntervalMs must be 0"],
    [{ agentSettings: { sampleIntervalMs: 60_001 } }, "agentSettings.sampleIntervalMs must be 0"],
    [
      { agentSettings: { disabledReadings: ["cpu"] } },
      "agentSettings.disabledReadings[0] must be one of",
    ],
    [
      { agentSettings: { disabledReadings: ["disks", "disks"] } },
      'agentSettings.disabledReadings[1] repeats "disks"',
    ],
  ])("refuses %j as invalid_argument", async (fields, message) => {
    const [code, text] = await refusal(client.updateHost({ id: "reg-db", ...fields }));
    expect(code).toBe("InvalidArgument");
    expect(text).toContain(message);
  });

  it("answers not_found for another organization's host and permission_denied for a shared one", async () => {
    expect((await refusal(client.updateHost({ id: "reg-theirs", name: "mine" })))[0]).toBe(
      "NotFound",
    );
    expect((await refusal(client.updateHost({ id: "reg-shared", name: "mine" })))[0]).toBe(
      "PermissionDenied",
    );
    expect((await refusal(client.updateHost({ id: "no-such-host", name: "x" })))[0]).toBe(
      "NotFound",
    );
    const { rows } = await db.pool.query(
      "SELECT name FROM hosts WHERE id IN ('reg-theirs', 'reg-shared')",
    );
    expect(rows).toEqual([{ name: "" }, { name: "" }]);
  });
});

describe("DeleteHost", () => {
  it("removes the host, its samples and its rule states, and a later sample records it again", async () => {
    await writeHostSampleBatch(db.pool, [
      { orgId: org.orgId, sample: sample("reg-gone", { env: "prod" }, 4000) },
      { orgId: org.orgId, sample: sample("reg-gone", { env: "prod" }, 2000) },
    ]);
    const { rows: rules } = await db.pool.query<{ id: string }>(
      `INSERT INTO host_rules (org_id, name, metric, op, threshold, for_seconds, channel_ids)
       VALUES ($1, 'cpu', 'cpu_percent', 'gt', 90, 0, '{}') RETURNING id`,
      [org.orgId],
    );
    await db.pool.query(
      "INSERT INTO host_rule_state (rule_id, host_id, firing) VALUES ($1, 'reg-gone', true)",
      [rules[0]?.id],
    );
    await client.updateHost({ id: "reg-gone", name: "Doomed" });

    await client.deleteHost({ id: "reg-gone" });
    const count = async (table: string) =>
      (
        await db.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${table} WHERE ${table === "hosts" ? "id" : "host_id"} = 'reg-gone'`,
        )
      ).rows[0]?.n;
    expect([
      await count("hosts"),
      await count("host_samples"),
      await count("host_rule_state"),
    ]).toEqual([0, 0, 0]);
    expect(await ids("")).not.toContain("reg-gone");
    expect((await refusal(client.getHostHistory({ hostId: "reg-gone" })))[0]).toBe("NotFound");

    await writeHostSampleBatch(db.pool, [
      { orgId: org.orgId, sample: sample("reg-gone", { env: "prod" }, 500) },
    ]);
    const back = (await client.listHosts({ labelSelector: "env=prod" })).hosts.find(
      (h) => h.id === "reg-gone",
    );
    // As new: no name, one sample.
    expect(back?.name).toBe("");
    expect(await count("host_samples")).toBe(1);
  });

  it("answers not_found for another organization's host and permission_denied for a shared one", async () => {
    expect((await refusal(client.deleteHost({ id: "reg-theirs" })))[0]).toBe("NotFound");
    expect((await refusal(client.deleteHost({ id: "reg-shared" })))[0]).toBe("PermissionDenied");
    expect(await refusal(client.deleteHost({ id: "" }))).toEqual([
      "InvalidArgument",
      "id is required",
    ]);
    expect(await ids("env=prod", otherClient)).toEqual(["reg-shared", "reg-theirs"]);
  });

  it("counts UpdateHost and DeleteHost as writes (the write meter skips only NO_SIDE_EFFECTS)", () => {
    const readOnly = MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS;
    expect(HostService.method.updateHost.idempotency).not.toBe(readOnly);
    expect(HostService.method.deleteHost.idempotency).not.toBe(readOnly);
    expect(HostService.method.listHosts.idempotency).toBe(readOnly);
  });
});
