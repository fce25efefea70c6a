import type { FormEvent, ReactNode } from "react";

/** AuthPage is the centred card around the sign-in and sign-up forms. */
export function AuthPage({
  title,
  onSubmit,
  children,
  footer,
}: {
  title: string;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  children: ReactNode;
  footer: ReactNode;
}) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <p className="mb-6 flex items-center justify-center gap-2 text-lg font-semibold">
          <span aria-hidden className="inline-block h-3 w-3 rounded-full bg-up" />
          Pulsar
        </p>
        <form
          onSubmit={onSubmit}
          noValidate
          className="space-y-4 rounded-lg border border-slate-200 p-6 shadow-sm dark:border-slate-800"
        >
          <h1 className="text-xl font-semibold">{title}</h1>
          {children}
        </form>
        <p className="mt-4 text-center text-sm text-slate-600 dark:text-slate-400">{footer}</p>
      </div>
    </main>
  );
}
