import type { ServiceImpl } from "@connectrpc/connect";
import type pg from "pg";
import type { HostService } from "../../gen/pulsar/v1/host_pb.js";
import * as accounts from "../accounts/accounts.js";
import { getCaller } from "../auth/caller.js";
import { newSecret } from "../auth/secrets.js";
import { requireUuid } from "../core/validate.js";
import { DEFAULT_ORG_QUOTAS, insertWithinQuota, type OrgQuotas } from "../quota/org-quotas.js";
import { requireText } from "./account-input.js";
import { apiTokenMessage } from "./account-messages.js";
import { requireMember } from "./require-member.js";
import { revokeToken } from "./token-revocation.js";

/** AgentTokenRpcs are the HostService methods that manage agent tokens. */
export type AgentTokenRpcs = Pick<
  ServiceImpl<typeof HostService>,
  "createAgentToken" | "listAgentTokens" | "revokeAgentToken"
>;

/** AgentTokenOptions tune the agent-token RPCs. */
export interface AgentTokenOptions {
  /** Per-organization limits (PULSAR_ORG_MAX_AGENT_TOKENS); the documented defaults when
   *  absent. */
  quotas?: OrgQuotas;
}

const AGENT: readonly accounts.TokenScopeName[] = ["agent"];

/**
 * createAgentTokenRpcs implements CreateAgentToken, ListAgentTokens and RevokeAgentToken over
 * api_tokens with scope "agent": the same rows as AuthService's tokens, seen only through that
 * scope, so an API or worker token's id answers not_found here like another organization's.
 * Creating one takes a signed-in member, as for every token: a leaked API token must not mint
 * credentials that outlive its revocation. Revoking one takes a signed-in admin or the member
 * who created it (token-revocation.ts).
 */
export function createAgentTokenRpcs(
  pool: pg.Pool,
  options: AgentTokenOptions = {},
): AgentTokenRpcs {
  const quotas = options.quotas ?? DEFAULT_ORG_QUOTAS;
  return {
    async createAgentToken(req, ctx) {
      const member = requireMember(getCaller(ctx), "create agent tokens");
      const name = requireText("name", req.name, 100);
      const secret = newSecret("agent");
      const token = await insertWithinQuota(
        pool,
        { orgId: member.orgId, kind: "agentTokens", limit: quotas.agentTokens },
        (tx) =>
          accounts.insertApiToken(tx, {
            orgId: member.orgId,
            createdBy: member.user.id,
            name,
            scope: "agent",
            tokenHash: secret.hash,
            prefix: secret.prefix,
          }),
      );
      return { token: secret.secret, apiToken: apiTokenMessage(token) };
    },
    async listAgentTokens(_req, ctx) {
      const tokens = await accounts.listApiTokens(pool, getCaller(ctx).orgId, AGENT);
      return { apiTokens: tokens.map(apiTokenMessage) };
    },
    async revokeAgentToken(req, ctx) {
      const id = requireUuid("id", req.id);
      await revokeToken(pool, getCaller(ctx), { id, scopes: AGENT, noun: "agent token" });
      return {};
    },
  };
}
