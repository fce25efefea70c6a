import { useId, useState } from "react";
import { Button, Field, FormError } from "../../components/form";
import { useFormSubmit } from "../../components/use-form-submit";

/** CreateProbeTokenFormProps are what creating does, and the regions to suggest. */
export interface CreateProbeTokenFormProps {
  onCreate: (name: string, region: string) => Promise<void>;
  /** Regions known, offered as suggestions: a new one may be typed. */
  regions: readonly string[];
}

/**
 * CreateProbeTokenForm asks for a probe token's name and region. The server's error shows
 * beside the field it names (name, region), others below the form.
 */
export function CreateProbeTokenForm({ onCreate, regions }: CreateProbeTokenFormProps) {
  const listId = useId();
  const [name, setName] = useState("");
  const [region, setRegion] = useState("");
  const { onSubmit, busy, fieldError, formError } = useFormSubmit(async () => {
    await onCreate(name.trim(), region.trim());
    setName("");
    setRegion("");
  });

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label="Create a probe token"
      className="space-y-4 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <h3 className="font-medium">Create a probe token</h3>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Name"
          hint="Where the probe runs, e.g. “Frankfurt rack 2”."
          maxLength={100}
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldError("name")}
        />
        <Field
          label="Region"
          hint="The region it checks from: 1–63 of a-z, 0-9 and '-'. A new one may be typed."
          maxLength={63}
          required
          list={listId}
          autoComplete="off"
          spellCheck={false}
          value={region}
          onChange={(e) => setRegion(e.target.value)}
          error={fieldError("region")}
        />
        <datalist id={listId}>
          {regions.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
      </div>
      <FormError>{formError("name", "region")}</FormError>
      <Button type="submit" disabled={busy}>
        {busy ? "Creating…" : "Create probe token"}
      </Button>
    </form>
  );
}
