import { type FormEvent, useState } from "react";
import { problemOf } from "../api/errors";
import { useSession } from "../auth/session";
import { Button, Field, FormError } from "../components/form";
import { Link } from "../components/link";
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
  const [error, setError] = useState<{ field?: string; message: string }>();
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof EMPTY) => (e: { target: { value: string } }) =>
    setFields((f) => ({ ...f, [key]: e.target.value }));
  const errorFor = (field: string) => (error?.field === field ? error.message : undefined);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signUp({ ...fields, invitationToken });
    } catch (e) {
      setError(problemOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthPage
      title={invitationToken ? "Join your organization" : "Create your account"}
      onSubmit={submit}
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
        error={errorFor("name")}
      />
      <Field
        label="Email"
        type="email"
        autoComplete="email"
        value={fields.email}
        onChange={set("email")}
        error={errorFor("email")}
      />
      <Field
        label="Password"
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters."
        value={fields.password}
        onChange={set("password")}
        error={errorFor("password")}
      />
      {invitationToken ? (
        <FormError>{errorFor("invitationToken")}</FormError>
      ) : (
        <Field
          label="Organization"
          autoComplete="organization"
          value={fields.orgName}
          onChange={set("orgName")}
          error={errorFor("orgName")}
        />
      )}
      <FormError>{error && !error.field ? error.message : undefined}</FormError>
      <Button type="submit" disabled={busy} className="w-full">
        {busy ? "Creating…" : "Create account"}
      </Button>
    </AuthPage>
  );
}
