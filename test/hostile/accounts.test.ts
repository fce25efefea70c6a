import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  Code,
  ConnectError,
  createClient,
  createRouterTransport,
  type Interceptor,
} from "@connectrpc/connect";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostService } from "../../gen/pulsar/v1/host_pb.js";
import { type ApiDeps, createApi } from "../../internal/api/app.js";
import { errorInterceptor } from "../../internal/api/errors.js";
import { authorizeUpgrade } from "../../internal/api/ws/authorize.js";
import {
  CLOSE_POLICY_VIOLATION,
  createStreamGateway,
  type StreamGateway,
} from "../../internal/api/ws/gateway.js";
import { type Caller, callerKey } from "../../internal/auth/caller.js";
import { createHashGate, type HashGate } from "../../internal/auth/hash-gate.js";
import { createPasswordHasher, type PasswordHasher } from "../../internal/auth/password-hasher.js";
import type { SignInLimits } from "../../internal/auth/sign-in-limiter.js";
import { type CheckQueue, createCheckQueue } from "../../internal/checks/queue/check-queue.js";
import { createCheckSchedule } from "../../internal/checks/queue/check-schedule.js";
import { createMonitorScheduler } from "../../internal/checks/queue/schedules.js";
import { silentLogger } from "../../internal/core/logger.js";
import { DEFAULT_ORG_QUOTAS, type OrgQuotas } from "../../internal/quota/org-quotas.js";
import { createRedis } from "../../internal/redis/redis.js";
import { createAgentTokenRpcs } from "../../internal/service/agent-tokens.js";
import { listenApi } from "../support/api-server.js";
import { eventually } from "../support/eventually.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { TEST_REDIS_URL, uniquePrefix } from "../support/redis.js";
import { bearerHeaders, connectClient } from "../support/stream-clients.js";

// Strangers and members against AuthService, through a real API on a port (with the /ws
// stream beside it, as cmd/api wires them), real Postgres and real Redis.

/** A cheap scrypt for tests; the real cost is covered by internal/auth/password.test.ts. */
const FAST_SCRYPT = { log2N: 10, r: 8, p: 1 };
const LIMITS: SignInLimits = { perAccount: 5, perIp: 8, signUpsPerIp: 1000, windowSeconds: 60 };
const QUOTAS: OrgQuotas = { ...DEFAULT_ORG_QUOTAS, apiTokens: 2, agentTokens: 2, members: 3 };
const PASSWORD = "correct horse battery";

let db: TestDatabase;
let redis: Redis;
let subscriber: Redis;
let queueConnection: Redis;
let queue: CheckQueue;
let gateway: StreamGateway;
let server: Server;
/** host:port of the main API (open sign-up, the stream beside it). */
let host: string;
/** Password hashes the main API computed, by kind. */
let hashed: Counts;
const closers: (() => Promise<void>)[] = [];

interface Counts {
  hash: number;
  verify: number;
  burn: number;
}

/** countingHasher is FAST_SCRYPT behind `gate`, counting every hash that reaches it. */
function countingHasher(gate: HashGate = createHashGate()): {
  hasher: PasswordHasher;
  counts: Counts;
} {
  const inner = createPasswordHasher({ params: FAST_SCRYPT, gate });
  const counts = { hash: 0, verify: 0, burn: 0 };
  return {
    counts,
    hasher: {
      hash(password) {
        counts.hash++;
        return inner.hash(password);
      },
      verify(password, stored) {
        counts.verify++;
        return inner.verify(password, stored);
      },
      burn(password) {
        counts.burn++;
        return inner.burn(password);
      },
    },
  };
}

/** The check queue's prefix: the check schedule is kept under it too. */
let queuePrefix = "";

function apiDeps(overrides: Partial<ApiDeps> = {}): ApiDeps {
  return {
    pool: db.pool,
    redis,
    prefix: uniquePrefix("accounts"),
    scheduler: createMonitorScheduler({ schedule: createCheckSchedule(redis, queuePrefix), queue }),
    log: silentLogger,
    // Each test presents its own client address through X-Forwarded-For.
    trustProxy: true,
    passwordParams: FAST_SCRYPT,
    signInLimits: LIMITS,
    quotas: QUOTAS,
    ...overrides,
  };
}

/** startApi serves another API on the same database (other settings); its base URL. */
async function startApi(overrides: Partial<ApiDeps>): Promise<string> {
  const api = await listenApi(createApi(apiDeps(overrides)));
  closers.push(api.close);
  return api.baseUrl.replace("http://", "");
}

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedis(TEST_REDIS_URL, "command", "accounts-test");
  subscriber = createRedis(TEST_REDIS_URL, "bullmq", "accounts-test-sub");
  queueConnection = createRedis(TEST_REDIS_URL, "bullmq", "accounts-test-queue");
  const prefix = uniquePrefix("accounts");
  queuePrefix = prefix;
  queue = createCheckQueue(queueConnection, prefix);
  const counting = countingHasher();
  hashed = counting.counts;
  const api = createApi(apiDeps({ prefix, passwords: counting.hasher }));
  gateway = createStreamGateway({
    pool: db.pool,
    subscriber,
    redis,
    prefix,
    sharedHosts: true,
    log: silentLogger,
    authorize: authorizeUpgrade({ pool: db.pool, log: silentLogger }),
  });
  server = createServer(api.handler);
  server.on("upgrade", gateway.handleUpgrade);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  await gateway.ready;
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const close of closers) await close();
  await gateway?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await queue?.close();
  for (const connection of [redis, subscriber, queueConnection]) connection?.disconnect();
  await db?.drop();
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
  setCookie: string | null;
  headers: Headers;
}

/** call posts a Connect JSON request the way a browser or curl would. */
async function call(
  rpc: string,
  body: unknown,
  headers: Record<string, string> = {},
  at = host,
): Promise<Answer> {
  const res = await fetch(`http://${at}/pulsar.v1.${rpc}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": clientIp(), ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    setCookie: res.headers.get("set-cookie"),
    headers: res.headers,
  };
}

const clientIp = () => `10.${randomBytes(3).join(".")}`;
const uniqueEmail = () => `user-${randomBytes(4).toString("hex")}@example.test`;

function cookieOf(answer: Answer): string {
  const value = answer.setCookie?.split(";")[0];
  if (!value)
    throw new Error(`no cookie set (status ${answer.status}: ${JSON.stringify(answer.body)})`);
  return value;
}

interface Person {
  id: string;
  email: string;
  cookie: string;
}

/** signUpAdmin signs a new admin up into a new organization. */
async function signUpAdmin(): Promise<Person> {
  const email = uniqueEmail();
  const answer = await call("AuthService/SignUp", {
    email,
    password: PASSWORD,
    name: "Ada",
    orgName: "Ada's team",
  });
  const user = answer.body.user as { id: string };
  return { id: user.id, email, cookie: cookieOf(answer) };
}

/** invite has an admin invite a new address; the invitation's token and id. */
async function invite(admin: Person): Promise<{ email: string; token: string; id: string }> {
  const email = uniqueEmail();
  const answer = await call("AuthService/CreateInvitation", { email }, { cookie: admin.cookie });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const id = (answer.body.invitation as { id: string }).id;
  return { email, token: String(answer.body.invitationToken), id };
}

/** addMember invites a new member into the admin's organization and signs them up. */
async function addMember(admin: Person): Promise<Person> {
  const invitation = await invite(admin);
  const answer = await call("AuthService/SignUp", {
    email: invitation.email,
    password: PASSWORD,
    name: "Member",
    invitationToken: invitation.token,
  });
  const user = answer.body.user as { id: string };
  return { id: user.id, email: invitation.email, cookie: cookieOf(answer) };
}

/** createToken has someone create a token; its secret and id. */
async function createToken(
  by: Person,
  scope = "TOKEN_SCOPE_API",
): Promise<{ secret: string; id: string }> {
  const answer = await call(
    "AuthService/CreateApiToken",
    { name: "t", scope },
    { cookie: by.cookie },
  );
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return { secret: String(answer.body.token), id: (answer.body.apiToken as { id: string }).id };
}

describe("sign-in attempts are counted before the password is hashed", () => {
  it("lets at most 5 of 20 parallel wrong guesses reach scrypt; the rest are resource_exhausted", async () => {
    const { email } = await signUpAdmin();
    const before = { ...hashed };
    // A new address each time: only the account's limit stands in the way.
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call("AuthService/SignIn", { email, password: `guess ${i}` }),
      ),
    );
    const verified = hashed.verify - before.verify;
    // Each reservation is one atomic step in Redis: exactly the limit gets through.
    expect(verified).toBe(LIMITS.perAccount);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(verified);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(20 - verified);
    for (const answer of refused) {
      expect(answer.body.code).toBe("resource_exhausted");
      expect(Number(answer.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    // Even the right password now waits out the window.
    const right = await call("AuthService/SignIn", { email, password: PASSWORD });
    expect(right.status).toBe(429);
    expect(hashed.verify - before.verify).toBe(verified);
  });

  it("counts unknown emails the same way, burning a hash for each one let through", async () => {
    const email = uniqueEmail();
    const before = { ...hashed };
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => call("AuthService/SignIn", { email, password: PASSWORD })),
    );
    const burned = hashed.burn - before.burn;
    expect(burned).toBe(LIMITS.perAccount);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(burned);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(12 - burned);
  });

  it("gives a successful sign-in its attempt back, on the account and on the address", async () => {
    const { email } = await signUpAdmin();
    const ip = clientIp();
    const from = { "x-forwarded-for": ip };
    for (let i = 0; i < LIMITS.perAccount - 1; i++) {
      expect((await call("AuthService/SignIn", { email, password: `no ${i}` }, from)).status).toBe(
        401,
      );
    }
    // Many successes from the address: none of them uses up its budget or the account's.
    for (let i = 0; i < LIMITS.perIp + 2; i++) {
      expect((await call("AuthService/SignIn", { email, password: PASSWORD }, from)).status).toBe(
        200,
      );
    }
    // The account starts afresh: perAccount - 1 more failures still leave a sign-in.
    for (let i = 0; i < LIMITS.perAccount - 1; i++) {
      await call(
        "AuthService/SignIn",
        { email, password: `again ${i}` },
        { "x-forwarded-for": clientIp() },
      );
    }
    expect((await call("AuthService/SignIn", { email, password: PASSWORD })).status).toBe(200);
    // The address has used perAccount - 1 of its attempts on failures, the rest are left.
    const left = LIMITS.perIp - (LIMITS.perAccount - 1);
    for (let i = 0; i < left; i++) {
      const res = await call("AuthService/SignIn", { email: uniqueEmail(), password: "x" }, from);
      expect(res.status).toBe(401);
    }
    const over = await call("AuthService/SignIn", { email: uniqueEmail(), password: "x" }, from);
    expect(over.status).toBe(429);
  });

  it("counts two addresses of one IPv6 /64 together and two /64s apart", async () => {
    for (let i = 0; i < LIMITS.perIp; i++) {
      const res = await call(
        "AuthService/SignIn",
        { email: uniqueEmail(), password: "x" },
        { "x-forwarded-for": `2001:db8:51:1::${(i + 1).toString(16)}` },
      );
      expect(res.status).toBe(401);
    }
    const sameNet = await call(
      "AuthService/SignIn",
      { email: uniqueEmail(), password: "x" },
      { "x-forwarded-for": "2001:db8:51:1:ffff:ffff:ffff:ffff" },
    );
    expect(sameNet.status).toBe(429);
    const nextNet = await call(
      "AuthService/SignIn",
      { email: uniqueEmail(), password: "x" },
      { "x-forwarded-for": "2001:db8:51:2::1" },
    );
    expect(nextNet.status).toBe(401);
  });
});

describe("the hashing gate", () => {
  it("hashes one at a time behind a queue of one, refuses the rest at once, and gives their attempts back", async () => {
    const gate = createHashGate({ concurrency: 1, maxQueue: 1 });
    let running = 0;
    let most = 0;
    let open = () => {};
    const held = new Promise<void>((resolve) => {
      open = resolve;
    });
    const slow: PasswordHasher = {
      hash: (password) => gate.run(async () => `never-${password}`),
      verify: () => gate.run(async () => false),
      burn: () =>
        gate.run(async () => {
          running++;
          most = Math.max(most, running);
          await held;
          running--;
        }),
    };
    const at = await startApi({ passwords: slow });
    const ip = clientIp();
    let answered = 0;
    const attempts = Array.from({ length: 5 }, () =>
      call(
        "AuthService/SignIn",
        { email: uniqueEmail(), password: "x" },
        { "x-forwarded-for": ip },
        at,
      ).finally(() => answered++),
    );
    // One hashing, one waiting, three answered: the gate refused them while it was full.
    await eventually(() => answered === 3, {
      what: "three of the five sign-ins to be answered",
      timeoutMs: 10_000,
      intervalMs: 10,
    });
    expect([gate.active, gate.waiting]).toEqual([1, 1]);
    open();
    const answers = await Promise.all(attempts);
    expect(most).toBe(1);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(2);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(3);
    for (const answer of refused) {
      expect(answer.body.message).toMatch(/^too many sign-ins in progress; try again in \d+ s$/);
      expect(Number(answer.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    // The refused three were never guesses: the address has perIp - 2 attempts left.
    for (let i = 0; i < LIMITS.perIp - 2; i++) {
      const res = await call(
        "AuthService/SignIn",
        { email: uniqueEmail(), password: "x" },
        { "x-forwarded-for": ip },
        at,
      );
      expect(res.status).toBe(401);
    }
    const over = await call(
      "AuthService/SignIn",
      { email: uniqueEmail(), password: "x" },
      { "x-forwarded-for": ip },
      at,
    );
    expect(over.status).toBe(429);
    expect(over.body.message).toMatch(/^too many failed sign-ins/);
  });
});

describe("PULSAR_SIGNUP=closed", () => {
  it("answers a stranger the same for a registered and an unregistered email, hashing nothing", async () => {
    const registered = await signUpAdmin();
    const counting = countingHasher();
    const closed = await startApi({ signup: "closed", passwords: counting.hasher });
    const attempt = (email: string, extra: Record<string, string> = {}) =>
      call(
        "AuthService/SignUp",
        { email, password: PASSWORD, name: "Eve", orgName: "Eve's", ...extra },
        {},
        closed,
      );
    const known = await attempt(registered.email);
    const unknown = await attempt(uniqueEmail());
    expect(known.status).toBe(403);
    expect(known.body).toEqual({
      code: "permission_denied",
      message: "sign-up is closed on this installation; ask an admin for an invitation",
    });
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);
    // A made-up invitation does not tell either.
    const bogus = { invitationToken: `pulsar_invite_${randomBytes(32).toString("base64url")}` };
    const knownBogus = await attempt(registered.email, bogus);
    expect(knownBogus.body).toEqual({
      code: "invalid_argument",
      message: "invitationToken is unknown, used or expired",
    });
    expect((await attempt(uniqueEmail(), bogus)).body).toEqual(knownBogus.body);
    // No answer cost a password hash, so none took longer than another.
    expect(counting.counts).toEqual({ hash: 0, verify: 0, burn: 0 });
  });
});

describe("revoking tokens", () => {
  it("takes a signed-in admin or the token's creator; another member and any API token are refused", async () => {
    const admin = await signUpAdmin();
    const creator = await addMember(admin);
    const other = await addMember(admin);
    const adminsToken = await createToken(admin);
    const first = await createToken(creator);
    const second = await createToken(creator, "TOKEN_SCOPE_AGENT");

    const byApiToken = await call(
      "AuthService/RevokeApiToken",
      { id: first.id },
      { authorization: `Bearer ${adminsToken.secret}` },
    );
    expect(byApiToken.status).toBe(403);
    expect(byApiToken.body.message).toBe(
      "only a signed-in member may revoke tokens, not an API token",
    );
    const byOther = await call(
      "AuthService/RevokeApiToken",
      { id: first.id },
      { cookie: other.cookie },
    );
    expect(byOther.status).toBe(403);
    expect(byOther.body.message).toBe(
      `only an admin or the member who created api token ${first.id} may revoke it`,
    );
    // The refused attempts changed nothing.
    expect(
      (await call("AuthService/Me", {}, { authorization: `Bearer ${first.secret}` })).status,
    ).toBe(200);

    const byCreator = await call(
      "AuthService/RevokeApiToken",
      { id: first.id },
      { cookie: creator.cookie },
    );
    expect(byCreator.status).toBe(200);
    expect(
      (await call("AuthService/Me", {}, { authorization: `Bearer ${first.secret}` })).status,
    ).toBe(401);

    // Agent tokens, through HostService, follow the same rule.
    const agentByOther = await call(
      "HostService/RevokeAgentToken",
      { id: second.id },
      { cookie: other.cookie },
    );
    expect(agentByOther.status).toBe(403);
    const agentByApiToken = await call(
      "HostService/RevokeAgentToken",
      { id: second.id },
      { authorization: `Bearer ${adminsToken.secret}` },
    );
    expect(agentByApiToken.status).toBe(403);
    const agentByAdmin = await call(
      "HostService/RevokeAgentToken",
      { id: second.id },
      { cookie: admin.cookie },
    );
    expect(agentByAdmin.status).toBe(200);
    const listed = await call("HostService/ListAgentTokens", {}, { cookie: admin.cookie });
    expect(listed.body.apiTokens ?? []).toEqual([]);
  });
});

describe("RemoveMember", () => {
  it("ends the removed member's sessions and streams at once, and their tokens stop working", async () => {
    const admin = await signUpAdmin();
    const member = await addMember(admin);
    const token = await createToken(member);
    const byCookie = await connectClient(`ws://${host}/ws`, { cookie: member.cookie });
    const byToken = await connectClient(`ws://${host}/ws`, bearerHeaders(token.secret));
    const adminStream = await connectClient(`ws://${host}/ws`, { cookie: admin.cookie });

    const listed = await call("AuthService/ListMembers", {}, { cookie: member.cookie });
    expect(
      (listed.body.members as { id: string; role: string }[]).map((m) => [m.id, m.role]),
    ).toEqual([
      [admin.id, "ROLE_ADMIN"],
      [member.id, "ROLE_MEMBER"],
    ]);

    const removed = await call(
      "AuthService/RemoveMember",
      { userId: member.id },
      { cookie: admin.cookie },
    );
    expect(removed.status).toBe(200);
    expect(await byCookie.closed).toEqual({
      code: CLOSE_POLICY_VIOLATION,
      reason: "credentials revoked",
    });
    expect((await byToken.closed).code).toBe(CLOSE_POLICY_VIOLATION);
    expect((await call("AuthService/Me", {}, { cookie: member.cookie })).status).toBe(401);
    expect(
      (await call("AuthService/Me", {}, { authorization: `Bearer ${token.secret}` })).status,
    ).toBe(401);
    await expect(connectClient(`ws://${host}/ws`, { cookie: member.cookie })).rejects.toThrow(
      /401/,
    );
    const after = await call("AuthService/ListMembers", {}, { cookie: admin.cookie });
    expect((after.body.members as { id: string }[]).map((m) => m.id)).toEqual([admin.id]);
    // The signed-in member cannot sign in again either.
    expect(
      (await call("AuthService/SignIn", { email: member.email, password: PASSWORD })).status,
    ).toBe(401);
    expect(adminStream.socket.readyState).toBe(adminStream.socket.OPEN);
    adminStream.socket.terminate();
  });

  it("is for admins only, never on oneself, and another organization's user is not_found like an unknown one", async () => {
    const admin = await signUpAdmin();
    const member = await addMember(admin);
    const stranger = await signUpAdmin();
    const apiToken = await createToken(admin);

    const byMember = await call(
      "AuthService/RemoveMember",
      { userId: admin.id },
      { cookie: member.cookie },
    );
    expect(byMember.status).toBe(403);
    expect(byMember.body.message).toBe("only admins may remove members");
    const byToken = await call(
      "AuthService/RemoveMember",
      { userId: member.id },
      { authorization: `Bearer ${apiToken.secret}` },
    );
    expect(byToken.status).toBe(403);
    const self = await call(
      "AuthService/RemoveMember",
      { userId: admin.id },
      { cookie: admin.cookie },
    );
    expect(self.body).toEqual({
      code: "invalid_argument",
      message: "userId is yourself; another admin must remove you",
    });
    const unknownId = randomUUID();
    const unknown = await call(
      "AuthService/RemoveMember",
      { userId: unknownId },
      { cookie: admin.cookie },
    );
    expect(unknown.body).toEqual({ code: "not_found", message: `member ${unknownId} not found` });
    const foreign = await call(
      "AuthService/RemoveMember",
      { userId: stranger.id },
      { cookie: admin.cookie },
    );
    expect(foreign.body).toEqual({ code: "not_found", message: `member ${stranger.id} not found` });
    const garbage = await call(
      "AuthService/RemoveMember",
      { userId: "1 OR 1=1" },
      { cookie: admin.cookie },
    );
    expect(garbage.body).toEqual({ code: "invalid_argument", message: "userId must be a UUID" });
    // Nobody was removed.
    expect((await call("AuthService/Me", {}, { cookie: stranger.cookie })).status).toBe(200);
    expect((await call("AuthService/Me", {}, { cookie: member.cookie })).status).toBe(200);
  });

  it("lets only one of two admins removing each other at once succeed", async () => {
    const first = await signUpAdmin();
    const invitation = await call(
      "AuthService/CreateInvitation",
      { email: uniqueEmail(), role: "ROLE_ADMIN" },
      { cookie: first.cookie },
    );
    const email = (invitation.body.invitation as { email: string }).email;
    const joined = await call("AuthService/SignUp", {
      email,
      password: PASSWORD,
      name: "Second admin",
      invitationToken: invitation.body.invitationToken,
    });
    const second = { id: (joined.body.user as { id: string }).id, cookie: cookieOf(joined) };
    const [a, b] = await Promise.all([
      call("AuthService/RemoveMember", { userId: second.id }, { cookie: first.cookie }),
      call("AuthService/RemoveMember", { userId: first.id }, { cookie: second.cookie }),
    ]);
    // The loser was removed first: refused by the lock's re-check (403), or, arriving after
    // the commit, without a session at all (401).
    const statuses = [a.status, b.status].sort();
    expect(statuses[0]).toBe(200);
    expect([401, 403]).toContain(statuses[1]);
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM users WHERE id = ANY($1) AND role = 'admin'",
      [[first.id, second.id]],
    );
    expect(rows[0]?.n).toBe(1);
  });
});

describe("invitations", () => {
  it("are listed for admins only and, once revoked, let nobody sign up", async () => {
    const admin = await signUpAdmin();
    const member = await addMember(admin);
    const pending = await invite(admin);

    const listed = await call("AuthService/ListInvitations", {}, { cookie: admin.cookie });
    expect(listed.body.invitations).toEqual([
      expect.objectContaining({ id: pending.id, email: pending.email, role: "ROLE_MEMBER" }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(pending.token);
    const byMember = await call("AuthService/ListInvitations", {}, { cookie: member.cookie });
    expect(byMember.body).toEqual({
      code: "permission_denied",
      message: "only admins may see invitations",
    });
    const revokeByMember = await call(
      "AuthService/RevokeInvitation",
      { id: pending.id },
      { cookie: member.cookie },
    );
    expect(revokeByMember.status).toBe(403);

    const stranger = await signUpAdmin();
    const foreign = await call(
      "AuthService/RevokeInvitation",
      { id: pending.id },
      { cookie: stranger.cookie },
    );
    expect(foreign.body).toEqual({
      code: "not_found",
      message: `invitation ${pending.id} not found`,
    });

    const revoked = await call(
      "AuthService/RevokeInvitation",
      { id: pending.id },
      { cookie: admin.cookie },
    );
    expect(revoked.status).toBe(200);
    const used = await call("AuthService/SignUp", {
      email: pending.email,
      password: PASSWORD,
      name: "Late",
      invitationToken: pending.token,
    });
    expect(used.body).toEqual({
      code: "invalid_argument",
      message: "invitationToken is unknown, used or expired",
    });
    expect(
      (await call("AuthService/ListInvitations", {}, { cookie: admin.cookie })).body.invitations ??
        [],
    ).toEqual([]);
    const again = await call(
      "AuthService/RevokeInvitation",
      { id: pending.id },
      { cookie: admin.cookie },
    );
    expect(again.status).toBe(404);
    const garbage = await call(
      "AuthService/RevokeInvitation",
      { id: "x".repeat(10_000) },
      { cookie: admin.cookie },
    );
    expect(garbage.body).toEqual({ code: "invalid_argument", message: "id must be a UUID" });
  });
});

describe("quotas", () => {
  it("caps API and worker tokens together, and frees a place when one is revoked", async () => {
    const admin = await signUpAdmin();
    const first = await createToken(admin);
    await createToken(admin, "TOKEN_SCOPE_WORKER");
    const over = await call(
      "AuthService/CreateApiToken",
      { name: "third" },
      { cookie: admin.cookie },
    );
    expect(over.status).toBe(429);
    expect(over.body).toEqual({
      code: "resource_exhausted",
      message: `this organization has reached its limit of ${QUOTAS.apiTokens} API and worker tokens (PULSAR_ORG_MAX_API_TOKENS); revoke some first`,
    });
    // Waiting does not help, so no retry-after.
    expect(over.headers.get("retry-after")).toBeNull();
    // Agent tokens have a quota of their own.
    await createToken(admin, "TOKEN_SCOPE_AGENT");
    await call("AuthService/RevokeApiToken", { id: first.id }, { cookie: admin.cookie });
    await createToken(admin);
  });

  it("caps agent tokens, whichever RPC creates them", async () => {
    const admin = await signUpAdmin();
    await createToken(admin, "TOKEN_SCOPE_AGENT");
    await createToken(admin, "TOKEN_SCOPE_AGENT");
    const over = await call(
      "AuthService/CreateApiToken",
      { name: "third", scope: "TOKEN_SCOPE_AGENT" },
      { cookie: admin.cookie },
    );
    expect(over.status).toBe(429);
    expect(String(over.body.message)).toContain("PULSAR_ORG_MAX_AGENT_TOKENS");

    // HostService's CreateAgentToken, given the same quotas, counts the same rows.
    const { rows } = await db.pool.query<{ org_id: string }>(
      "SELECT org_id FROM users WHERE id = $1",
      [admin.id],
    );
    const caller: Caller = {
      orgId: rows[0]?.org_id ?? "",
      orgName: "Ada's team",
      orgCreatedAt: new Date(),
      role: "admin",
      user: { id: admin.id, email: admin.email, name: "Ada", createdAt: new Date() },
    };
    const asAdmin: Interceptor = (next) => (req) => {
      req.contextValues.set(callerKey, caller);
      return next(req);
    };
    const hosts = createClient(
      HostService,
      createRouterTransport((router) =>
        router.service(HostService, createAgentTokenRpcs(db.pool, { quotas: QUOTAS }), {
          interceptors: [errorInterceptor(silentLogger), asAdmin],
        }),
      ),
    );
    const refused = await hosts
      .createAgentToken({ name: "fourth" })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConnectError);
    expect((refused as ConnectError).code).toBe(Code.ResourceExhausted);
    expect((refused as ConnectError).rawMessage).toContain("PULSAR_ORG_MAX_AGENT_TOKENS");
  });

  it("caps members and pending invitations together; a revoked invitation frees its place", async () => {
    const admin = await signUpAdmin();
    await addMember(admin);
    const pending = await invite(admin);
    const over = await call(
      "AuthService/CreateInvitation",
      { email: uniqueEmail() },
      { cookie: admin.cookie },
    );
    expect(over.status).toBe(429);
    expect(over.body.message).toBe(
      `this organization has reached its limit of ${QUOTAS.members} members and pending invitations (PULSAR_ORG_MAX_MEMBERS); remove members or revoke invitations first`,
    );
    await call("AuthService/RevokeInvitation", { id: pending.id }, { cookie: admin.cookie });
    await invite(admin);
  });
});
