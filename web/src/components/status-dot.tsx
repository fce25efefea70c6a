/** StatusKind is a monitor's or host's state as the dashboard shows it. */
export type StatusKind = "up" | "down" | "paused" | "pending" | "maintenance";

const COLOR: Record<StatusKind, string> = {
  up: "bg-up",
  down: "bg-down",
  paused: "bg-paused",
  pending: "bg-pending",
  maintenance: "bg-maintenance",
};

/** STATUS_LABEL is the word for each status, as screen readers and tooltips say it. */
export const STATUS_LABEL: Record<StatusKind, string> = {
  up: "Up",
  down: "Down",
  paused: "Paused",
  pending: "Pending",
  maintenance: "Maintenance",
};

/**
 * StatusDot is a coloured dot with its status in words for screen readers (colour alone says
 * nothing to them, nor to everyone who cannot tell red from green).
 */
export function StatusDot({
  status,
  label = STATUS_LABEL[status],
  title = label,
  className = "",
}: {
  status: StatusKind;
  /** The words for screen readers; the status's own word by default ("Down"). */
  label?: string;
  /** The tooltip; the label by default. */
  title?: string;
  className?: string;
}) {
  return (
    <span className={`relative inline-flex h-3 w-3 shrink-0 ${className}`} title={title}>
      {status === "down" && (
        <span
          aria-hidden
          className="absolute inline-flex h-full w-full animate-ping rounded-full bg-down opacity-60 motion-reduce:animate-none"
        />
      )}
      <span aria-hidden className={`relative inline-flex h-3 w-3 rounded-full ${COLOR[status]}`} />
      <span className="sr-only">{label}</span>
    </span>
  );
}
