import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrg } from "../../test/support/accounts.js";
import { type ProbeTestApi, startProbeTestApi } from "../../test/support/probe-api.js";
import { postRpc } from "../../test/support/rpc-json.js";

// Only a probe token opens ProbeCheckService, checked before the body is read, against
// Postgres on every call.

let t: ProbeTestApi;

beforeAll(async () => {
  t = await startProbeTestApi("probe-gate");
});

afterAll(async () => {
  await t?.close();
});

const take = (headers: Record<string, string>) =>
  postRpc(t.baseUrl, "ProbeCheckService/TakeChecks", { maxChecks: 1 }, headers);

describe("the probe gate", () => {
  it("answers 401 without credentials, with a forged token and with a session cookie", async () => {
    const refused: Record<string, string>[] = [
      {},
      { authorization: "Bearer pulsar_probe_not-a-real-one" },
      { authorization: `Bearer pulsar_probe_${"A".repeat(43)}` },
      { cookie: t.operatorAdmin },
    ];
    for (const headers of refused) {
      const answer = await take(headers);
      expect(answer.status, JSON.stringify(headers)).toBe(401);
      expect(answer.body.code).toBe("unauthenticated");
    }
  });

  it("refuses the tokens of other scopes with permission_denied", async () => {
    const org = await createTestOrg(t.api.db.pool);
    for (const scope of ["api", "worker", "agent"] as const) {
      const answer = await take({ authorization: `Bearer ${await org.token(scope)}` });
      expect(answer.body.code, scope).toBe("permission_denied");
      expect(String(answer.body.message)).toMatch(new RegExp(`this is a ${scope} token`));
    }
  });

  it("lets a probe token in, with its region, and refuses it at once once revoked", async () => {
    const { id, token } = await t.createProbeToken("gate-region");
    const answer = await take({ authorization: `Bearer ${token}` });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ region: "gate-region", leaseMs: 2000 });
    await postRpc(t.baseUrl, "ProbeService/RevokeProbeToken", { id }, { cookie: t.operatorAdmin });
    const refused = await take({ authorization: `Bearer ${token}` });
    expect(refused.status).toBe(401);
    expect(String(refused.body.message)).toMatch(/unknown or revoked/);
  });

  it("does not open the other services to a probe token", async () => {
    const { token } = await t.createProbeToken("gate-other");
    const answer = await postRpc(
      t.baseUrl,
      "MonitorService/ListMonitors",
      {},
      { authorization: `Bearer ${token}` },
    );
    expect(answer.body.code).toBe("permission_denied");
  });
});
