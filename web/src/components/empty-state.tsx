import type { ReactNode } from "react";

/** EmptyState says there is nothing here yet, and offers the way to add something. */
export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 px-6 py-12 text-center dark:border-slate-700">
      <h2 className="text-lg font-semibold">{title}</h2>
      {children && (
        <div className="mt-2 text-sm text-slate-500 dark:text-slate-400">{children}</div>
      )}
      {action && <div className="mt-6 flex justify-center">{action}</div>}
    </div>
  );
}
