import type { StatusPage } from "../../../../gen/pulsar/v1/status_page_pb";
import { ConfirmDialog } from "../../components/confirm-dialog";
import type { Deletion } from "../alerts/use-deletion";

/** DeletePageDialog asks before a status page and its incidents are deleted. */
export function DeletePageDialog({ deletion }: { deletion: Deletion<StatusPage> }) {
  const target = deletion.target;
  return (
    <ConfirmDialog
      open={target !== undefined}
      title={`Delete “${target?.spec?.title ?? ""}”?`}
      confirmLabel="Delete status page"
      onConfirm={() => void deletion.confirm()}
      onCancel={deletion.cancel}
      busy={deletion.busy}
      error={deletion.error}
    >
      Its incidents go with it, and {target?.publicPath || "its public address"} answers “not found”
      at once. This cannot be undone.
    </ConfirmDialog>
  );
}
