import { type FormEvent, useState } from "react";
import type { Role } from "../../../../gen/pulsar/v1/auth_pb";
import { type ApiProblem, problemOf } from "../../api/errors";
import { Button, Field, FormError } from "../../components/form";
import { SelectField } from "../../components/select-field";
import { INVITABLE_ROLES, type InvitableRole } from "./roles";

const ROLE_CHOICES = Object.keys(INVITABLE_ROLES) as InvitableRole[];

/**
 * InviteForm asks for the invitee's email and role. The server's error shows beside the field
 * it names (email), others (a quota, say) below the form.
 */
export function InviteForm({
  onInvite,
}: {
  onInvite: (email: string, role: Role) => Promise<void>;
}) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<InvitableRole>("Member");
  const [problem, setProblem] = useState<ApiProblem>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      await onInvite(email.trim(), INVITABLE_ROLES[role].role);
      setEmail("");
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label="Invite someone"
      className="space-y-4 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <h2 className="font-medium">Invite someone</h2>
      <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem]">
        <Field
          label="Email"
          type="email"
          maxLength={254}
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={problem?.field === "email" ? problem.message : undefined}
        />
        <SelectField
          label="Role"
          options={ROLE_CHOICES}
          value={role}
          onChange={(e) => setRole(e.target.value as InvitableRole)}
          hint={INVITABLE_ROLES[role].hint}
        />
      </div>
      <FormError>{problem && problem.field !== "email" ? problem.message : undefined}</FormError>
      <Button type="submit" disabled={busy}>
        {busy ? "Inviting…" : "Invite"}
      </Button>
    </form>
  );
}
