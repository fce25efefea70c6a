import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import { Button } from "./form";

/** ShownOnceProps describe a secret (a token, an invitation link) shown this one time. */
export interface ShownOnceProps {
  title: ReactNode;
  /** Why it must be copied now, read out with the field. */
  warning: ReactNode;
  label: string;
  value: string;
  /** What the clipboard message calls the value ("the secret", "the link"). */
  noun: string;
  onDone: () => void;
  /** Writes to the clipboard; tests pass a fake. */
  copy?: (text: string) => Promise<void>;
}

const clipboardCopy = (text: string) => navigator.clipboard.writeText(text);

/**
 * ShownOnce shows a value the server will not show again, in a read-only field with a Copy
 * button, and warns that it will not be shown again. Focus moves to the value, so keyboard and
 * screen reader users land on it; without a clipboard (plain http, or permission refused) it
 * is left selected for Ctrl+C.
 */
export function ShownOnce({
  title,
  warning,
  label,
  value,
  noun,
  onDone,
  copy = clipboardCopy,
}: ShownOnceProps) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"yes" | "failed">();

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  const copyValue = async () => {
    try {
      await copy(value);
      setCopied("yes");
    } catch {
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
        {title}
      </h2>
      <p id={`${id}-warning`} className="text-sm text-amber-900 dark:text-amber-200">
        {warning}
      </p>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <div className="flex gap-2">
        <input
          id={id}
          ref={input}
          readOnly
          value={value}
          aria-describedby={`${id}-warning`}
          onFocus={(e) => e.target.select()}
          className="block w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm dark:border-slate-700 dark:bg-slate-900"
        />
        <Button kind="secondary" onClick={() => void copyValue()}>
          {copied === "yes" ? "Copied" : "Copy"}
        </Button>
      </div>
      <p aria-live="polite" className="text-sm">
        {copied === "yes" && "Copied to the clipboard."}
        {copied === "failed" &&
          `Could not reach the clipboard: ${noun} is selected, copy it with Ctrl+C (⌘C).`}
      </p>
      <Button onClick={onDone}>Done</Button>
    </section>
  );
}
