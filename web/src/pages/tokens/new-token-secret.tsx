import { useEffect, useId, useRef, useState } from "react";
import { Button } from "../../components/form";
import type { CreatedToken } from "./use-tokens-page";

/** NewTokenSecretProps are the token just created and how to put its secret away. */
export interface NewTokenSecretProps {
  token: CreatedToken;
  onDone: () => void;
  /** Writes to the clipboard; tests pass a fake. */
  copy?: (text: string) => Promise<void>;
}

const clipboardCopy = (text: string) => navigator.clipboard.writeText(text);

/**
 * NewTokenSecret shows a new token's secret once, in a read-only field with a Copy button, and
 * warns that it will not be shown again. Focus moves to the secret, so keyboard and screen
 * reader users land on it.
 */
export function NewTokenSecret({ token, onDone, copy = clipboardCopy }: NewTokenSecretProps) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"yes" | "failed">();

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  const copySecret = async () => {
    try {
      await copy(token.secret);
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
        Token “{token.name}” created
      </h2>
      <p id={`${id}-warning`} className="text-sm text-amber-900 dark:text-amber-200">
        Copy the secret now: it will not be shown again. Pulsar keeps only its hash.
      </p>
      <label htmlFor={id} className="block text-sm font-medium">
        Secret
      </label>
      <div className="flex gap-2">
        <input
          id={id}
          ref={input}
          readOnly
          value={token.secret}
          aria-describedby={`${id}-warning`}
          onFocus={(e) => e.target.select()}
          className="block w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm dark:border-slate-700 dark:bg-slate-900"
        />
        <Button kind="secondary" onClick={() => void copySecret()}>
          {copied === "yes" ? "Copied" : "Copy"}
        </Button>
      </div>
      <p aria-live="polite" className="text-sm">
        {copied === "yes" && "Copied to the clipboard."}
        {copied === "failed" &&
          "Could not reach the clipboard: the secret is selected, copy it with Ctrl+C (⌘C)."}
      </p>
      <Button onClick={onDone}>Done</Button>
    </section>
  );
}
