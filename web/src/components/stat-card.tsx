import type { ReactNode } from "react";

/** StatTone colours a StatCard's value: neutral, good, a warning, or bad. */
export type StatTone = "default" | "good" | "warn" | "bad";

/** StatCardProps are one figure of a StatCard: what it is, its value, and a line of detail. */
export interface StatCardProps {
  label: string;
  value: ReactNode;
  /** A line under the value ("3 of 2,880 checks failed"). */
  hint?: ReactNode;
  tone?: StatTone;
}

const TONE: Record<StatTone, string> = {
  default: "",
  good: "text-emerald-600 dark:text-emerald-400",
  warn: "text-amber-600 dark:text-amber-400",
  bad: "text-red-600 dark:text-red-400",
};

/**
 * StatCard shows one headline figure ("CPU 12.3 %"). It renders a term and its definition, so
 * place cards inside a <dl>: screen readers then read label and value together.
 */
export function StatCard({ label, value, hint, tone = "default" }: StatCardProps) {
  return (
    <div className="min-w-0 rounded-lg border border-slate-200 p-3 dark:border-slate-800">
      <dt className="text-sm font-medium text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className={`mt-1 truncate text-2xl font-semibold tabular-nums ${TONE[tone]}`}>{value}</dd>
      {hint && <dd className="mt-1 truncate text-xs text-slate-500 dark:text-slate-400">{hint}</dd>}
    </div>
  );
}
