/**
 * Spinner is a loading indicator that says what is loading, politely, to screen readers
 * (role="status"), and spins only for people who have not asked for reduced motion.
 */
export function Spinner({
  label = "Loading…",
  className = "",
}: {
  label?: string;
  className?: string;
}) {
  return (
    <p
      role="status"
      className={`flex items-center gap-2 text-sm text-slate-500 dark:text-slate-400 ${className}`}
    >
      <span
        aria-hidden
        className="inline-block h-4 w-4 animate-spin rounded-full border-2 border-slate-300 border-t-indigo-500 motion-reduce:animate-none dark:border-slate-700 dark:border-t-indigo-400"
      />
      {label}
    </p>
  );
}
