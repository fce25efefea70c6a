import { useId, useState } from "react";
import type { ProbeToken } from "../../../../gen/pulsar/v1/probe_pb";
import { problemOf } from "../../api/errors";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { FormError } from "../../components/form";
import { ShownOnce } from "../../components/shown-once";
import { Spinner } from "../../components/spinner";
import type { ProbeTokensClient } from "./client";
import { CreateProbeTokenForm } from "./create-probe-token-form";
import { ProbeTokenList } from "./probe-token-list";
import { useProbeTokens } from "./use-probe-tokens";

/** ProbeTokensSectionProps are where the tokens come from, the regions to suggest, the clipboard. */
export interface ProbeTokensSectionProps {
  client: ProbeTokensClient;
  onUnauthenticated: () => void;
  regions: readonly string[];
  copy?: (text: string) => Promise<void>;
}

/**
 * ProbeTokensSection is the system admin's part of the Regions page: the secret of a probe
 * token just created (once), the create form, and the list with revoke, which asks first.
 */
export function ProbeTokensSection({
  client,
  onUnauthenticated,
  regions,
  copy,
}: ProbeTokensSectionProps) {
  const titleId = useId();
  const tokens = useProbeTokens(client, onUnauthenticated);
  const [revoking, setRevoking] = useState<ProbeToken>();
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
      await tokens.revoke(revoking.id);
      closeDialog();
    } catch (error) {
      setRevokeError(problemOf(error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={titleId} className="space-y-4">
      <div>
        <h2 id={titleId} className="text-lg font-semibold">
          Probe tokens
        </h2>
        <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
          A probe checks one region's monitors, of every organization, from anywhere that reaches
          this API over HTTPS: start it with PULSAR_URL and the token as PULSAR_PROBE_TOKEN. The
          token decides the region.
        </p>
      </div>

      {tokens.created && (
        <ShownOnce
          title={
            <>
              Probe token “{tokens.created.name}” created for {tokens.created.region}
            </>
          }
          warning="Copy the secret now: it will not be shown again. Pulsar keeps only its hash."
          label="Probe token"
          value={tokens.created.secret}
          noun="the token"
          onDone={tokens.dismissCreated}
          copy={copy}
        />
      )}
      <CreateProbeTokenForm onCreate={tokens.create} regions={regions} />

      {tokens.tokens ? (
        <ProbeTokenList tokens={tokens.tokens} onRevoke={setRevoking} />
      ) : tokens.problem ? (
        <FormError>Could not load the probe tokens: {tokens.problem.message}</FormError>
      ) : (
        <Spinner label="Loading probe tokens…" />
      )}

      <ConfirmDialog
        open={revoking !== undefined}
        title={`Revoke “${revoking?.name ?? ""}”?`}
        confirmLabel="Revoke token"
        onConfirm={() => void confirmRevoke()}
        onCancel={closeDialog}
        busy={busy}
        error={revokeError}
      >
        The probe is refused at its next call. The checks it holds go to another probe of{" "}
        {revoking?.region ?? "the region"} once their leases lapse. This cannot be undone.
      </ConfirmDialog>
    </section>
  );
}
