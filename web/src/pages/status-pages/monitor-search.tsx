import { useId, useState } from "react";
import { CheckboxField } from "../../components/checkbox-field";
import { type MonitorChoice, matchesQuery } from "./monitor-choices";

/** SHOWN is how many matches the list shows at once; a search narrows the rest down. */
const SHOWN = 50;

/** MonitorSearchProps are the monitors to choose from, the chosen ones, and an error. */
export interface MonitorSearchProps {
  legend: string;
  choices: readonly MonitorChoice[];
  selected: readonly string[];
  onToggle: (id: string, on: boolean) => void;
  /** Why a monitor cannot be chosen here ("in group API"); undefined when it can. */
  unavailable?: (id: string) => string | undefined;
  hint?: string;
  error?: string;
}

/**
 * MonitorSearch is a searchable multi-select of monitors: a search box over names and URLs,
 * then a checkbox per match (the chosen ones first), at most SHOWN of them, so an organization
 * of thousands of monitors stays usable. Plain checkboxes: the keyboard and screen readers
 * know them already.
 */
export function MonitorSearch({
  legend,
  choices,
  selected,
  onToggle,
  unavailable,
  hint,
  error,
}: MonitorSearchProps) {
  const id = useId();
  const [query, setQuery] = useState("");
  const chosen = new Set(selected);
  const matches = choices
    .filter((choice) => matchesQuery(choice, query))
    .sort((a, b) => Number(chosen.has(b.id)) - Number(chosen.has(a.id)));
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ");
  return (
    <fieldset aria-describedby={described || undefined} className="min-w-0">
      <legend className="text-sm font-medium">{legend}</legend>
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-slate-500 dark:text-slate-400">
          {hint}
        </p>
      )}
      <input
        type="search"
        aria-label={`Search ${legend.toLowerCase()}`}
        placeholder="Search by name or URL"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        className="mt-2 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900"
      />
      <p className="mt-1 text-xs text-slate-500 dark:text-slate-400" aria-live="polite">
        {selected.length} chosen
        {matches.length > SHOWN && ` · showing ${SHOWN} of ${matches.length} matches`}
      </p>
      {choices.length === 0 ? (
        <p className="mt-2 text-sm text-slate-500 dark:text-slate-400">No monitors yet.</p>
      ) : (
        <div className="mt-2 max-h-56 space-y-1 overflow-y-auto rounded-md border border-slate-200 p-2 dark:border-slate-800">
          {matches.slice(0, SHOWN).map((choice, i) => {
            const reason = chosen.has(choice.id) ? undefined : unavailable?.(choice.id);
            return (
              <CheckboxField
                key={choice.id}
                label={reason ? `${choice.name} (${reason})` : choice.name}
                checked={chosen.has(choice.id)}
                disabled={reason !== undefined}
                onChange={(e) => onToggle(choice.id, e.target.checked)}
                aria-invalid={error && i === 0 ? true : undefined}
              />
            );
          })}
          {matches.length === 0 && (
            <p className="text-sm text-slate-500 dark:text-slate-400">No monitor matches.</p>
          )}
        </div>
      )}
      {error && (
        <p id={`${id}-error`} role="alert" className="mt-1 text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </fieldset>
  );
}
