import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrg } from "../../test/support/accounts.js";
import type { TestDatabase } from "../../test/support/postgres.js";
import { clientIp, cookieOf, postRpc, uniqueEmail } from "../../test/support/rpc-json.js";
import { startTestApi, type TestApi } from "../../test/support/test-api.js";
import { hashSecret } from "../auth/secrets.js";

// The HTTP server's credential gates, in front of every service: which cookies and bearer
// tokens get through, with which scope, and from which origins. What AuthService itself does
// (sign-up, sessions, tokens, invitations) is tested in internal/service/auth-service.test.ts.

let api: TestApi;
let db: TestDatabase;
let baseUrl: string;

beforeAll(async () => {
  api = await startTestApi("auth-gate", {
    trustProxy: true,
    // A cheap scrypt for tests; the real cost is covered by internal/auth/password.test.ts.
    passwordParams: { log2N: 10, r: 8, p: 1 },
  });
  ({ db, baseUrl } = api);
});

afterAll(async () => {
  await api?.close();
});

/** call posts a Connect JSON request the way a browser or curl would. */
const call = (rpc: string, body: unknown, headers: Record<string, string> = {}) =>
  postRpc(baseUrl, rpc, body, headers);

/** signUp makes a new account and organization; its answer carries the session cookie. */
const signUp = () =>
  call(
    "AuthService/SignUp",
    { email: uniqueEmail(), password: "correct horse battery", name: "Ada", orgName: "Ada's team" },
    { "x-forwarded-for": clientIp() },
  );

describe("credentials", () => {
  it("refuses forged and expired session cookies with 401", async () => {
    const cookie = cookieOf(await signUp());
    const forged = `pulsar_session=pulsar_session_${randomBytes(32).toString("base64url")}`;
    expect((await call("AuthService/Me", {}, { cookie: forged })).status).toBe(401);
    expect((await call("AuthService/Me", {}, { cookie: "pulsar_session=garbage" })).status).toBe(
      401,
    );
    await db.pool.query(
      "UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1",
      [hashSecret(cookie.split("=")[1] ?? "")],
    );
    expect((await call("AuthService/Me", {}, { cookie })).status).toBe(401);
  });

  it("refuses a worker token on the API's services, naming the scope needed", async () => {
    const org = await createTestOrg(db.pool);
    const worker = await org.token("worker");
    const refused = await call(
      "MonitorService/ListMonitors",
      {},
      { authorization: `Bearer ${worker}` },
    );
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      code: "permission_denied",
      message: "this is a worker token; it may not be used here (a api token is needed)",
    });
  });
});

describe("cross-site request forgery", () => {
  it("refuses cookie-authenticated calls from another origin or site, and non-Connect content types", async () => {
    const cookie = cookieOf(await signUp());
    const foreign = await call(
      "MonitorService/CreateMonitor",
      { monitor: { name: "csrf", url: "http://127.0.0.1:9/" } },
      { cookie, origin: "https://evil.example" },
    );
    expect(foreign.status).toBe(403);
    expect(foreign.body).toEqual({
      code: "permission_denied",
      message: "cross-origin request from https://evil.example refused",
    });
    const crossSite = await call(
      "MonitorService/ListMonitors",
      {},
      { cookie, "sec-fetch-site": "cross-site" },
    );
    expect(crossSite.status).toBe(403);

    // What an HTML form can send: never reaches a handler.
    const form = await fetch(`${baseUrl}/pulsar.v1.MonitorService/CreateMonitor`, {
      method: "POST",
      headers: { "content-type": "text/plain", cookie },
      body: JSON.stringify({ monitor: { name: "csrf", url: "http://127.0.0.1:9/" } }),
    });
    expect(form.status).toBe(415);

    const sameOrigin = await call("MonitorService/ListMonitors", {}, { cookie, origin: baseUrl });
    expect(sameOrigin.status).toBe(200);
    expect(sameOrigin.body.monitors ?? []).toEqual([]);
  });

  it("does not apply the origin check to bearer tokens, which browsers never send by themselves", async () => {
    const org = await createTestOrg(db.pool);
    const res = await call(
      "MonitorService/ListMonitors",
      {},
      { authorization: `Bearer ${org.apiToken}`, origin: "https://dashboard.elsewhere" },
    );
    expect(res.status).toBe(200);
  });
});
