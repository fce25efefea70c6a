import type { CheckResult, HeartbeatSpec } from "../../../../gen/pulsar/v1/check_pb";
import { formatDuration } from "../../../../shared/duration";
import { StatCard } from "../../components/stat-card";
import { ago, shortTime, timestampMs } from "../../lib/format";
import { useNow } from "../hosts/use-now";
import { AnswerText } from "./answer-text";
import { jobTime, lastPing, nextDeadlineMs } from "./heartbeat-times";

/** HeartbeatStatusProps are a heartbeat's schedule, its recent results, and its state. */
export interface HeartbeatStatusProps {
  heartbeat: HeartbeatSpec;
  /** Newest first. */
  results: readonly CheckResult[];
  /** When the monitor was last changed (ms): watching starts again then. */
  changedAtMs: number;
  enabled: boolean;
}

/**
 * HeartbeatStatus is a heartbeat monitor's "latest check": when the last ping came, when the
 * next one is due (for a period; a cron schedule says its times), how long the last timed job
 * took, why it is down, and the last ping's body.
 */
export function HeartbeatStatus({
  heartbeat,
  results,
  changedAtMs,
  enabled,
}: HeartbeatStatusProps) {
  const now = useNow(10_000);
  const ping = lastPing(results);
  const latest = results[0];
  const pingAt = timestampMs(ping?.checkedAt);
  const timed = results.find((r) => r.jobDurationMs > 0);
  return (
    <div className="space-y-3">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3">
        <StatCard
          label="Last ping"
          value={pingAt ? ago(pingAt, now) : "none yet"}
          hint={pingAt ? new Date(pingAt).toLocaleString() : "waiting for the first"}
          tone={ping && !ping.up ? "bad" : "default"}
        />
        <Deadline
          heartbeat={heartbeat}
          results={results}
          changedAtMs={changedAtMs}
          now={now}
          enabled={enabled}
        />
        <StatCard
          label="Last job took"
          value={timed ? jobTime(timed.jobDurationMs) : "—"}
          hint={
            timed ? `ended ${ago(timestampMs(timed.checkedAt), now)}` : "ping /start to time jobs"
          }
        />
      </dl>
      {latest && !latest.up && latest.error && (
        <p className="rounded-md bg-red-50 p-3 text-sm break-words text-red-800 dark:bg-red-950 dark:text-red-200">
          {latest.error}
        </p>
      )}
      {ping && ping.answer !== "" && (
        <AnswerText text={ping.answer} title="Body of the last ping" />
      )}
    </div>
  );
}

function Deadline({
  heartbeat,
  results,
  changedAtMs,
  now,
  enabled,
}: HeartbeatStatusProps & { now: number }) {
  const grace = formatDuration(heartbeat.graceSeconds ?? 300);
  if (!enabled) return <StatCard label="Next ping due" value="—" hint="paused: nothing is due" />;
  if (heartbeat.cron !== "") {
    return (
      <StatCard
        label="Pings due"
        value={<span className="font-mono text-base">{heartbeat.cron}</span>}
        hint={`${heartbeat.timezone || "UTC"}, plus ${grace} grace`}
      />
    );
  }
  const due = nextDeadlineMs(heartbeat, results, changedAtMs);
  if (due === null) return <StatCard label="Next ping due" value="—" />;
  const late = due <= now;
  return (
    <StatCard
      label="Next ping due by"
      value={shortTime(due, now)}
      tone={late ? "bad" : "default"}
      hint={
        late
          ? `overdue by ${roughly((now - due) / 1000)}`
          : `in ${roughly((due - now) / 1000)} (every ${formatDuration(heartbeat.periodSeconds || 3600)} + ${grace} grace)`
      }
    />
  );
}

/** roughly says a span of seconds to the minute once it is over a minute: "42 s", "1 h 5 min". */
function roughly(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return formatDuration(s < 60 ? s : Math.round(s / 60) * 60);
}
