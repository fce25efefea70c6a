import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrg } from "../../test/support/accounts.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import {
  clientIp,
  cookieOf,
  type JsonAnswer,
  postRpc,
  uniqueEmail,
} from "../../test/support/rpc-json.js";
import { startTestApi, type TestApi, type TestApiOptions } from "../../test/support/test-api.js";
import { hashSecret } from "../auth/secrets.js";

// AuthService through the real API over HTTP, as the dashboard and curl call it: sign-up,
// sign-in and sessions, their rate limits, API tokens and invitations. The HTTP gates in front
// of every service (forged credentials, token scopes, CSRF) are tested in internal/api/auth.test.ts.

/** A cheap scrypt for tests; the real cost is covered by internal/auth/password.test.ts. */
const FAST_SCRYPT = { log2N: 10, r: 8, p: 1 };
const LIMITS = { perAccount: 3, perIp: 5, signUpsPerIp: 4, windowSeconds: 60 };
/** Each test presents its own client address through X-Forwarded-For. */
const OPTIONS: TestApiOptions = {
  trustProxy: true,
  passwordParams: FAST_SCRYPT,
  signInLimits: LIMITS,
};

let api: TestApi;
let db: TestDatabase;
let baseUrl: string;

beforeAll(async () => {
  api = await startTestApi("auth-service", OPTIONS);
  ({ db, baseUrl } = api);
});

afterAll(async () => {
  await api?.close();
});

/** startApi serves another API on db (or the database given) with signup as given. */
const startApi = (options: { signup?: "open" | "closed"; db?: TestDatabase } = {}) =>
  api.serve({ ...OPTIONS, signup: options.signup, pool: (options.db ?? db).pool });

/** call posts a Connect JSON request to the API at url the way a browser or curl would. */
const call = (rpc: string, body: unknown, headers: Record<string, string> = {}, url = baseUrl) =>
  postRpc(url, rpc, body, headers);

const PASSWORD = "correct horse battery";

async function signUp(
  fields: Record<string, string> = {},
  ip = clientIp(),
  url = baseUrl,
): Promise<{ answer: JsonAnswer; email: string; ip: string }> {
  const email = fields.email ?? uniqueEmail();
  const answer = await call(
    "AuthService/SignUp",
    { email, password: PASSWORD, name: "Ada", orgName: "Ada's team", ...fields },
    { "x-forwarded-for": ip },
    url,
  );
  return { answer, email, ip };
}

describe("SignUp, SignIn, SignOut and sessions", () => {
  it("signs a new user up into a new organization with an HttpOnly, SameSite=Lax session cookie", async () => {
    const { answer, email } = await signUp();
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      user: { email, name: "Ada", role: "ROLE_ADMIN" },
      organization: { name: "Ada's team" },
    });
    expect(answer.setCookie).toMatch(/^pulsar_session=pulsar_session_[A-Za-z0-9_-]{43}; /);
    expect(answer.setCookie).toContain("HttpOnly");
    expect(answer.setCookie).toContain("SameSite=Lax");
    expect(answer.setCookie).toContain("Path=/");
    // Plain HTTP: a Secure cookie would never be sent back.
    expect(answer.setCookie).not.toContain("Secure");

    const me = await call("AuthService/Me", {}, { cookie: cookieOf(answer) });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { email }, organization: { name: "Ada's team" } });
  });

  it("marks the cookie Secure when the client came over HTTPS through a trusted proxy", async () => {
    const { answer } = await signUp();
    expect(answer.status).toBe(200);
    const signIn = await call(
      "AuthService/SignIn",
      { email: (answer.body.user as { email: string }).email, password: PASSWORD },
      { "x-forwarded-proto": "https", "x-forwarded-for": clientIp() },
    );
    expect(signIn.status).toBe(200);
    expect(signIn.setCookie).toContain("; Secure");
  });

  it("stores password, session and token only as hashes", async () => {
    const { answer, email } = await signUp();
    const cookie = cookieOf(answer);
    const secret = cookie.split("=")[1] ?? "";
    const created = await call(
      "AuthService/CreateApiToken",
      { name: "ci" },
      { cookie, origin: baseUrl },
    );
    const token = String(created.body.token);
    const { rows } = await db.pool.query<{ password_hash: string }>(
      "SELECT password_hash FROM users WHERE email = $1",
      [email],
    );
    expect(rows[0]?.password_hash).toMatch(/^scrypt\$10\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(rows[0]?.password_hash).not.toContain(PASSWORD);
    const session = await db.pool.query("SELECT 1 FROM sessions WHERE token_hash = $1", [
      hashSecret(secret),
    ]);
    expect(session.rowCount).toBe(1);
    const dump = await db.pool.query(
      "SELECT (SELECT string_agg(encode(token_hash, 'escape'), '') FROM sessions) AS s, (SELECT string_agg(encode(token_hash, 'escape') || prefix, '') FROM api_tokens) AS t",
    );
    expect(JSON.stringify(dump.rows)).not.toContain(secret.slice(-20));
    expect(JSON.stringify(dump.rows)).not.toContain(token.slice(-20));
  });

  it("signs in with the right password only, saying the same for an unknown email", async () => {
    const { email } = await signUp();
    const ip = clientIp();
    const wrong = await call(
      "AuthService/SignIn",
      { email, password: "wrong password" },
      { "x-forwarded-for": ip },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ code: "unauthenticated", message: "email or password is wrong" });
    expect(wrong.setCookie).toBeNull();
    const unknown = await call(
      "AuthService/SignIn",
      { email: uniqueEmail(), password: PASSWORD },
      { "x-forwarded-for": ip },
    );
    expect(unknown.body).toEqual(wrong.body);
    // Emails are matched whatever their case.
    const right = await call(
      "AuthService/SignIn",
      { email: email.toUpperCase(), password: PASSWORD },
      { "x-forwarded-for": ip },
    );
    expect(right.status).toBe(200);
    expect((await call("AuthService/Me", {}, { cookie: cookieOf(right) })).status).toBe(200);
  });

  it("ends the session on SignOut at once, and every session with everywhere", async () => {
    const { answer, email } = await signUp();
    const first = cookieOf(answer);
    const second = cookieOf(
      await call(
        "AuthService/SignIn",
        { email, password: PASSWORD },
        { "x-forwarded-for": clientIp() },
      ),
    );
    const third = cookieOf(
      await call(
        "AuthService/SignIn",
        { email, password: PASSWORD },
        { "x-forwarded-for": clientIp() },
      ),
    );
    const out = await call("AuthService/SignOut", {}, { cookie: first });
    expect(out.status).toBe(200);
    expect(out.setCookie).toContain("Max-Age=0");
    const stale = await call("AuthService/Me", {}, { cookie: first });
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe("unauthenticated");
    expect((await call("AuthService/Me", {}, { cookie: second })).status).toBe(200);

    await call("AuthService/SignOut", { everywhere: true }, { cookie: second });
    expect((await call("AuthService/Me", {}, { cookie: second })).status).toBe(401);
    expect((await call("AuthService/Me", {}, { cookie: third })).status).toBe(401);
  });

  it("answers bad sign-up fields with invalid_argument naming the field, creating nothing", async () => {
    const before = await db.pool.query("SELECT count(*)::int AS n FROM users");
    const cases: [Record<string, string>, string][] = [
      [{ email: "not-an-email" }, "email must be an email address"],
      [{ email: "" }, "email is required"],
      [{ password: "short" }, "password must be at least 10 characters"],
      [{ password: "x".repeat(300) }, "password must be at most 256 characters"],
      [{ name: "  " }, "name is required"],
      [{ orgName: "" }, "orgName is required"],
      [{ invitationToken: "pulsar_invite_nope" }, "invitationToken is unknown, used or expired"],
    ];
    for (const [fields, message] of cases) {
      const { answer } = await signUp(fields);
      expect(answer.status, message).toBe(400);
      expect(answer.body).toEqual({ code: "invalid_argument", message });
    }
    const { email } = await signUp();
    const again = await signUp({ email: email.toUpperCase() });
    expect(again.answer.body).toEqual({
      code: "invalid_argument",
      message: "email is already registered; sign in instead",
    });
    const after = await db.pool.query("SELECT count(*)::int AS n FROM users");
    expect(after.rows[0].n).toBe(before.rows[0].n + 1);
  });
});

describe("sign-in and sign-up rate limits", () => {
  it("refuses sign-in to an account after repeated failures, even with the right password", async () => {
    const { email } = await signUp();
    for (let i = 0; i < LIMITS.perAccount; i++) {
      // A new address each time: the account's own limit is what stops this.
      const res = await call(
        "AuthService/SignIn",
        { email, password: `guess ${i}` },
        { "x-forwarded-for": clientIp() },
      );
      expect(res.status).toBe(401);
    }
    const blocked = await call(
      "AuthService/SignIn",
      { email, password: PASSWORD },
      { "x-forwarded-for": clientIp() },
    );
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe("resource_exhausted");
    expect(String(blocked.body.message)).toMatch(/^too many failed sign-ins; try again in \d+ s$/);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(blocked.setCookie).toBeNull();
  });

  it("refuses sign-in from an address that failed on many accounts", async () => {
    const ip = clientIp();
    for (let i = 0; i < LIMITS.perIp; i++) {
      const res = await call(
        "AuthService/SignIn",
        { email: uniqueEmail(), password: PASSWORD },
        { "x-forwarded-for": ip },
      );
      expect(res.status).toBe(401);
    }
    const { email } = await signUp();
    const blocked = await call(
      "AuthService/SignIn",
      { email, password: PASSWORD },
      { "x-forwarded-for": ip },
    );
    expect(blocked.status).toBe(429);
    // Another address is not affected.
    const elsewhere = await call(
      "AuthService/SignIn",
      { email, password: PASSWORD },
      { "x-forwarded-for": clientIp() },
    );
    expect(elsewhere.status).toBe(200);
  });

  it("limits sign-ups per address", async () => {
    const ip = clientIp();
    for (let i = 0; i < LIMITS.signUpsPerIp; i++) {
      expect((await signUp({}, ip)).answer.status).toBe(200);
    }
    const { answer } = await signUp({}, ip);
    expect(answer.status).toBe(429);
    expect(String(answer.body.message)).toMatch(/^too many sign-ups from this address/);
  });
});

describe("API tokens", () => {
  it("creates a token shown once, lists it by prefix only, and revoking it takes effect at once", async () => {
    const { answer } = await signUp();
    const cookie = cookieOf(answer);
    const created = await call("AuthService/CreateApiToken", { name: "ci" }, { cookie });
    expect(created.status).toBe(200);
    const token = String(created.body.token);
    expect(token).toMatch(/^pulsar_api_[A-Za-z0-9_-]{43}$/);
    const info = created.body.apiToken as { id: string; prefix: string; scope: string };
    expect(info.scope).toBe("TOKEN_SCOPE_API");
    expect(token.startsWith(info.prefix.replace("…", ""))).toBe(true);

    const listed = await call("AuthService/ListApiTokens", {}, { cookie });
    expect(listed.body.apiTokens).toEqual([expect.objectContaining({ id: info.id, name: "ci" })]);
    expect(JSON.stringify(listed.body)).not.toContain(token);

    const auth = { authorization: `Bearer ${token}` };
    const me = await call("AuthService/Me", {}, auth);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ apiTokenId: info.id, organization: { name: "Ada's team" } });
    expect(me.body.user).toBeUndefined();
    expect((await call("MonitorService/ListMonitors", {}, auth)).status).toBe(200);

    expect((await call("AuthService/RevokeApiToken", { id: info.id }, { cookie })).status).toBe(
      200,
    );
    const revoked = await call("MonitorService/ListMonitors", {}, auth);
    expect(revoked.status).toBe(401);
    expect(revoked.body).toEqual({
      code: "unauthenticated",
      message: "the bearer token is invalid or revoked",
    });
    expect((await call("AuthService/ListApiTokens", {}, { cookie })).body.apiTokens ?? []).toEqual(
      [],
    );
  });

  it("lets an organization neither list nor revoke another organization's tokens", async () => {
    const a = cookieOf((await signUp()).answer);
    const b = cookieOf((await signUp()).answer);
    const created = await call("AuthService/CreateApiToken", { name: "a's" }, { cookie: a });
    const id = (created.body.apiToken as { id: string }).id;
    const revoke = await call("AuthService/RevokeApiToken", { id }, { cookie: b });
    expect(revoke.body).toEqual({ code: "not_found", message: `api token ${id} not found` });
    expect(
      (await call("AuthService/ListApiTokens", {}, { cookie: b })).body.apiTokens ?? [],
    ).toEqual([]);
    const token = String(created.body.token);
    expect((await call("AuthService/Me", {}, { authorization: `Bearer ${token}` })).status).toBe(
      200,
    );
  });

  it("does not let an API token mint more tokens: only a signed-in member may", async () => {
    const org = await createTestOrg(db.pool);
    const minted = await call(
      "AuthService/CreateApiToken",
      { name: "more" },
      { authorization: `Bearer ${org.apiToken}` },
    );
    expect(minted.status).toBe(403);
    expect(minted.body).toEqual({
      code: "permission_denied",
      message: "only a signed-in member may create tokens, not an API token",
    });
  });
});

describe("PULSAR_SIGNUP=closed and invitations", () => {
  it("lets only the first user and invitees sign up; only admins invite; invitations are single use", async () => {
    const closedDb = await createTestDatabase();
    try {
      const url = await startApi({ signup: "closed", db: closedDb });
      const first = await signUp({}, clientIp(), url);
      expect(first.answer.status).toBe(200);
      const stranger = await signUp({}, clientIp(), url);
      expect(stranger.answer.status).toBe(403);
      expect(stranger.answer.body.message).toBe(
        "sign-up is closed on this installation; ask an admin for an invitation",
      );

      const admin = cookieOf(first.answer);
      const inviteeEmail = uniqueEmail();
      const invited = await call(
        "AuthService/CreateInvitation",
        { email: inviteeEmail },
        { cookie: admin },
        url,
      );
      expect(invited.status).toBe(200);
      const invitationToken = String(invited.body.invitationToken);
      expect(invitationToken).toMatch(/^pulsar_invite_/);

      const wrongEmail = await signUp({ invitationToken }, clientIp(), url);
      expect(wrongEmail.answer.body.message).toBe(
        "email must be the address the invitation was sent to",
      );
      const joined = await signUp({ email: inviteeEmail, invitationToken }, clientIp(), url);
      expect(joined.answer.status).toBe(200);
      expect(joined.answer.body).toMatchObject({
        user: { role: "ROLE_MEMBER" },
        organization: { id: (first.answer.body.organization as { id: string }).id },
      });
      const reused = await signUp({ email: uniqueEmail(), invitationToken }, clientIp(), url);
      expect(reused.answer.body.message).toBe("invitationToken is unknown, used or expired");

      const member = cookieOf(joined.answer);
      const byMember = await call(
        "AuthService/CreateInvitation",
        { email: uniqueEmail() },
        { cookie: member },
        url,
      );
      expect(byMember.status).toBe(403);
      expect(byMember.body.message).toBe("only admins may invite people");
    } finally {
      await closedDb.drop();
    }
  });

  it("gives monitors from before accounts to the first organization", async () => {
    const fresh = await createTestDatabase();
    try {
      await fresh.pool.query(
        `INSERT INTO monitors (name, url, interval_seconds, timeout_ms, expected_status)
         VALUES ('legacy', 'http://127.0.0.1:9/', 60, 1000, '[]')`,
      );
      const url = await startApi({ db: fresh });
      const first = cookieOf((await signUp({}, clientIp(), url)).answer);
      const second = cookieOf((await signUp({}, clientIp(), url)).answer);
      const mine = await call("MonitorService/ListMonitors", {}, { cookie: first }, url);
      expect((mine.body.monitors as { name: string }[]).map((m) => m.name)).toEqual(["legacy"]);
      const theirs = await call("MonitorService/ListMonitors", {}, { cookie: second }, url);
      expect(theirs.body.monitors ?? []).toEqual([]);
    } finally {
      await fresh.drop();
    }
  });
});
