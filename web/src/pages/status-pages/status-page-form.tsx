import { type FormEvent, useEffect, useRef, useState } from "react";
import type { StatusPageSpec, StatusPageTheme } from "../../../../gen/pulsar/v1/status_page_pb";
import { problemOf } from "../../api/errors";
import { CheckboxField } from "../../components/checkbox-field";
import { Button, Field, FieldFrame, FormError } from "../../components/form";
import { SelectField } from "../../components/select-field";
import { DomainsEditor } from "./domains-editor";
import { GroupsEditor } from "./groups-editor";
import type { MonitorChoice } from "./monitor-choices";
import {
  type PageErrors,
  type PageFormValues,
  pageSpecOf,
  SLUG_PATTERN,
  serverErrorKeyOf,
  THEMES,
} from "./page-values";

/** StatusPageFormProps are the form's first values, the monitors to pick, and the save. */
export interface StatusPageFormProps {
  initial: PageFormValues;
  choices: readonly MonitorChoice[];
  /** Creates or updates the page; rejects with the server's error for the form to show. */
  onSave: (spec: StatusPageSpec) => Promise<void>;
  submitLabel: string;
}

/**
 * StatusPageForm writes a status page: slug (checked as typed), title, description, logo,
 * theme, response times, domains and the groups of monitors. An error shows beside the part it
 * is about, the server's too, and focus moves to the first one.
 */
export function StatusPageForm({ initial, choices, onSave, submitLabel }: StatusPageFormProps) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<PageErrors>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (Object.keys(errors).length > 0) {
      form.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
    }
  }, [errors]);

  const change = <K extends keyof PageFormValues>(field: K, value: PageFormValues[K]) => {
    setValues((held) => ({ ...held, [field]: value }));
    setSaved(false);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setFormError(undefined);
    const checked = pageSpecOf(values);
    if ("errors" in checked) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await onSave(checked.spec);
      setSaved(true);
    } catch (error) {
      const problem = problemOf(error);
      const key = serverErrorKeyOf(problem);
      if (key) setErrors({ [key]: problem.message });
      else setFormError(problem.message);
    } finally {
      setBusy(false);
    }
  };

  const slugTyped = values.slug.trim();
  const slugHint =
    slugTyped !== "" && !SLUG_PATTERN.test(slugTyped)
      ? "3–60 of a–z, 0–9 and “-”, not starting or ending with “-”."
      : `Public at /status/${slugTyped || "<slug>"}`;

  return (
    <form ref={form} onSubmit={submit} noValidate aria-label="Status page" className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Slug"
          hint={slugHint}
          required
          maxLength={60}
          autoComplete="off"
          spellCheck={false}
          value={values.slug}
          onChange={(e) => change("slug", e.target.value.toLowerCase())}
          error={errors.slug}
        />
        <Field
          label="Title"
          required
          maxLength={100}
          value={values.title}
          onChange={(e) => change("title", e.target.value)}
          error={errors.title}
        />
      </div>
      <FieldFrame
        label="Description"
        hint="Plain text, shown under the title."
        error={errors.description}
      >
        {(control) => (
          <textarea
            {...control}
            rows={3}
            maxLength={1000}
            value={values.description}
            onChange={(e) => change("description", e.target.value)}
          />
        )}
      </FieldFrame>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Logo URL"
          type="url"
          inputMode="url"
          placeholder="https://example.com/logo.svg"
          hint="An https:// image; the reader's browser loads it."
          maxLength={2048}
          value={values.logoUrl}
          onChange={(e) => change("logoUrl", e.target.value)}
          error={errors.logoUrl}
        />
        <SelectField
          label="Theme"
          options={THEMES}
          value={String(values.theme)}
          onChange={(e) => change("theme", Number(e.target.value) as StatusPageTheme)}
          error={errors.theme}
        />
      </div>
      <CheckboxField
        label="Show response times"
        hint="Each monitor's hourly average over the last 24 hours."
        checked={values.showResponseTimes}
        onChange={(e) => change("showResponseTimes", e.target.checked)}
      />
      <DomainsEditor
        domains={values.domains}
        onChange={(domains) => change("domains", domains)}
        error={errors.domains}
      />
      <GroupsEditor
        groups={values.groups}
        onChange={(groups) => change("groups", groups)}
        choices={choices}
        errors={errors}
      />
      <FormError>{formError}</FormError>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={busy} aria-busy={busy || undefined}>
          {busy ? "Saving…" : submitLabel}
        </Button>
        <span role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
          {saved ? "Saved." : ""}
        </span>
      </div>
    </form>
  );
}
