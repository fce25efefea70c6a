import { useState } from "react";
import type { ApiToken } from "../../../../gen/pulsar/v1/auth_pb";
import { problemOf } from "../../api/errors";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { FormError } from "../../components/form";
import { Spinner } from "../../components/spinner";
import type { TokensDeps } from "./client";
import { CreateTokenForm } from "./create-token-form";
import { NewTokenSecret } from "./new-token-secret";
import { TokenList } from "./token-list";
import { useTokensPage } from "./use-tokens-page";

/** TokensViewProps are where the page's data comes from, and the clipboard. */
export interface TokensViewProps extends TokensDeps {
  copy?: (text: string) => Promise<void>;
}

/**
 * TokensView is the API tokens page: the secret of a token just created (once), the create
 * form, and the list with revoke, which asks for confirmation first.
 */
export function TokensView({ copy, ...deps }: TokensViewProps) {
  const page = useTokensPage(deps);
  const [revoking, setRevoking] = useState<ApiToken>();
  const [busy, setBusy] = useState(false);
  const [revokeError, setRevokeError] = useState<string>();

  const closeDialog = () => {
    setRevoking(undefined);
    setRevokeError(undefined);
  };
  const confirmRevoke = async () => {
    if (!revoking) return;
    setBusy(true);
    setRevokeError(undefined);
    try {
      await page.revoke(revoking.id);
      closeDialog();
    } catch (error) {
      setRevokeError(problemOf(error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">API tokens</h1>
        <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
          API tokens let scripts call Pulsar without a password; worker tokens register a worker
          with this organization. Revoking one takes effect at once.
        </p>
      </div>

      {page.created && (
        <NewTokenSecret token={page.created} onDone={page.dismissCreated} copy={copy} />
      )}
      <CreateTokenForm onCreate={page.create} />

      <section aria-label="Tokens" className="space-y-2">
        <h2 className="font-medium">Tokens</h2>
        {page.tokens ? (
          <TokenList tokens={page.tokens} onRevoke={setRevoking} />
        ) : page.problem ? (
          <FormError>Could not load the tokens: {page.problem.message}</FormError>
        ) : (
          <Spinner label="Loading tokens…" />
        )}
      </section>

      <ConfirmDialog
        open={revoking !== undefined}
        title={`Revoke “${revoking?.name ?? ""}”?`}
        confirmLabel="Revoke token"
        onConfirm={() => void confirmRevoke()}
        onCancel={closeDialog}
        busy={busy}
        error={revokeError}
      >
        Anything using this token stops working at once. This cannot be undone.
      </ConfirmDialog>
    </div>
  );
}
