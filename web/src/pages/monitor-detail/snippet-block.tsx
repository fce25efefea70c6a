import { useId, useRef, useState } from "react";
import { Button } from "../../components/form";

/** SnippetBlockProps are a command to copy, its name, a line about it, and the clipboard. */
export interface SnippetBlockProps {
  label: string;
  text: string;
  hint?: string;
  /** Writes to the clipboard; tests pass a fake. */
  copy?: (text: string) => Promise<void>;
}

const clipboardCopy = (text: string) => navigator.clipboard.writeText(text);

/**
 * SnippetBlock is a command shown whole (wrapped, not scrolled sideways: it is read before it
 * is pasted) with a Copy button. Without a clipboard the text is selected for Ctrl+C.
 */
export function SnippetBlock({ label, text, hint, copy = clipboardCopy }: SnippetBlockProps) {
  const id = useId();
  const code = useRef<HTMLPreElement>(null);
  const [copied, setCopied] = useState<"yes" | "failed">();

  const copyText = async () => {
    try {
      await copy(text);
      setCopied("yes");
    } catch {
      const range = document.createRange();
      if (code.current) range.selectNodeContents(code.current);
      window.getSelection()?.removeAllRanges();
      window.getSelection()?.addRange(range);
      setCopied("failed");
    }
  };

  return (
    <figure aria-labelledby={id} className="space-y-1">
      <figcaption id={id} className="text-sm font-medium">
        {label}
      </figcaption>
      <div className="flex items-start gap-2">
        <pre
          ref={code}
          className="min-w-0 flex-1 rounded-md bg-slate-50 p-3 font-mono text-xs whitespace-pre-wrap break-all dark:bg-slate-900"
        >
          {text}
        </pre>
        <Button kind="secondary" onClick={() => void copyText()} aria-label={`Copy ${label}`}>
          {copied === "yes" ? "Copied" : "Copy"}
        </Button>
      </div>
      {hint && <p className="text-xs text-slate-600 dark:text-slate-400">{hint}</p>}
      <p aria-live="polite" className="text-xs text-slate-600 dark:text-slate-400">
        {copied === "yes" && "Copied to the clipboard."}
        {copied === "failed" &&
          "Could not reach the clipboard: the text is selected, copy it with Ctrl+C (⌘C)."}
      </p>
    </figure>
  );
}
