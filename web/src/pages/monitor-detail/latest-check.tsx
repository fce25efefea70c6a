import { useId } from "react";
import type { CheckResult } from "../../../../gen/pulsar/v1/check_pb";
import { WaterfallBar } from "../../components/waterfall-bar";
import { ago, ms, timestampMs } from "../../lib/format";
import type { KindName } from "../../lib/monitor-kind";
import { AnswerText } from "./answer-text";
import { phasesFor } from "./kind-phases";

/** LatestCheckProps are the check to show and its monitor's kind. */
export interface LatestCheckProps {
  result: CheckResult;
  /** HTTP when absent. */
  kind?: KindName;
}

const WATERFALL_LABEL: Partial<Record<KindName, string>> = {
  http: "Timing of the latest check",
  tcp: "Timing of the latest connection",
};

/**
 * LatestCheck shows one check in its kind's words: for HTTP, where its time went as a waterfall
 * (DNS, TCP, TLS, TTFB, Download, and Redirects when there were any) with its status code; for
 * TCP, the waterfall DNS → connect → TLS → answer and what the peer said; for DNS, the query
 * time and the records of the answer. Then the address reached and, when down, why.
 */
export function LatestCheck({ result, kind = "http" }: LatestCheckProps) {
  const timing = result.timing;
  const checkedAt = timestampMs(result.checkedAt);
  // A check that got no response may carry no timing: the legend still names every phase.
  const segments = phasesFor(kind, timing ? [timing] : []).map((phase) => ({
    label: phase.label,
    value: timing ? phase.value(timing) : 0,
    color: phase.color,
  }));
  const waterfall = WATERFALL_LABEL[kind];
  return (
    <div className="space-y-3">
      <p className="flex flex-wrap items-baseline gap-x-4 gap-y-1 text-sm">
        <span
          className={
            result.up
              ? "text-emerald-700 dark:text-emerald-400"
              : "font-semibold text-red-700 dark:text-red-400"
          }
        >
          {result.up ? "Up" : "Down"}
        </span>
        {kind === "http" && (
          <span>
            HTTP <span className="tabular-nums">{result.statusCode || "—"}</span>
          </span>
        )}
        {timing && (
          <span className="tabular-nums">
            {ms(timing.totalMs)} {kind === "dns" ? "query time" : "total"}
          </span>
        )}
        {result.remoteAddress && (
          <span>
            {kind === "dns" ? "answered by" : "from"} {result.remoteAddress}
          </span>
        )}
        <time
          dateTime={new Date(checkedAt).toISOString()}
          title={new Date(checkedAt).toLocaleString()}
          className="text-slate-500 dark:text-slate-400"
        >
          {ago(checkedAt)}
        </time>
      </p>
      {!result.up && result.error && (
        <p className="rounded-md bg-red-50 p-3 text-sm break-words text-red-800 dark:bg-red-950 dark:text-red-200">
          {result.error}
        </p>
      )}
      {kind === "dns" && <DnsAnswer answer={result.answer} up={result.up} />}
      {kind === "tcp" && result.answer !== "" && <AnswerText text={result.answer} title="Answer" />}
      {waterfall && <WaterfallBar segments={segments} label={waterfall} formatValue={ms} />}
    </div>
  );
}

/** DnsAnswer lists a DNS answer's records, one per line as the check wrote them. */
function DnsAnswer({ answer, up }: { answer: string; up: boolean }) {
  const id = useId();
  const records = answer.split("\n").filter((line) => line !== "");
  if (records.length === 0) {
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {up ? "No records: the name does not exist, as expected." : "No records in the answer."}
      </p>
    );
  }
  return (
    <div>
      <p className="text-sm font-medium" id={id}>
        Answer ({records.length} {records.length === 1 ? "record" : "records"})
      </p>
      <ul
        aria-labelledby={id}
        className="mt-1 space-y-0.5 rounded-md bg-slate-50 p-3 font-mono text-xs break-all dark:bg-slate-900"
      >
        {records.map((record, i) => (
          // Records may repeat (two equal TXT strings): their place is their identity.
          // biome-ignore lint/suspicious/noArrayIndexKey: records have no id of their own.
          <li key={i}>{record}</li>
        ))}
      </ul>
    </div>
  );
}
