import type { ApiToken } from "../../../../gen/pulsar/v1/auth_pb";
import { TokenTable } from "../../components/token-table";
import { SCOPE_LABEL } from "./scopes";

/** TokenListProps are the tokens and what revoking one starts (a confirmation). */
export interface TokenListProps {
  tokens: readonly ApiToken[];
  onRevoke: (token: ApiToken) => void;
}

/** TokenList is the table of live API, worker and agent tokens, by scope. */
export function TokenList({ tokens, onRevoke }: TokenListProps) {
  return (
    <TokenTable
      tokens={tokens}
      caption="API tokens"
      empty="No tokens yet."
      kind={{ header: "Scope", of: (token) => SCOPE_LABEL[token.scope] ?? "Unknown" }}
      onRevoke={onRevoke}
    />
  );
}
