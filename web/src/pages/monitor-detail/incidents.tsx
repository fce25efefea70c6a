import type { Incident } from "../../../../gen/pulsar/v1/alert_pb";
import { shortTime, timestampMs } from "../../lib/format";
import { duration } from "../alerts/describe";
import { useNow } from "../hosts/use-now";
import { TableHead } from "./table-head";

/**
 * incidentSeconds is how long an incident lasted, or has lasted so far while it is open (the
 * server's figure is as of when it answered; the clock keeps it true afterwards).
 */
export function incidentSeconds(incident: Incident, nowMs: number): number {
  const started = timestampMs(incident.startedAt);
  if (incident.endedAt) {
    return incident.durationSeconds || (timestampMs(incident.endedAt) - started) / 1000;
  }
  return Math.max(incident.durationSeconds, started ? (nowMs - started) / 1000 : 0);
}

/**
 * Incidents lists the periods a monitor was down, newest first: when each started, when it
 * ended or that it is ongoing, how long it lasted, and its cause (the first failing check's
 * error). An ongoing incident's duration counts up by the second.
 */
export function Incidents({ incidents }: { incidents: readonly Incident[] }) {
  const now = useNow(1000);
  const cell = "py-2 pr-4 align-top";
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Incidents, newest first</caption>
        <TableHead columns={["Started", "Ended", "Duration", "Cause"]} />
        <tbody>
          {incidents.map((incident) => {
            const started = timestampMs(incident.startedAt);
            const ended = timestampMs(incident.endedAt);
            return (
              <tr key={incident.id} className="border-t border-slate-100 dark:border-slate-800">
                <td className={`${cell} whitespace-nowrap`}>
                  <Time atMs={started} />
                </td>
                <td className={`${cell} whitespace-nowrap`}>
                  {incident.endedAt ? (
                    <Time atMs={ended} />
                  ) : (
                    <span className="rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-800 dark:bg-red-950 dark:text-red-300">
                      ongoing
                    </span>
                  )}
                </td>
                <td className={`${cell} whitespace-nowrap tabular-nums`}>
                  {duration(incidentSeconds(incident, now))}
                </td>
                <td className={`${cell} min-w-48 break-words text-red-800 dark:text-red-300`}>
                  {incident.cause || "—"}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Time({ atMs }: { atMs: number }) {
  if (!atMs) return <>—</>;
  return (
    <time dateTime={new Date(atMs).toISOString()} title={new Date(atMs).toLocaleString()}>
      {shortTime(atMs)}
    </time>
  );
}
