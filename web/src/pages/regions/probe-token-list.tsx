import type { ProbeToken } from "../../../../gen/pulsar/v1/probe_pb";
import { TokenTable } from "../../components/token-table";

/** ProbeTokenListProps are the tokens and what revoking one starts (a confirmation). */
export interface ProbeTokenListProps {
  tokens: readonly ProbeToken[];
  onRevoke: (token: ProbeToken) => void;
}

/** ProbeTokenList is the table of live probe tokens, by region. */
export function ProbeTokenList({ tokens, onRevoke }: ProbeTokenListProps) {
  return (
    <TokenTable
      tokens={tokens}
      caption="Probe tokens"
      empty="No probe tokens yet."
      kind={{ header: "Region", of: (token) => token.region }}
      onRevoke={onRevoke}
    />
  );
}
