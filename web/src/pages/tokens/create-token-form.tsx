import { type FormEvent, useState } from "react";
import type { TokenScope } from "../../../../gen/pulsar/v1/auth_pb";
import { type ApiProblem, problemOf } from "../../api/errors";
import { Button, Field, FormError } from "../../components/form";
import { SelectField } from "../../components/select-field";
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
  const [problem, setProblem] = useState<ApiProblem>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      await onCreate(name.trim(), CREATABLE_SCOPES[scope].scope);
      setName("");
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (field: string) => (problem?.field === field ? problem.message : undefined);

  return (
    <form
      onSubmit={submit}
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
      <FormError>
        {problem && problem.field !== "name" && problem.field !== "scope"
          ? problem.message
          : undefined}
      </FormError>
      <Button type="submit" disabled={busy}>
        {busy ? "Creating…" : "Create token"}
      </Button>
    </form>
  );
}
