import { type FormEvent, useState } from "react";
import type { ChannelSpec } from "../../../../gen/pulsar/v1/alert_pb";
import { problemOf } from "../../api/errors";
import { Button, Field, FormError } from "../../components/form";
import { SelectField } from "../../components/select-field";
import {
  CHANNEL_TYPES,
  type ChannelFormField,
  type ChannelFormValues,
  type ChannelType,
  channelFieldOf,
  channelSpecOf,
  NEW_CHANNEL,
} from "./channel-values";

/**
 * ChannelForm adds a channel: a name, a type, and the Discord webhook URL or the webhook's URL
 * and signing secret. The server's error shows beside the field it names, others below the
 * form. The form is cleared once the channel is made: its URL and secret are not kept here.
 */
export function ChannelForm({ onCreate }: { onCreate: (spec: ChannelSpec) => Promise<void> }) {
  const [values, setValues] = useState<ChannelFormValues>(NEW_CHANNEL);
  const [errors, setErrors] = useState<Partial<Record<ChannelFormField, string>>>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const change = (field: keyof ChannelFormValues, value: string) => {
    setValues((held) => ({ ...held, [field]: value }));
    setErrors((held) => (field in held ? { ...held, [field]: undefined } : held));
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setErrors({});
    setFormError(undefined);
    try {
      await onCreate(channelSpecOf(values));
      setValues(NEW_CHANNEL);
    } catch (error) {
      const problem = problemOf(error);
      const field = channelFieldOf(problem.field);
      if (field) setErrors({ [field]: problem.message });
      else setFormError(problem.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label="Add a channel"
      className="space-y-4 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <h3 className="font-medium">Add a channel</h3>
      <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem]">
        <Field
          label="Name"
          hint="Where it goes, e.g. “#ops on Discord”."
          maxLength={100}
          required
          value={values.name}
          onChange={(e) => change("name", e.target.value)}
          error={errors.name}
        />
        <SelectField
          label="Type"
          options={CHANNEL_TYPES}
          value={values.type}
          onChange={(e) => change("type", e.target.value as ChannelType)}
        />
      </div>
      {values.type === "Discord" ? (
        <Field
          label="Discord webhook URL"
          type="url"
          inputMode="url"
          autoComplete="off"
          required
          placeholder="https://discord.com/api/webhooks/…"
          hint="Channel settings → Integrations → Webhooks → Copy Webhook URL."
          value={values.discordUrl}
          onChange={(e) => change("discordUrl", e.target.value)}
          error={errors.discordUrl}
        />
      ) : (
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            label="Webhook URL"
            type="url"
            inputMode="url"
            autoComplete="off"
            required
            placeholder="https://example.com/hooks/pulsar"
            hint="Receives each alert as a JSON POST."
            value={values.webhookUrl}
            onChange={(e) => change("webhookUrl", e.target.value)}
            error={errors.webhookUrl}
          />
          <Field
            label="Secret"
            type="password"
            autoComplete="new-password"
            required
            minLength={16}
            hint="At least 16 characters. Signs each body: X-Pulsar-Signature: sha256=<HMAC>."
            value={values.secret}
            onChange={(e) => change("secret", e.target.value)}
            error={errors.secret}
          />
        </div>
      )}
      <FormError>{formError}</FormError>
      <Button type="submit" disabled={busy} aria-busy={busy || undefined}>
        {busy ? "Adding…" : "Add channel"}
      </Button>
    </form>
  );
}
