import { useState } from "react";
import { problemOf } from "../../api/errors";

/** Deletion is a delete waiting for the person's confirmation, and how it is going. */
export interface Deletion<T> {
  /** What the dialog asks about; undefined when it is closed. */
  target: T | undefined;
  busy: boolean;
  /** Why the delete failed, in the server's words; the dialog stays open. */
  error: string | undefined;
  ask: (target: T) => void;
  cancel: () => void;
  confirm: () => Promise<void>;
}

/** useDeletion holds a ConfirmDialog's state for deleting one of a list's items with `remove`. */
export function useDeletion<T extends { id: string }>(
  remove: (id: string) => Promise<void>,
): Deletion<T> {
  const [target, setTarget] = useState<T>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const cancel = () => {
    setTarget(undefined);
    setError(undefined);
  };
  const confirm = async () => {
    if (!target) return;
    setBusy(true);
    setError(undefined);
    try {
      await remove(target.id);
      setTarget(undefined);
    } catch (e) {
      setError(problemOf(e).message);
    } finally {
      setBusy(false);
    }
  };
  return { target, busy, error, ask: setTarget, cancel, confirm };
}
