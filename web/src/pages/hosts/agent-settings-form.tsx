import { useState } from "react";
import type { Host } from "../../../../gen/pulsar/v1/host_pb";
import { CheckboxField } from "../../components/checkbox-field";
import { Button, Field, FormError } from "../../components/form";
import { useFormSubmit } from "../../components/use-form-submit";
import { agentSettingsOf, agentSettingsValues, READINGS } from "./agent-settings-values";
import type { HostChange } from "./use-host-actions";

/** AgentSettingsFormProps are the host whose agent is configured and what saving does. */
export interface AgentSettingsFormProps {
  host: Host;
  onSave: (change: HostChange) => Promise<void>;
}

/**
 * AgentSettingsForm tells a host's agent, from here, how often to sample and what to leave out.
 * The agent hears of it in the answer to its next push, so it says so rather than "done".
 */
export function AgentSettingsForm({ host, onSave }: AgentSettingsFormProps) {
  const [values, setValues] = useState(() => agentSettingsValues(host.agentSettings));
  const [intervalError, setIntervalError] = useState<string>();
  const [saved, setSaved] = useState(false);

  const form = useFormSubmit(async () => {
    setSaved(false);
    const built = agentSettingsOf(values);
    if ("error" in built) {
      setIntervalError(built.error);
      return;
    }
    setIntervalError(undefined);
    await onSave({ agentSettings: built.settings });
    setSaved(true);
  });
  const serverField = form.problem?.field ?? "";
  const serverIntervalError = serverField.endsWith("sampleIntervalMs")
    ? form.problem?.message
    : undefined;

  const toggle = (reading: string, on: boolean) => {
    setSaved(false);
    setValues((held) => ({
      ...held,
      collected: on ? [...held.collected, reading] : held.collected.filter((r) => r !== reading),
    }));
  };

  return (
    <form onSubmit={form.onSubmit} noValidate aria-label="Agent settings" className="space-y-4">
      <Field
        label="Sample interval (seconds)"
        inputMode="decimal"
        placeholder="agent's own"
        hint="0.5 to 60 seconds; blank: the agent's own SAMPLE_INTERVAL_MS."
        value={values.intervalSeconds}
        onChange={(e) => {
          setSaved(false);
          setValues((held) => ({ ...held, intervalSeconds: e.target.value }));
        }}
        error={intervalError ?? serverIntervalError}
      />
      <fieldset>
        <legend className="text-sm font-medium">Readings collected</legend>
        <p className="text-xs text-slate-500 dark:text-slate-400">
          CPU and memory are always read.
        </p>
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {READINGS.map((reading) => (
            <CheckboxField
              key={reading.value}
              label={reading.label}
              checked={values.collected.includes(reading.value)}
              onChange={(e) => toggle(reading.value, e.target.checked)}
            />
          ))}
        </div>
      </fieldset>
      {!serverIntervalError && <FormError>{form.problem?.message}</FormError>}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={form.busy} aria-busy={form.busy || undefined}>
          {form.busy ? "Saving…" : "Save settings"}
        </Button>
        <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
          {saved ? "Saved: applied at the agent's next push." : "Applied at the agent's next push."}
        </p>
      </div>
    </form>
  );
}
