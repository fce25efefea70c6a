import { type ReactNode, useId } from "react";

/** Section is one titled box of the System page. */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section
      aria-labelledby={id}
      className="min-w-0 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <h2 id={id} className="font-medium">
        {title}
      </h2>
      <div className="mt-3">{children}</div>
    </section>
  );
}
