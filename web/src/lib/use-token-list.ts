import { useCallback, useEffect, useRef, useState } from "react";
import { type ApiProblem, isUnauthenticated, problemOf } from "../api/errors";

/** TokenListOps are the RPCs of one kind of token (API tokens, probe tokens). */
export interface TokenListOps<T, C, A extends unknown[]> {
  /** The live tokens, newest first. */
  list: (signal: AbortSignal) => Promise<T[]>;
  /** Makes a token: the token to list, and what to show once (with its secret). */
  create: (...args: A) => Promise<{ token: T | undefined; created: C }>;
  revoke: (id: string) => Promise<void>;
}

/** TokenListData are the tokens and what changes them. */
export interface TokenListData<T, C, A extends unknown[]> {
  /** Live tokens, newest first; undefined while loading. */
  tokens: T[] | undefined;
  /** Why the list could not be loaded, in the server's words. */
  problem: ApiProblem | undefined;
  /** The token just created; cleared by dismissCreated and never fetched again. */
  created: C | undefined;
  dismissCreated: () => void;
  /** create makes a token; it rejects with the server's error for the form to show. */
  create: (...args: A) => Promise<void>;
  /** revoke revokes a token; it rejects with the server's error. */
  revoke: (id: string) => Promise<void>;
}

/**
 * useTokenList is a page's tokens: listed once, then kept in step with what the page creates
 * and revokes. The secret of a new token lives only in this state, and is dropped when that
 * token is revoked. `ops` must keep its identity while the client does (useMemo).
 */
export function useTokenList<
  T extends { id: string },
  C extends { id: string },
  A extends unknown[],
>(ops: TokenListOps<T, C, A>, onUnauthenticated: () => void): TokenListData<T, C, A> {
  const [tokens, setTokens] = useState<T[]>();
  const [problem, setProblem] = useState<ApiProblem>();
  const [created, setCreated] = useState<C>();
  const expired = useRef(onUnauthenticated);
  expired.current = onUnauthenticated;

  const fail = useCallback((error: unknown): never => {
    if (isUnauthenticated(error)) expired.current();
    throw error;
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    ops.list(controller.signal).then(setTokens, (error: unknown) => {
      if (controller.signal.aborted) return;
      if (isUnauthenticated(error)) expired.current();
      setProblem(problemOf(error));
    });
    return () => controller.abort();
  }, [ops]);

  const create = useCallback(
    async (...args: A) => {
      const { token, created } = await ops.create(...args).catch(fail);
      if (token) setTokens((held) => [token, ...(held ?? []).filter((t) => t.id !== token.id)]);
      setCreated(created);
    },
    [ops, fail],
  );

  const revoke = useCallback(
    async (id: string) => {
      await ops.revoke(id).catch(fail);
      setTokens((held) => held?.filter((t) => t.id !== id));
      // A revoked token's secret is worth nothing: stop showing it.
      setCreated((shown) => (shown?.id === id ? undefined : shown));
    },
    [ops, fail],
  );

  const dismissCreated = useCallback(() => setCreated(undefined), []);

  return { tokens, problem, created, dismissCreated, create, revoke };
}
