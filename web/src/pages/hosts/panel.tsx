import { type ReactNode, useId } from "react";

/** PanelProps are a panel's title, its content and what sits beside the title. */
export interface PanelProps {
  title: string;
  children: ReactNode;
  /** Beside the title: current figures, a legend. */
  aside?: ReactNode;
  className?: string;
}

/** Panel is one titled box of the host page (a chart, the disks, the processes). */
export function Panel({ title, children, aside, className = "" }: PanelProps) {
  const id = useId();
  return (
    <section
      aria-labelledby={id}
      className={`min-w-0 rounded-lg border border-slate-200 p-4 dark:border-slate-800 ${className}`}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <h3 id={id} className="font-medium">
          {title}
        </h3>
        {aside && <div className="text-xs text-slate-500 dark:text-slate-400">{aside}</div>}
      </div>
      <div className="mt-3">{children}</div>
    </section>
  );
}
