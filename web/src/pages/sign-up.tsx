import { useState } from "react";
import { useSession } from "../auth/session";
import { Button, Field, FormError } from "../components/form";
import { Link } from "../components/link";
import { useFormSubmit } from "../components/use-form-submit";
import { useLocation } from "../lib/router";
import { AuthPage } from "./auth-page";

const EMPTY = { name: "", email: "", password: "", orgName: "" };

/**
 * SignUpPage creates an account and its organization, then signs in. Opened from an invitation
 * link (/sign-up?invitation=…), it joins the inviting organization instead.
 */
export function SignUpPage() {
  const { signUp } = useSession();
  const invitationToken = useLocation().search.get("invitation") ?? "";
  const [fields, setFields] = useState(EMPTY);
  const set = (key: keyof typeof EMPTY) => (e: { target: { value: string } }) =>
    setFields((f) => ({ ...f, [key]: e.target.value }));
  const { onSubmit, busy, fieldError, formError } = useFormSubmit(() =>
    signUp({ ...fields, invitationToken }),
  );

  return (
    <AuthPage
      title={invitationToken ? "Join your organization" : "Create your account"}
      onSubmit={onSubmit}
      footer={
        <>
          Already have an account?{" "}
          <Link href="/sign-in" className="text-indigo-600 hover:underline dark:text-indigo-400">
            Sign in
          </Link>
        </>
      }
    >
      <Field
        label="Name"
        autoComplete="name"
        value={fields.name}
        onChange={set("name")}
        error={fieldError("name")}
      />
      <Field
        label="Email"
        type="email"
        autoComplete="email"
        value={fields.email}
        onChange={set("email")}
        error={fieldError("email")}
      />
      <Field
        label="Password"
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters."
        value={fields.password}
        onChange={set("password")}
        error={fieldError("password")}
      />
      {invitationToken ? (
        <FormError>{fieldError("invitationToken")}</FormError>
      ) : (
        <Field
          label="Organization"
          autoComplete="organization"
          value={fields.orgName}
          onChange={set("orgName")}
          error={fieldError("orgName")}
        />
      )}
      <FormError>{formError("name", "email", "password", "orgName", "invitationToken")}</FormError>
      <Button type="submit" disabled={busy} className="w-full">
        {busy ? "Creating…" : "Create account"}
      </Button>
    </AuthPage>
  );
}
