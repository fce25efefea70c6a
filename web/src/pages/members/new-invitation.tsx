import { useEffect, useId, useRef, useState } from "react";
import { Button } from "../../components/form";
import type { CreatedInvitation } from "./use-members-page";

/** NewInvitationProps are the invitation just made and how to put its token away. */
export interface NewInvitationProps {
  invitation: CreatedInvitation;
  onDone: () => void;
  /** Writes to the clipboard; tests pass a fake. */
  copy?: (text: string) => Promise<void>;
}

const clipboardCopy = (text: string) => navigator.clipboard.writeText(text);

/** invitationLink is the sign-up page that joins with `token` (sign-up.tsx reads it). */
export function invitationLink(token: string, origin = window.location.origin): string {
  return `${origin}/sign-up?invitation=${encodeURIComponent(token)}`;
}

/**
 * NewInvitation shows a new invitation once, as a sign-up link holding its token, in a
 * read-only field with a Copy button: the invitee opens it and signs up from the address it was
 * sent to, within 7 days, once. Focus moves to the link, so keyboard and screen reader users
 * land on it.
 */
export function NewInvitation({ invitation, onDone, copy = clipboardCopy }: NewInvitationProps) {
  const id = useId();
  const link = invitationLink(invitation.token);
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"yes" | "failed">();

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  const copyToken = async () => {
    try {
      await copy(link);
      setCopied("yes");
    } catch {
      // No clipboard (plain http, or permission refused): leave it selected for Ctrl+C.
      input.current?.select();
      setCopied("failed");
    }
  };

  return (
    <section
      aria-labelledby={`${id}-title`}
      className="space-y-3 rounded-lg border border-amber-300 bg-amber-50 p-4 dark:border-amber-800 dark:bg-amber-950"
    >
      <h2 id={`${id}-title`} className="font-medium">
        {invitation.email} is invited
      </h2>
      <p id={`${id}-warning`} className="text-sm text-amber-900 dark:text-amber-200">
        Send them this link: they sign up with it from {invitation.email}, within 7 days, once. Copy
        it now: it will not be shown again.
      </p>
      <label htmlFor={id} className="block text-sm font-medium">
        Invitation link
      </label>
      <div className="flex gap-2">
        <input
          id={id}
          ref={input}
          readOnly
          value={link}
          aria-describedby={`${id}-warning`}
          onFocus={(e) => e.target.select()}
          className="block w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm dark:border-slate-700 dark:bg-slate-900"
        />
        <Button kind="secondary" onClick={() => void copyToken()}>
          {copied === "yes" ? "Copied" : "Copy"}
        </Button>
      </div>
      <p aria-live="polite" className="text-sm">
        {copied === "yes" && "Copied to the clipboard."}
        {copied === "failed" &&
          "Could not reach the clipboard: the token is selected, copy it with Ctrl+C (⌘C)."}
      </p>
      <Button onClick={onDone}>Done</Button>
    </section>
  );
}
