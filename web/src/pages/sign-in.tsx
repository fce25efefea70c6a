import { useState } from "react";
import { useSession } from "../auth/session";
import { Button, Field, FormError } from "../components/form";
import { Link } from "../components/link";
import { useFormSubmit } from "../components/use-form-submit";
import { AuthPage } from "./auth-page";

/** SignInPage signs a member in with email and password. */
export function SignInPage() {
  const { signIn } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { onSubmit, busy, fieldError, formError } = useFormSubmit(() => signIn(email, password));

  return (
    <AuthPage
      title="Sign in"
      onSubmit={onSubmit}
      footer={
        <>
          New here?{" "}
          <Link href="/sign-up" className="text-indigo-600 hover:underline dark:text-indigo-400">
            Create an account
          </Link>
        </>
      }
    >
      <Field
        label="Email"
        type="email"
        autoComplete="email"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={fieldError("email")}
      />
      <Field
        label="Password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={fieldError("password")}
      />
      <FormError>{formError("email", "password")}</FormError>
      <Button type="submit" disabled={busy} className="w-full">
        {busy ? "Signing in…" : "Sign in"}
      </Button>
    </AuthPage>
  );
}
