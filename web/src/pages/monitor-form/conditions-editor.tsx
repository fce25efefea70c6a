import { useId, useRef } from "react";
import { Button } from "../../components/form";
import type { FieldsProps } from "./fields-props";

/** The server's bounds: conditions per monitor, characters per condition. */
const MAX_CONDITIONS = 20;
const MAX_CHARS = 500;

/** EXAMPLES show the language at a glance; a click adds one to edit. */
const EXAMPLES = [
  "status == 200",
  "response_time < 300",
  'header["content-type"] contains "json"',
  '$.status == "UP"',
  "$.items.length > 0",
  "cert_days > 14",
];

/**
 * ConditionsEditor is an HTTP monitor's conditions, one expression per line, with a Remove
 * button each and Add below. A server error names its line ("monitor.conditions[2]: …"):
 * it is shown beside that line, which is marked invalid (so the form focuses it).
 */
export function ConditionsEditor({ values, errors, onChange }: FieldsProps) {
  const id = useId();
  const list = useRef<HTMLOListElement>(null);
  const lines = values.conditions;
  const set = (next: string[]) => onChange("conditions", next);
  const add = (text: string) => {
    set([...lines, text]);
    // Focus the new line once it is rendered.
    requestAnimationFrame(() =>
      list.current?.querySelector<HTMLInputElement>("li:last-child input")?.focus(),
    );
  };

  return (
    <fieldset className="sm:col-span-2" aria-describedby={`${id}-hint`}>
      <legend className="text-sm font-medium">Conditions</legend>
      <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500 dark:text-slate-400">
        Optional: every expression must hold for the check to be up, besides the status and keyword.
        They read the status, response time, headers, the JSON body ($.path) and the certificate's
        days left.
      </p>
      {lines.length > 0 && (
        <ol ref={list} className="mt-2 space-y-2">
          {lines.map((line, i) => {
            const error = errors[`conditions[${i}]`];
            return (
              // Lines have no identity but their place: the index is the key.
              // biome-ignore lint/suspicious/noArrayIndexKey: the place is what errors name.
              <li key={i}>
                <div className="flex gap-2">
                  <input
                    aria-label={`Condition ${i + 1}`}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={error ? `${id}-${i}-error` : undefined}
                    spellCheck={false}
                    autoComplete="off"
                    maxLength={MAX_CHARS}
                    placeholder="status == 200"
                    value={line}
                    onChange={(e) => set(lines.map((l, j) => (j === i ? e.target.value : l)))}
                    className={`block w-full min-w-0 rounded-md border bg-white px-3 py-2 font-mono text-sm dark:bg-slate-900 ${
                      error ? "border-red-500" : "border-slate-300 dark:border-slate-700"
                    }`}
                  />
                  <Button
                    kind="secondary"
                    aria-label={`Remove condition ${i + 1}`}
                    onClick={() => set(lines.filter((_, j) => j !== i))}
                  >
                    Remove
                  </Button>
                </div>
                {error && (
                  <p
                    id={`${id}-${i}-error`}
                    role="alert"
                    className="mt-1 text-sm text-red-600 dark:text-red-400"
                  >
                    {error}
                  </p>
                )}
              </li>
            );
          })}
        </ol>
      )}
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <Button kind="secondary" disabled={lines.length >= MAX_CONDITIONS} onClick={() => add("")}>
          Add condition
        </Button>
        <span className="text-xs text-slate-500 dark:text-slate-400">Examples:</span>
        {EXAMPLES.map((example) => (
          <button
            key={example}
            type="button"
            disabled={lines.length >= MAX_CONDITIONS}
            onClick={() => add(example)}
            aria-label={`Add condition ${example}`}
            className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs hover:bg-slate-200 dark:bg-slate-800 dark:hover:bg-slate-700"
          >
            {example}
          </button>
        ))}
      </div>
      {errors.conditions && (
        <p role="alert" className="mt-1 text-sm text-red-600 dark:text-red-400">
          {errors.conditions}
        </p>
      )}
    </fieldset>
  );
}
