import { useId, useRef, useState } from "react";
import { Button } from "../../components/form";

/** CopyFieldProps are a read-only value to copy, its label, and the clipboard. */
export interface CopyFieldProps {
  label: string;
  value: string;
  /** Writes to the clipboard; tests pass a fake. */
  copy?: (text: string) => Promise<void>;
}

const clipboardCopy = (text: string) => navigator.clipboard.writeText(text);

/**
 * CopyField is a read-only field with a Copy button. Without a clipboard (plain http, or
 * permission refused) the text is left selected for Ctrl+C, and the message says so.
 */
export function CopyField({ label, value, copy = clipboardCopy }: CopyFieldProps) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"yes" | "failed">();

  const copyValue = async () => {
    try {
      await copy(value);
      setCopied("yes");
    } catch {
      input.current?.focus();
      input.current?.select();
      setCopied("failed");
    }
  };

  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <div className="flex gap-2">
        <input
          id={id}
          ref={input}
          readOnly
          value={value}
          onFocus={(e) => e.target.select()}
          className="block w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs dark:border-slate-700 dark:bg-slate-900"
        />
        <Button kind="secondary" onClick={() => void copyValue()} aria-label={`Copy ${label}`}>
          {copied === "yes" ? "Copied" : "Copy"}
        </Button>
      </div>
      <p aria-live="polite" className="text-xs text-slate-600 dark:text-slate-400">
        {copied === "yes" && "Copied to the clipboard."}
        {copied === "failed" &&
          "Could not reach the clipboard: the text is selected, copy it with Ctrl+C (⌘C)."}
      </p>
    </div>
  );
}
