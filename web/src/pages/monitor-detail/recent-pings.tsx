import { CheckErrorKind, type CheckResult } from "../../../../gen/pulsar/v1/check_pb";
import { shortTime, timestampMs } from "../../lib/format";
import { visibleControls } from "./answer-text";
import { jobTime } from "./heartbeat-times";
import { TableHead } from "./table-head";

/** RecentPingsProps are a heartbeat's results to list, newest first. */
export interface RecentPingsProps {
  results: readonly CheckResult[];
}

/** What each result of a heartbeat is, in a word. */
function outcome(result: CheckResult): { word: string; bad: boolean } {
  if (result.errorKind === CheckErrorKind.HEARTBEAT_MISSED) return { word: "Missed", bad: true };
  if (result.errorKind === CheckErrorKind.HEARTBEAT_FAILED) return { word: "Failed", bad: true };
  return result.up ? { word: "Ping", bad: false } : { word: "Down", bad: true };
}

/** Characters of a body shown before it is opened. */
const PREVIEW = 80;

/**
 * RecentPings lists a heartbeat's pings and missed deadlines, newest first: when, what it was
 * (a ping, a failure reported with /fail, a missed deadline), the job's duration when it was
 * timed with /start, and the ping's body (its first line, the rest on opening it) or why it
 * is down.
 */
export function RecentPings({ results }: RecentPingsProps) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Recent pings, newest first</caption>
        <TableHead columns={["Time", "Result", "Job took", "Body or error"]} />
        <tbody>
          {results.map((result) => {
            const at = timestampMs(result.checkedAt);
            const { word, bad } = outcome(result);
            return (
              <tr key={at} className="border-t border-slate-100 align-top dark:border-slate-800">
                <td className="py-2 pr-4 whitespace-nowrap">
                  <time dateTime={new Date(at).toISOString()} title={new Date(at).toLocaleString()}>
                    {shortTime(at)}
                  </time>
                </td>
                <td
                  className={`py-2 pr-4 ${bad ? "font-semibold text-red-700 dark:text-red-400" : "text-emerald-700 dark:text-emerald-400"}`}
                >
                  {word}
                </td>
                <td className="py-2 pr-4 whitespace-nowrap tabular-nums">
                  {result.jobDurationMs > 0 ? jobTime(result.jobDurationMs) : "—"}
                </td>
                <td className="min-w-48 py-2 break-words">
                  {result.answer !== "" ? (
                    <Body text={result.answer} />
                  ) : (
                    <span className="text-red-800 dark:text-red-300">{result.error}</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Body is a ping's body: short ones whole, long ones by their start, the rest on opening. */
function Body({ text }: { text: string }) {
  const firstLine = text.split("\n", 1)[0] ?? "";
  if (text.length <= PREVIEW && firstLine === text) {
    return <code className="font-mono text-xs">{visibleControls(text)}</code>;
  }
  return (
    <details>
      <summary className="cursor-pointer font-mono text-xs">
        {visibleControls(firstLine.slice(0, PREVIEW))}…
      </summary>
      <pre className="mt-1 max-h-64 overflow-auto rounded-md bg-slate-50 p-2 font-mono text-xs whitespace-pre-wrap break-all dark:bg-slate-900">
        {visibleControls(text)}
      </pre>
    </details>
  );
}
