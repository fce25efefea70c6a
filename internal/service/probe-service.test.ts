import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../test/support/eventually.js";
import { type ProbeTestApi, startProbeTestApi } from "../../test/support/probe-api.js";
import { postRpc, uniqueEmail } from "../../test/support/rpc-json.js";
import * as accounts from "../accounts/accounts.js";
import { newSecret } from "../auth/secrets.js";

// ProbeService through the real API over HTTP: only the operator organization's signed-in
// admins manage probe tokens; each names its region, which monitors may then list and which
// the API then serves to probes; a revoked token is refused at once.

let t: ProbeTestApi;
let operatorMember: string;
let otherAdmin: string;
let operatorApiToken: string;

const call = (rpc: string, body: unknown, headers: Record<string, string>) =>
  postRpc(t.baseUrl, rpc, body, headers);

beforeAll(async () => {
  t = await startProbeTestApi("probe-service", { maxProbeTokens: 3 });
  otherAdmin = await t.signUp();
  const email = uniqueEmail();
  const invited = await call(
    "AuthService/CreateInvitation",
    { email },
    { cookie: t.operatorAdmin },
  );
  operatorMember = await t.signUp({ email, invitationToken: String(invited.body.invitationToken) });
  const token = await call(
    "AuthService/CreateApiToken",
    { name: "ops", scope: "TOKEN_SCOPE_API" },
    { cookie: t.operatorAdmin },
  );
  operatorApiToken = String(token.body.token);
});

afterAll(async () => {
  await t?.close();
});

describe("ProbeService", () => {
  it("lets a system admin create a probe token for a region, which becomes a known region", async () => {
    const answer = await call(
      "ProbeService/CreateProbeToken",
      { name: "  Frankfurt rack 3 ", region: "eu-central" },
      { cookie: t.operatorAdmin },
    );
    expect(answer.status).toBe(200);
    expect(String(answer.body.token)).toMatch(/^pulsar_probe_[A-Za-z0-9_-]{43}$/);
    expect(answer.body.probeToken).toMatchObject({
      name: "Frankfurt rack 3",
      region: "eu-central",
      prefix: expect.stringMatching(/^pulsar_probe_/),
      createdBy: expect.stringContaining("@"),
    });
    expect(await t.api.redis.smembers(`${t.api.prefix}:check-regions`)).toContain("eu-central");
    // The API serves the region to probes at once.
    expect(t.regions.running()).toContain("eu-central");
    const listed = await call("ProbeService/ListProbeTokens", {}, { cookie: t.operatorAdmin });
    expect(listed.body.probeTokens).toEqual([
      expect.objectContaining({ name: "Frankfurt rack 3", region: "eu-central" }),
    ]);
    // A probe token is not an API token: the organization's token list is unchanged.
    const tokens = await call("AuthService/ListApiTokens", {}, { cookie: t.operatorAdmin });
    expect(JSON.stringify(tokens.body)).not.toContain("Frankfurt");
    await call(
      "ProbeService/RevokeProbeToken",
      { id: (answer.body.probeToken as { id: string }).id },
      { cookie: t.operatorAdmin },
    );
  });

  it.each([
    ["a member of the operator organization", () => ({ cookie: operatorMember })],
    ["an admin of another organization", () => ({ cookie: otherAdmin })],
    [
      "an API token of the operator organization",
      () => ({
        authorization: `Bearer ${operatorApiToken}`,
      }),
    ],
  ])("refuses %s with permission_denied on every RPC", async (_who, headers) => {
    for (const [rpc, body] of [
      ["ProbeService/CreateProbeToken", { name: "x", region: "eu-central" }],
      ["ProbeService/ListProbeTokens", {}],
      ["ProbeService/RevokeProbeToken", { id: "00000000-0000-4000-8000-000000000000" }],
    ] as const) {
      const answer = await call(rpc, body, headers());
      expect(answer.body.code, rpc).toBe("permission_denied");
    }
    const listed = await call("ProbeService/ListProbeTokens", {}, { cookie: t.operatorAdmin });
    expect(JSON.stringify(listed.body)).not.toContain('"x"');
  });

  it.each([
    [{ name: "", region: "eu-central" }, /^name is required/],
    [{ name: "n".repeat(101), region: "eu-central" }, /^name must be at most 100 characters/],
    [{ name: "probe", region: "" }, /^region must be 1–63 of a–z/],
    [{ name: "probe", region: "EU West" }, /^region must be 1–63 of a–z/],
    [{ name: "probe", region: "-eu" }, /^region must be/],
    [{ name: "probe", region: "r".repeat(64) }, /^region must be/],
  ])("refuses %j with invalid_argument naming the field", async (body, message) => {
    const answer = await call("ProbeService/CreateProbeToken", body, { cookie: t.operatorAdmin });
    expect(answer.body.code).toBe("invalid_argument");
    expect(String(answer.body.message)).toMatch(message);
  });

  it("refuses a probe token past the installation's limit with resource_exhausted naming it", async () => {
    const made = [];
    for (const region of ["q1", "q2", "q3"]) made.push(await t.createProbeToken(region));
    const answer = await call(
      "ProbeService/CreateProbeToken",
      { name: "one too many", region: "q4" },
      { cookie: t.operatorAdmin },
    );
    expect(answer.body.code).toBe("resource_exhausted");
    expect(String(answer.body.message)).toMatch(/limit of 3 probe tokens/);
    for (const { id } of made) {
      await call("ProbeService/RevokeProbeToken", { id }, { cookie: t.operatorAdmin });
    }
    // Revoked tokens leave room again.
    const again = await call(
      "ProbeService/CreateProbeToken",
      { name: "room again", region: "q4" },
      { cookie: t.operatorAdmin },
    );
    expect(again.status).toBe(200);
    await call(
      "ProbeService/RevokeProbeToken",
      { id: (again.body.probeToken as { id: string }).id },
      { cookie: t.operatorAdmin },
    );
  });

  it("revokes a token at once: its next call is unauthenticated, and its region stops being served", async () => {
    const { id, token } = await t.createProbeToken("revoked-region");
    const take = () =>
      call("ProbeCheckService/TakeChecks", { maxChecks: 1 }, { authorization: `Bearer ${token}` });
    expect((await take()).status).toBe(200);
    const revoked = await call(
      "ProbeService/RevokeProbeToken",
      { id },
      { cookie: t.operatorAdmin },
    );
    expect(revoked.status).toBe(200);
    const refused = await take();
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe("unauthenticated");
    expect(t.regions.running()).not.toContain("revoked-region");
    const listed = await call("ProbeService/ListProbeTokens", {}, { cookie: t.operatorAdmin });
    expect(JSON.stringify(listed.body)).not.toContain(id);
    const twice = await call("ProbeService/RevokeProbeToken", { id }, { cookie: t.operatorAdmin });
    expect(twice.body.code).toBe("not_found");
  });

  it("refuses TOKEN_SCOPE_PROBE in CreateApiToken, pointing to ProbeService.CreateProbeToken", async () => {
    const answer = await call(
      "AuthService/CreateApiToken",
      { name: "sneaky", scope: "TOKEN_SCOPE_PROBE" },
      { cookie: t.operatorAdmin },
    );
    expect(answer.body.code).toBe("invalid_argument");
    expect(String(answer.body.message)).toMatch(/^scope .*ProbeService\.CreateProbeToken/);
  });

  it("serves the region of a token created by another API process within a refresh", async () => {
    // As another API process would: the row alone, this process not told.
    const [org] = (
      await t.api.db.pool.query<{ id: string }>("SELECT id FROM organizations LIMIT 1")
    ).rows;
    const secret = newSecret("probe");
    const token = await accounts.insertApiToken(t.api.db.pool, {
      orgId: org?.id ?? "",
      createdBy: undefined,
      name: "made elsewhere",
      scope: "probe",
      tokenHash: secret.hash,
      prefix: secret.prefix,
      region: "elsewhere",
    });
    expect(t.regions.running()).not.toContain("elsewhere");
    await eventually(() => t.regions.running().includes("elsewhere"), {
      what: "the region to be served",
    });
    await call("ProbeService/RevokeProbeToken", { id: token.id }, { cookie: t.operatorAdmin });
    await eventually(() => !t.regions.running().includes("elsewhere"), {
      what: "the region to be stopped",
    });
  });
});
