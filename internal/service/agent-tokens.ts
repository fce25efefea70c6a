import type { ServiceImpl } from "@connectrpc/connect";
import type pg from "pg";
import type { HostService } from "../../gen/pulsar/v1/host_pb.js";
import { getCaller } from "../auth/caller.js";
import { newSecret } from "../auth/secrets.js";
import * as accounts from "../db/accounts.js";
import { requireText } from "./account-input.js";
import { apiTokenMessage } from "./account-messages.js";
import { NotFoundError } from "./errors.js";
import { requireMember } from "./require-member.js";
import { requireUuid } from "./validate.js";

/** AgentTokenRpcs are the HostService methods that manage agent tokens. */
export type AgentTokenRpcs = Pick<
  ServiceImpl<typeof HostService>,
  "createAgentToken" | "listAgentTokens" | "revokeAgentToken"
>;

const AGENT: readonly accounts.TokenScopeName[] = ["agent"];

/**
 * createAgentTokenRpcs implements CreateAgentToken, ListAgentTokens and RevokeAgentToken over
 * api_tokens with scope "agent": the same rows as AuthService's tokens, seen only through that
 * scope, so an API or worker token's id answers not_found here like another organization's.
 * Creating one takes a signed-in member, as for every token: a leaked API token must not mint
 * credentials that outlive its revocation.
 */
export function createAgentTokenRpcs(pool: pg.Pool): AgentTokenRpcs {
  return {
    async createAgentToken(req, ctx) {
      const member = requireMember(getCaller(ctx), "create agent tokens");
      const name = requireText("name", req.name, 100);
      const secret = newSecret("agent");
      const token = await accounts.insertApiToken(pool, {
        orgId: member.orgId,
        createdBy: member.user.id,
        name,
        scope: "agent",
        tokenHash: secret.hash,
        prefix: secret.prefix,
      });
      return { token: secret.secret, apiToken: apiTokenMessage(token) };
    },
    async listAgentTokens(_req, ctx) {
      const tokens = await accounts.listApiTokens(pool, getCaller(ctx).orgId, AGENT);
      return { apiTokens: tokens.map(apiTokenMessage) };
    },
    async revokeAgentToken(req, ctx) {
      const id = requireUuid("id", req.id);
      if (!(await accounts.revokeApiToken(pool, getCaller(ctx).orgId, id, AGENT))) {
        throw new NotFoundError(`agent token ${id} not found`);
      }
      return {};
    },
  };
}
