import { useState } from "react";
import { problemOf } from "../../api/errors";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { Button } from "../../components/form";

/** DeleteHostProps are the host's name, what deleting does, and what follows it. */
export interface DeleteHostProps {
  name: string;
  onDelete: () => Promise<void>;
  /** After the server deleted it: the page leaves for the host list. */
  onDeleted: () => void;
}

/**
 * DeleteHost is the Delete button and its confirmation, which says what goes with the host and
 * that a running agent brings it back: deleting does not stop an agent.
 */
export function DeleteHost({ name, onDelete, onDeleted }: DeleteHostProps) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onDelete();
      setOpen(false);
      onDeleted();
    } catch (e) {
      setError(problemOf(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button kind="danger" onClick={() => setOpen(true)}>
        Delete host
      </Button>
      <ConfirmDialog
        open={open}
        title={`Delete ${name}?`}
        confirmLabel="Delete host"
        onConfirm={() => void confirm()}
        onCancel={() => {
          setOpen(false);
          setError(undefined);
        }}
        busy={busy}
        error={error}
      >
        Its history goes with it: every sample and the state of its alert rules. An agent still
        running on it re-creates it, as a new host, at its next push: stop the agent first.
      </ConfirmDialog>
    </>
  );
}
