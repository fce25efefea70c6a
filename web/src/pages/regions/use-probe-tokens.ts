import { useCallback, useEffect, useRef, useState } from "react";
import type { ProbeToken } from "../../../../gen/pulsar/v1/probe_pb";
import { type ApiProblem, isUnauthenticated, problemOf } from "../../api/errors";
import type { ProbeTokensClient } from "./client";

/** CreatedProbeToken is a probe token just created, with the secret shown only once. */
export interface CreatedProbeToken {
  id: string;
  name: string;
  region: string;
  secret: string;
}

/** ProbeTokensData are the probe tokens and what changes them. */
export interface ProbeTokensData {
  /** Live probe tokens, newest first; undefined while loading. */
  tokens: ProbeToken[] | undefined;
  /** Why the list could not be loaded, in the server's words. */
  problem: ApiProblem | undefined;
  /** The token just created; cleared by dismissCreated and never fetched again. */
  created: CreatedProbeToken | undefined;
  dismissCreated: () => void;
  /** create makes a token; it rejects with the server's error for the form to show. */
  create: (name: string, region: string) => Promise<void>;
  /** revoke revokes a token; it rejects with the server's error. */
  revoke: (id: string) => Promise<void>;
}

/**
 * useProbeTokens is the probe tokens' data: ListProbeTokens once, then the list kept in step
 * with what this page creates and revokes. The secret of a new token lives only in this state.
 */
export function useProbeTokens(
  client: ProbeTokensClient,
  onUnauthenticated: () => void,
): ProbeTokensData {
  const [tokens, setTokens] = useState<ProbeToken[]>();
  const [problem, setProblem] = useState<ApiProblem>();
  const [created, setCreated] = useState<CreatedProbeToken>();
  const expired = useRef(onUnauthenticated);
  expired.current = onUnauthenticated;

  const fail = useCallback((error: unknown) => {
    if (isUnauthenticated(error)) expired.current();
    throw error;
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    client.listProbeTokens({}, { signal: controller.signal }).then(
      (res) => setTokens(res.probeTokens),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        if (isUnauthenticated(error)) expired.current();
        setProblem(problemOf(error));
      },
    );
    return () => controller.abort();
  }, [client]);

  const create = useCallback(
    async (name: string, region: string) => {
      const res = await client.createProbeToken({ name, region }).catch(fail);
      const token = res.probeToken;
      if (token) setTokens((held) => [token, ...(held ?? []).filter((t) => t.id !== token.id)]);
      setCreated({
        id: token?.id ?? "",
        name: token?.name ?? name,
        region: token?.region ?? region,
        secret: res.token,
      });
    },
    [client, fail],
  );

  const revoke = useCallback(
    async (id: string) => {
      await client.revokeProbeToken({ id }).catch(fail);
      setTokens((held) => held?.filter((t) => t.id !== id));
      // A revoked token's secret is worth nothing: stop showing it.
      setCreated((shown) => (shown?.id === id ? undefined : shown));
    },
    [client, fail],
  );

  const dismissCreated = useCallback(() => setCreated(undefined), []);

  return { tokens, problem, created, dismissCreated, create, revoke };
}
