import type { ReactNode } from "react";

/** PageSection is one part of the alerts page: a heading to jump to, a line about it, content. */
export function PageSection({
  id,
  title,
  intro,
  children,
}: {
  /** The fragment the page's jump links use ("channels"). */
  id: string;
  title: string;
  intro: ReactNode;
  children: ReactNode;
}) {
  return (
    <section id={id} aria-labelledby={`${id}-title`} className="scroll-mt-4 space-y-3">
      <div>
        <h2 id={`${id}-title`} className="text-lg font-semibold">
          {title}
        </h2>
        <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">{intro}</p>
      </div>
      {children}
    </section>
  );
}
