import type { Monitor } from "../../../../gen/pulsar/v1/monitor_pb";
import { formatDuration } from "../../../../shared/duration";
import { Button } from "../../components/form";
import { KindBadge } from "../../components/kind-badge";
import { Link } from "../../components/link";
import { STATUS_LABEL, StatusDot } from "../../components/status-dot";
import { kindOf, targetOf } from "../../lib/monitor-kind";
import { seconds, statusKind } from "./describe";
import type { MonitorAction } from "./use-monitor-actions";

/** MonitorHeaderProps are the monitor and what its buttons do. */
export interface MonitorHeaderProps {
  monitor: Monitor;
  busy: MonitorAction | undefined;
  onPause: () => void;
  onResume: () => void;
  onDelete: () => void;
}

const buttonLink =
  "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800";

/**
 * MonitorHeader names the monitor and shows its status (announced politely when a live check
 * changes it), its kind, what it checks and how often, and the Pause or Resume, Edit and
 * Delete buttons.
 */
export function MonitorHeader({ monitor, busy, onPause, onResume, onDelete }: MonitorHeaderProps) {
  const kind = statusKind(monitor.status);
  const label = STATUS_LABEL[kind];
  return (
    <header className="flex flex-wrap items-start justify-between gap-4">
      <div className="min-w-0">
        <p
          role="status"
          aria-label="Monitor status"
          className="flex items-center gap-2 text-sm font-medium"
        >
          {/* The word beside the dot says the status; the dot adds no words of its own. */}
          <StatusDot status={kind} label="" title={label} />
          {label}
        </p>
        <h1 className="mt-1 break-words text-2xl font-semibold">{monitor.name}</h1>
        <Target monitor={monitor} />
      </div>
      <div className="flex flex-wrap gap-2">
        {monitor.enabled ? (
          <Button kind="secondary" onClick={onPause} disabled={busy !== undefined}>
            {busy === "pause" ? "Pausing…" : "Pause"}
          </Button>
        ) : (
          <Button kind="secondary" onClick={onResume} disabled={busy !== undefined}>
            {busy === "resume" ? "Resuming…" : "Resume"}
          </Button>
        )}
        <Link href={`/monitors/${encodeURIComponent(monitor.id)}/edit`} className={buttonLink}>
          Edit
        </Link>
        <Button kind="danger" onClick={onDelete} disabled={busy !== undefined}>
          Delete
        </Button>
      </div>
    </header>
  );
}

/** Target says what the monitor checks and how often, in its kind's words. */
function Target({ monitor }: { monitor: Monitor }) {
  const kind = kindOf(monitor);
  const every = (
    <span>
      {kind === "http" ? `${monitor.method} every` : "every"} {seconds(monitor.intervalSeconds)}
    </span>
  );
  return (
    <p className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-slate-600 dark:text-slate-400">
      <KindBadge kind={kind} />
      {kind === "http" ? (
        <a
          href={monitor.url}
          target="_blank"
          rel="noopener noreferrer"
          className="break-all text-indigo-700 hover:underline dark:text-indigo-400"
        >
          {monitor.url}
        </a>
      ) : (
        <span className={`break-all ${kind === "heartbeat" ? "" : "font-mono"}`}>
          {targetOf(monitor)}
        </span>
      )}
      {kind === "heartbeat" ? (
        <span>{formatDuration(monitor.heartbeat?.graceSeconds ?? 300)} grace</span>
      ) : (
        every
      )}
    </p>
  );
}
