import { useCallback, useEffect, useRef, useState } from "react";
import type { ApiToken, TokenScope } from "../../../../gen/pulsar/v1/auth_pb";
import { type ApiProblem, isUnauthenticated, problemOf } from "../../api/errors";
import type { TokensDeps } from "./client";

/** CreatedToken is a token just created, with the secret the server shows only once. */
export interface CreatedToken {
  id: string;
  name: string;
  secret: string;
}

/** TokensPageData is the tokens page's data and what changes it. */
export interface TokensPageData {
  /** Live tokens, newest first; undefined while loading. */
  tokens: ApiToken[] | undefined;
  /** Why the list could not be loaded, in the server's words. */
  problem: ApiProblem | undefined;
  /** The token just created; cleared by dismissCreated and never fetched again. */
  created: CreatedToken | undefined;
  dismissCreated: () => void;
  /** create makes a token; it rejects with the server's error for the form to show. */
  create: (name: string, scope: TokenScope) => Promise<void>;
  /** revoke revokes a token; it rejects with the server's error. */
  revoke: (id: string) => Promise<void>;
}

/**
 * useTokensPage is the tokens page's data: ListApiTokens once, then the list kept in step with
 * what this page creates and revokes. The secret of a new token lives only in this state.
 */
export function useTokensPage({ client, onUnauthenticated }: TokensDeps): TokensPageData {
  const [tokens, setTokens] = useState<ApiToken[]>();
  const [problem, setProblem] = useState<ApiProblem>();
  const [created, setCreated] = useState<CreatedToken>();
  const expired = useRef(onUnauthenticated);
  expired.current = onUnauthenticated;

  const fail = useCallback((error: unknown) => {
    if (isUnauthenticated(error)) expired.current();
    throw error;
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    client.listApiTokens({}, { signal: controller.signal }).then(
      (res) => setTokens(res.apiTokens),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        if (isUnauthenticated(error)) expired.current();
        setProblem(problemOf(error));
      },
    );
    return () => controller.abort();
  }, [client]);

  const create = useCallback(
    async (name: string, scope: TokenScope) => {
      const res = await client.createApiToken({ name, scope }).catch(fail);
      const token = res.apiToken;
      if (token) setTokens((held) => [token, ...(held ?? []).filter((t) => t.id !== token.id)]);
      setCreated({ id: token?.id ?? "", name: token?.name ?? name, secret: res.token });
    },
    [client, fail],
  );

  const revoke = useCallback(
    async (id: string) => {
      await client.revokeApiToken({ id }).catch(fail);
      setTokens((held) => held?.filter((t) => t.id !== id));
      // A revoked token's secret is worth nothing: stop showing it.
      setCreated((shown) => (shown?.id === id ? undefined : shown));
    },
    [client, fail],
  );

  const dismissCreated = useCallback(() => setCreated(undefined), []);

  return { tokens, problem, created, dismissCreated, create, revoke };
}
