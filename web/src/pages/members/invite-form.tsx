import { useState } from "react";
import type { Role } from "../../../../gen/pulsar/v1/auth_pb";
import { Button, Field, FormError } from "../../components/form";
import { SelectField } from "../../components/select-field";
import { useFormSubmit } from "../../components/use-form-submit";
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
  const { onSubmit, busy, fieldError, formError } = useFormSubmit(async () => {
    await onInvite(email.trim(), INVITABLE_ROLES[role].role);
    setEmail("");
  });

  return (
    <form
      onSubmit={onSubmit}
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
          error={fieldError("email")}
        />
        <SelectField
          label="Role"
          options={ROLE_CHOICES}
          value={role}
          onChange={(e) => setRole(e.target.value as InvitableRole)}
          hint={INVITABLE_ROLES[role].hint}
        />
      </div>
      <FormError>{formError("email")}</FormError>
      <Button type="submit" disabled={busy}>
        {busy ? "Inviting…" : "Invite"}
      </Button>
    </form>
  );
}
