import { useMemo } from "react";
import type { ApiToken, TokenScope } from "../../../../gen/pulsar/v1/auth_pb";
import { type TokenListData, useTokenList } from "../../lib/use-token-list";
import type { TokensDeps } from "./client";

/** CreatedToken is a token just created, with the secret the server shows only once. */
export interface CreatedToken {
  id: string;
  name: string;
  secret: string;
}

/** TokensPageData is the tokens page's data and what changes it. */
export type TokensPageData = TokenListData<
  ApiToken,
  CreatedToken,
  [name: string, scope: TokenScope]
>;

/**
 * useTokensPage is the tokens page's data: ListApiTokens once, then the list kept in step with
 * what this page creates and revokes. The secret of a new token lives only in this state.
 */
export function useTokensPage({ client, onUnauthenticated }: TokensDeps): TokensPageData {
  const ops = useMemo(
    () => ({
      list: async (signal: AbortSignal) => (await client.listApiTokens({}, { signal })).apiTokens,
      create: async (name: string, scope: TokenScope) => {
        const res = await client.createApiToken({ name, scope });
        const token = res.apiToken;
        return {
          token,
          created: { id: token?.id ?? "", name: token?.name ?? name, secret: res.token },
        };
      },
      revoke: async (id: string) => {
        await client.revokeApiToken({ id });
      },
    }),
    [client],
  );
  return useTokenList(ops, onUnauthenticated);
}
