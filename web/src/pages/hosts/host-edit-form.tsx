import { Code } from "@connectrpc/connect";
import { useState } from "react";
import type { Host } from "../../../../gen/pulsar/v1/host_pb";
import { Button, Field, FormError } from "../../components/form";
import { useFormSubmit } from "../../components/use-form-submit";
import { checkLabels, type LabelRow, labelRows, sameLabels } from "./label-rows";
import { LabelsEditor } from "./labels-editor";
import type { HostChange } from "./use-host-actions";

/** HostEditFormProps are the host edited and what saving does (UpdateHost). */
export interface HostEditFormProps {
  host: Host;
  onSave: (change: HostChange) => Promise<void>;
}

/**
 * HostEditForm sets the name a host is shown by and its labels. Labels are sent only when they
 * changed: sending the agent's own back would pin them, and the agent could no longer change
 * them. The server's error shows beside the field it names.
 */
export function HostEditForm({ host, onSave }: HostEditFormProps) {
  const [name, setName] = useState(host.name);
  const [rows, setRows] = useState<LabelRow[]>(() => labelRows(host.labels));
  const [check, setCheck] = useState<{ rowErrors: Record<number, string>; error?: string }>({
    rowErrors: {},
  });
  const [saved, setSaved] = useState(false);
  // "Use the agent's labels" (beside the facts) drops the labels set here: show the agent's.
  const [wasEdited, setWasEdited] = useState(host.labelsEdited);
  if (wasEdited !== host.labelsEdited) {
    setWasEdited(host.labelsEdited);
    if (!host.labelsEdited) setRows(labelRows(host.labels));
  }

  const form = useFormSubmit(async () => {
    setSaved(false);
    const checked = checkLabels(rows);
    if ("rowErrors" in checked) {
      setCheck(checked);
      return;
    }
    setCheck({ rowErrors: {} });
    const labelsChanged = !sameLabels(checked.labels, host.labels);
    await onSave({
      name: name.trim(),
      ...(labelsChanged && { labels: { labels: checked.labels } }),
    });
    setSaved(true);
  });
  // problemOf names plain paths only; a label's path quotes its key (labels.labels["Env"]).
  const problem = form.problem;
  const serverField =
    problem?.field ??
    (problem?.code === Code.InvalidArgument ? (problem.message.split(" ")[0] ?? "") : "");
  const fieldError = (prefix: string) =>
    serverField === prefix ||
    serverField.startsWith(`${prefix}.`) ||
    serverField.startsWith(`${prefix}[`)
      ? form.problem?.message
      : undefined;
  const nameError = fieldError("name");
  const labelsError = fieldError("labels");

  return (
    <form onSubmit={form.onSubmit} noValidate aria-label="Name and labels" className="space-y-4">
      <Field
        label="Name"
        hint={`Shown instead of the hostname (${host.hostname}); empty shows the hostname.`}
        maxLength={100}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={nameError}
      />
      <LabelsEditor
        rows={rows}
        onChange={(next) => {
          setRows(next);
          setSaved(false);
        }}
        rowErrors={check.rowErrors}
        error={check.error ?? labelsError}
      />
      {!nameError && !labelsError && <FormError>{form.problem?.message}</FormError>}
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={form.busy} aria-busy={form.busy || undefined}>
          {form.busy ? "Saving…" : "Save"}
        </Button>
        {saved && (
          <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
            Saved.
          </p>
        )}
      </div>
    </form>
  );
}
