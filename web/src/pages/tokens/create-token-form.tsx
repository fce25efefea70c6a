import { useState } from "react";
import type { TokenScope } from "../../../../gen/pulsar/v1/auth_pb";
import { Button, Field, FormError } from "../../components/form";
import { SelectField } from "../../components/select-field";
import { useFormSubmit } from "../../components/use-form-submit";
import { CREATABLE_SCOPES, type CreatableScope } from "./scopes";

const SCOPE_CHOICES = Object.keys(CREATABLE_SCOPES) as CreatableScope[];

/**
 * CreateTokenForm asks for a token's name and scope. The server's error shows beside the field
 * it names (name, scope), others below the form.
 */
export function CreateTokenForm({
  onCreate,
}: {
  onCreate: (name: string, scope: TokenScope) => Promise<void>;
}) {
  const [name, setName] = useState("");
  const [scope, setScope] = useState<CreatableScope>("API");
  const { onSubmit, busy, fieldError, formError } = useFormSubmit(async () => {
    await onCreate(name.trim(), CREATABLE_SCOPES[scope].scope);
    setName("");
  });

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label="Create a token"
      className="space-y-4 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <h2 className="font-medium">Create a token</h2>
      <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem]">
        <Field
          label="Name"
          hint="What uses it, e.g. “CI deploys” or “worker eu-1”."
          maxLength={100}
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldError("name")}
        />
        <SelectField
          label="Scope"
          options={SCOPE_CHOICES}
          value={scope}
          onChange={(e) => setScope(e.target.value as CreatableScope)}
          hint={CREATABLE_SCOPES[scope].hint}
          error={fieldError("scope")}
        />
      </div>
      <FormError>{formError("name", "scope")}</FormError>
      <Button type="submit" disabled={busy}>
        {busy ? "Creating…" : "Create token"}
      </Button>
    </form>
  );
}
