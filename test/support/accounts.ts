import { randomUUID } from "node:crypto";
import type { Interceptor } from "@connectrpc/connect";
import * as accounts from "../../internal/accounts/accounts.js";
import type { Caller } from "../../internal/auth/caller.js";
import { newSecret } from "../../internal/auth/secrets.js";
import type { Queryable } from "../../internal/db/pool.js";

/** TestOrg is an organization made for a test, with an admin and an API token. */
export interface TestOrg {
  orgId: string;
  userId: string;
  email: string;
  /** A TOKEN_SCOPE_API secret of the organization. */
  apiToken: string;
  /** The Caller a request with apiToken resolves to. */
  caller: Caller;
  /** Makes another token of the organization (worker or agent scope, say). */
  token(scope: accounts.TokenScopeName): Promise<string>;
}

/**
 * createTestOrg inserts an organization, an admin (with an unusable password hash: sign in
 * through AuthService in tests that need it) and an API token, straight into the database.
 */
export async function createTestOrg(db: Queryable, name = "Test org"): Promise<TestOrg> {
  const org = await accounts.insertOrganization(db, name);
  const email = `admin-${randomUUID()}@example.test`;
  const user = await accounts.insertUser(db, {
    org,
    email,
    name: "Test admin",
    role: "admin",
    passwordHash: "not-a-hash",
  });
  const token = async (scope: accounts.TokenScopeName) => {
    const secret = newSecret(scope);
    await accounts.insertApiToken(db, {
      orgId: org.id,
      createdBy: user.id,
      name: `${scope} token`,
      scope,
      tokenHash: secret.hash,
      prefix: secret.prefix,
    });
    return secret.secret;
  };
  const apiToken = await token("api");
  return {
    orgId: org.id,
    userId: user.id,
    email,
    apiToken,
    caller: { orgId: org.id, orgName: org.name, orgCreatedAt: org.createdAt, role: "member" },
    token,
  };
}

/** bearer is a Connect client interceptor that sends `Authorization: Bearer <token>`. */
export function bearer(token: string): Interceptor {
  return (next) => (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
}
