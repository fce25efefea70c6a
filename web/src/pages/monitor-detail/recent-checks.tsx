import { Fragment } from "react";
import type { CheckResult } from "../../../../gen/pulsar/v1/check_pb";
import { ms, shortTime, timestampMs } from "../../lib/format";
import type { KindName } from "../../lib/monitor-kind";

/** RecentChecksProps are the checks to list, newest first, and their monitor's kind. */
export interface RecentChecksProps {
  results: readonly CheckResult[];
  /** HTTP when absent; a heartbeat's results are listed by RecentPings. */
  kind?: KindName;
}

/** Characters of a DNS answer shown in its cell (the whole of it in the tooltip). */
const ANSWER_CHARS = 60;

/** What the third column shows of a check, by kind: its status, its address, its records. */
const DETAIL: Record<
  Exclude<KindName, "heartbeat">,
  { title: string; of: (r: CheckResult) => string }
> = {
  http: { title: "HTTP", of: (r) => (r.statusCode ? String(r.statusCode) : "—") },
  tcp: { title: "Address", of: (r) => r.remoteAddress || "—" },
  dns: { title: "Answer", of: (r) => r.answer.split("\n").filter(Boolean).join(", ") || "—" },
};

/**
 * RecentChecks lists checks newest first: when, up or down, the HTTP status (for TCP the address
 * reached, for DNS the records of the answer), the total time and
 * the error in full (the reason a check failed is the point of looking). Times are short (the
 * date only when not today); on a phone the error takes a line of its own under its check.
 */
export function RecentChecks({ results, kind = "http" }: RecentChecksProps) {
  const detail = DETAIL[kind === "heartbeat" ? "http" : kind];
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Recent checks, newest first</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500 dark:border-slate-800 dark:text-slate-400">
          <tr>
            <th scope="col" className="py-2 pr-4 font-medium">
              Time
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Status
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              {detail.title}
            </th>
            <th scope="col" className="py-2 pr-4 text-right font-medium">
              {kind === "dns" ? "Query" : "Total"}
            </th>
            <th scope="col" className="hidden py-2 font-medium sm:table-cell">
              Error
            </th>
          </tr>
        </thead>
        <tbody>
          {results.map((result) => {
            const at = timestampMs(result.checkedAt);
            return (
              <Fragment key={at}>
                <tr className="border-t border-slate-100 align-top dark:border-slate-800">
                  <td className="py-2 pr-4 whitespace-nowrap">
                    <time
                      dateTime={new Date(at).toISOString()}
                      title={new Date(at).toLocaleString()}
                    >
                      {shortTime(at)}
                    </time>
                  </td>
                  <td className="py-2 pr-4">
                    <span
                      className={
                        result.up
                          ? "text-emerald-700 dark:text-emerald-400"
                          : "font-semibold text-red-700 dark:text-red-400"
                      }
                    >
                      {result.up ? "Up" : "Down"}
                    </span>
                  </td>
                  <DetailCell text={detail.of(result)} />
                  <td className="py-2 pr-4 text-right whitespace-nowrap tabular-nums">
                    {result.timing ? ms(result.timing.totalMs) : "—"}
                  </td>
                  <td className="hidden py-2 break-words text-red-800 sm:table-cell dark:text-red-300">
                    {result.error}
                  </td>
                </tr>
                {result.error && (
                  // On a phone the error gets a line of its own under its check, full width.
                  <tr className="sm:hidden">
                    <td colSpan={4} className="pb-2 break-words text-red-800 dark:text-red-300">
                      {result.error}
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** DetailCell is the third column's text, cut short when long (a DNS answer), whole on hover. */
function DetailCell({ text }: { text: string }) {
  const short = text.length > ANSWER_CHARS ? `${text.slice(0, ANSWER_CHARS)}…` : text;
  return (
    <td
      className="max-w-64 py-2 pr-4 break-words tabular-nums"
      title={short === text ? undefined : text}
    >
      {short}
    </td>
  );
}
