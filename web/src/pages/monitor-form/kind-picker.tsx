import { useId } from "react";
import { KIND_NAMES, type KindName } from "../../lib/monitor-kind";

const KINDS: Record<KindName, { label: string; description: string }> = {
  http: { label: "HTTP", description: "A URL answers with the right status and content." },
  tcp: { label: "TCP port", description: "A port accepts connections, and answers if asked." },
  dns: { label: "DNS", description: "A name resolves to the records you expect." },
  heartbeat: { label: "Heartbeat", description: "A job you run pings Pulsar on time." },
};

/** KindPickerProps are the chosen kind, the stored one when editing, and where a choice goes. */
export interface KindPickerProps {
  kind: KindName;
  /** The monitor's kind as stored, when editing one. */
  stored?: KindName;
  onChange: (kind: KindName) => void;
}

/**
 * KindPicker is the first choice of the monitor form: what to check. Radio buttons (arrow keys
 * move between them), each with a line saying what the kind is for.
 */
export function KindPicker({ kind, stored, onChange }: KindPickerProps) {
  const id = useId();
  return (
    <fieldset>
      <legend className="text-sm font-medium">What to check</legend>
      <div className="mt-2 grid gap-2 sm:grid-cols-4">
        {KIND_NAMES.map((name) => {
          const { label, description } = KINDS[name];
          const checked = kind === name;
          return (
            <label
              key={name}
              htmlFor={`${id}-${name}`}
              className={`block cursor-pointer rounded-md border p-3 text-sm ${
                checked
                  ? "border-indigo-600 bg-indigo-50 dark:border-indigo-400 dark:bg-indigo-950"
                  : "border-slate-300 hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900"
              }`}
            >
              <span className="flex items-center gap-2 font-medium">
                <input
                  id={`${id}-${name}`}
                  type="radio"
                  name={`${id}-kind`}
                  value={name}
                  checked={checked}
                  aria-label={label}
                  aria-describedby={`${id}-${name}-description`}
                  onChange={() => onChange(name)}
                  className="accent-indigo-600"
                />
                {label}
              </span>
              <span
                id={`${id}-${name}-description`}
                className="mt-1 block text-xs text-slate-600 dark:text-slate-400"
              >
                {description}
              </span>
            </label>
          );
        })}
      </div>
      {stored !== undefined && stored !== kind && (
        <p className="mt-2 text-xs text-amber-700 dark:text-amber-400" aria-live="polite">
          Saving makes it a {KINDS[kind].label} monitor: its past checks and incidents stay.
          {stored === "heartbeat" && " Its ping URL stops working."}
        </p>
      )}
    </fieldset>
  );
}
