import { useId } from "react";
import { Button } from "../../components/form";
import { type LabelRow, MAX_LABEL_VALUE, MAX_LABELS } from "./label-rows";

/** LabelsEditorProps are the rows, what a change does, and the errors to show beside them. */
export interface LabelsEditorProps {
  rows: readonly LabelRow[];
  onChange: (rows: LabelRow[]) => void;
  /** Errors by row index (checkLabels). */
  rowErrors: Readonly<Record<number, string>>;
  /** About the labels as a whole: the count, or the server's words. */
  error?: string;
}

const INPUT =
  "block w-full min-w-0 rounded-md border border-slate-300 bg-white px-2 py-1.5 font-mono text-sm dark:border-slate-700 dark:bg-slate-900";

/**
 * LabelsEditor edits labels as key = value rows: add a row, remove one, each row's error under
 * it. A fieldset, so the legend names every input in it for screen readers.
 */
export function LabelsEditor({ rows, onChange, rowErrors, error }: LabelsEditorProps) {
  const id = useId();
  const set = (index: number, row: LabelRow) =>
    onChange(rows.map((held, i) => (i === index ? row : held)));
  return (
    <fieldset aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="text-sm font-medium">Labels</legend>
      <p className="text-xs text-slate-500 dark:text-slate-400">
        Up to {MAX_LABELS}; keys of lower-case letters, digits, “_”, “.” and “-”. Rules and the host
        filter select hosts by them.
      </p>
      <ul className="mt-2 space-y-2">
        {rows.map((row, index) => {
          const rowError = rowErrors[index];
          const n = index + 1;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place; keys change as typed.
            <li key={index}>
              <div className="flex items-center gap-2">
                <input
                  aria-label={`Label ${n} key`}
                  aria-invalid={rowError ? true : undefined}
                  aria-describedby={rowError ? `${id}-row-${index}` : undefined}
                  className={INPUT}
                  maxLength={63}
                  spellCheck={false}
                  placeholder="env"
                  value={row.key}
                  onChange={(e) => set(index, { ...row, key: e.target.value })}
                />
                <span aria-hidden>=</span>
                <input
                  aria-label={`Label ${n} value`}
                  className={INPUT}
                  maxLength={MAX_LABEL_VALUE}
                  spellCheck={false}
                  placeholder="prod"
                  value={row.value}
                  onChange={(e) => set(index, { ...row, value: e.target.value })}
                />
                <Button
                  kind="secondary"
                  aria-label={`Remove label ${n}`}
                  onClick={() => onChange(rows.filter((_, i) => i !== index))}
                >
                  ×
                </Button>
              </div>
              {rowError && (
                <p
                  id={`${id}-row-${index}`}
                  className="mt-1 text-sm text-red-600 dark:text-red-400"
                >
                  {rowError}
                </p>
              )}
            </li>
          );
        })}
      </ul>
      <Button
        kind="secondary"
        className="mt-2"
        disabled={rows.length >= MAX_LABELS}
        onClick={() => onChange([...rows, { key: "", value: "" }])}
      >
        Add label
      </Button>
      {error && (
        <p id={`${id}-error`} role="alert" className="mt-1 text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </fieldset>
  );
}
