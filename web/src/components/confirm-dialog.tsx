import { type ReactNode, useEffect, useId, useRef } from "react";
import { Button, FormError } from "./form";

/** ConfirmDialogProps configure a ConfirmDialog. */
export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children?: ReactNode;
  /** The confirming button's words: say what happens ("Delete monitor"), not "OK". */
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  /** While the action runs: the buttons are disabled. */
  busy?: boolean;
  /** Why the action failed, in the server's words; the dialog stays open to retry. */
  error?: string;
}

/**
 * ConfirmDialog asks before something that cannot be undone. A native modal <dialog>: the
 * browser traps focus inside and makes the page behind it inert. Focus starts on Cancel (the
 * safe choice), Escape cancels, and focus returns to what opened it.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  busy = false,
  error,
}: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (!element || !open) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!element.open) {
      // showModal is missing in some test DOMs; the open attribute still shows the content.
      if (typeof element.showModal === "function") element.showModal();
      else element.setAttribute("open", "");
    }
    element.querySelector<HTMLElement>("[data-initial-focus]")?.focus();
    return () => {
      if (element.open) element.close();
      element.removeAttribute("open");
      opener?.focus();
    };
  }, [open]);

  return (
    <dialog
      ref={dialog}
      aria-labelledby={titleId}
      aria-describedby={children ? bodyId : undefined}
      // The browser closes a modal dialog on Escape by firing "cancel"; we close it ourselves.
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onCancel();
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape" && !busy) {
          event.preventDefault();
          onCancel();
        }
      }}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-slate-200 bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-950/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      {open && (
        <>
          <h2 id={titleId} className="text-lg font-semibold">
            {title}
          </h2>
          {children && (
            <div id={bodyId} className="mt-2 text-sm text-slate-600 dark:text-slate-300">
              {children}
            </div>
          )}
          {error && (
            <div className="mt-3">
              <FormError>{error}</FormError>
            </div>
          )}
          <div className="mt-5 flex justify-end gap-2">
            <Button data-initial-focus kind="secondary" onClick={onCancel} disabled={busy}>
              Cancel
            </Button>
            <Button kind="danger" onClick={onConfirm} disabled={busy}>
              {busy ? "Working…" : confirmLabel}
            </Button>
          </div>
        </>
      )}
    </dialog>
  );
}
