import { useMemo } from "react";
import type { ProbeToken } from "../../../../gen/pulsar/v1/probe_pb";
import { type TokenListData, useTokenList } from "../../lib/use-token-list";
import type { ProbeTokensClient } from "./client";

/** CreatedProbeToken is a probe token just created, with the secret shown only once. */
export interface CreatedProbeToken {
  id: string;
  name: string;
  region: string;
  secret: string;
}

/** ProbeTokensData are the probe tokens and what changes them. */
export type ProbeTokensData = TokenListData<
  ProbeToken,
  CreatedProbeToken,
  [name: string, region: string]
>;

/**
 * useProbeTokens is the probe tokens' data: ListProbeTokens once, then the list kept in step
 * with what this page creates and revokes. The secret of a new token lives only in this state.
 */
export function useProbeTokens(
  client: ProbeTokensClient,
  onUnauthenticated: () => void,
): ProbeTokensData {
  const ops = useMemo(
    () => ({
      list: async (signal: AbortSignal) =>
        (await client.listProbeTokens({}, { signal })).probeTokens,
      create: async (name: string, region: string) => {
        const res = await client.createProbeToken({ name, region });
        const token = res.probeToken;
        const created = {
          id: token?.id ?? "",
          name: token?.name ?? name,
          region: token?.region ?? region,
          secret: res.token,
        };
        return { token, created };
      },
      revoke: async (id: string) => {
        await client.revokeProbeToken({ id });
      },
    }),
    [client],
  );
  return useTokenList(ops, onUnauthenticated);
}
