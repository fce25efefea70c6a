import { ShownOnce } from "../../components/shown-once";
import type { CreatedToken } from "./use-tokens-page";

/** NewTokenSecretProps are the token just created and how to put its secret away. */
export interface NewTokenSecretProps {
  token: CreatedToken;
  onDone: () => void;
  /** Writes to the clipboard; tests pass a fake. */
  copy?: (text: string) => Promise<void>;
}

/** NewTokenSecret shows a new token's secret once (ShownOnce): only its hash is kept. */
export function NewTokenSecret({ token, onDone, copy }: NewTokenSecretProps) {
  return (
    <ShownOnce
      title={<>Token “{token.name}” created</>}
      warning="Copy the secret now: it will not be shown again. Pulsar keeps only its hash."
      label="Secret"
      value={token.secret}
      noun="the secret"
      onDone={onDone}
      copy={copy}
    />
  );
}
