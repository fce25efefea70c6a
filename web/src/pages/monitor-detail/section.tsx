import { type ReactNode, useId } from "react";

/** Section is one titled part of the detail page, labelled by its heading for landmarks. */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section
      aria-labelledby={id}
      className="rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <h2 id={id} className="mb-3 text-base font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}
