import { useId } from "react";

/** AnswerTextProps are what a target said and its caption. */
export interface AnswerTextProps {
  text: string;
  title: string;
}

/**
 * AnswerText shows, under its caption, text a target or a job sent (a TCP answer, a ping's body) as it came,
 * preformatted, in a box that scrolls rather than stretching the page: it may be up to 10 KB.
 * Control characters show as the escapes people type in the form (\r, \n stays a line break).
 */
export function AnswerText({ text, title }: AnswerTextProps) {
  const id = useId();
  return (
    <figure aria-labelledby={id}>
      <figcaption id={id} className="text-sm font-medium">
        {title}
      </figcaption>
      <pre className="mt-1 max-h-64 overflow-auto rounded-md bg-slate-50 p-3 font-mono text-xs whitespace-pre-wrap break-all dark:bg-slate-900">
        {visibleControls(text)}
      </pre>
    </figure>
  );
}

/** visibleControls writes CR, tab and other control characters as escapes, keeping line breaks. */
export function visibleControls(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: showing control characters is the point
  return text.replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, (c) => {
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
}
