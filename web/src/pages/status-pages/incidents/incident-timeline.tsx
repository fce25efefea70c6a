import type { StatusIncidentUpdate } from "../../../../../gen/pulsar/v1/status_page_pb";
import { timestampMs } from "../../../lib/format";
import { statusBadgeClass, statusLabel } from "./incident-words";

/** IncidentTimeline is an incident's updates, newest first: status, time and what was said. */
export function IncidentTimeline({ updates }: { updates: readonly StatusIncidentUpdate[] }) {
  return (
    <ol
      aria-label="Updates"
      className="space-y-3 border-l-2 border-slate-200 pl-4 dark:border-slate-700"
    >
      {updates.map((update) => {
        const at = new Date(timestampMs(update.createdAt));
        return (
          <li key={update.id} className="space-y-1">
            <p className="flex flex-wrap items-center gap-2 text-sm">
              <span className={statusBadgeClass(update.status)}>{statusLabel(update.status)}</span>
              <time
                dateTime={at.toISOString()}
                className="text-xs text-slate-500 dark:text-slate-400"
              >
                {at.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}
              </time>
            </p>
            <p className="text-sm break-words whitespace-pre-line">{update.message}</p>
          </li>
        );
      })}
    </ol>
  );
}
