import { type FormEvent, useState } from "react";
import { problemOf } from "../api/errors";
import { useSession } from "../auth/session";
import { Button, Field, FormError } from "../components/form";
import { Link } from "../components/link";
import { AuthPage } from "./auth-page";

/** SignInPage signs a member in with email and password. */
export function SignInPage() {
  const { signIn } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<{ field?: string; message: string }>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(email, password);
    } catch (e) {
      setError(problemOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthPage
      title="Sign in"
      onSubmit={submit}
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
        error={error?.field === "email" ? error.message : undefined}
      />
      <Field
        label="Password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={error?.field === "password" ? error.message : undefined}
      />
      <FormError>{error && !error.field ? error.message : undefined}</FormError>
      <Button type="submit" disabled={busy} className="w-full">
        {busy ? "Signing in…" : "Sign in"}
      </Button>
    </AuthPage>
  );
}
