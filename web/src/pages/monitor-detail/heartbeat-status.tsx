import type { CheckResult, HeartbeatSpec } from "../../../../gen/pulsar/v1/check_pb";
import { formatDuration } from "../../../../shared/duration";
import { StatCard } from "../../components/stat-card";
import { ago, shortTime, timestampMs } from "../../lib/format";
import { useNow } from "../hosts/use-now";
import { AnswerText } from "./answer-text";
import { heartbeatDeadline, jobTime, lastPing, roughly } from "./heartbeat-times";

/** HeartbeatStatusProps are a heartbeat's schedule, its recent results, and its state. */
export interface HeartbeatStatusProps {
  heartbeat: HeartbeatSpec;
  /** Newest first. */
  results: readonly CheckResult[];
  enabled: boolean;
  /** Monitor.heartbeatDueAt in ms: when it is late without a ping; 0 when absent. */
  dueAtMs: number;
  /** Monitor.heartbeatStartedAt in ms: a job that pinged /start and has not ended; 0 when none. */
  startedAtMs: number;
}

/**
 * HeartbeatStatus is a heartbeat monitor's "latest check": when the last ping came, when it is
 * late without the next one (the server's deadline), the job running now or how long the last
 * timed one took, why it is down, and the last ping's body.
 */
export function HeartbeatStatus({
  heartbeat,
  results,
  enabled,
  dueAtMs,
  startedAtMs,
}: HeartbeatStatusProps) {
  const now = useNow(10_000);
  const ping = lastPing(results);
  const latest = results[0];
  const pingAt = timestampMs(ping?.checkedAt);
  const timed = results.find((r) => r.jobDurationMs > 0);
  const deadline = heartbeatDeadline(enabled, dueAtMs, timestampMs(latest?.checkedAt), now);
  const running = enabled && startedAtMs > 0;
  return (
    <div className="space-y-3">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3">
        <StatCard
          label="Last ping"
          value={pingAt ? ago(pingAt, now) : "none yet"}
          hint={pingAt ? new Date(pingAt).toLocaleString() : "waiting for the first"}
          tone={ping && !ping.up ? "bad" : "default"}
        />
        <Deadline heartbeat={heartbeat} running={running} now={now} {...deadline} />
        {running ? (
          <StatCard
            label="Job running since"
            value={shortTime(startedAtMs, now)}
            hint={`for ${roughly((now - startedAtMs) / 1000)}${timed ? `; the last took ${jobTime(timed.jobDurationMs)}` : ""}`}
          />
        ) : (
          <StatCard
            label="Last job took"
            value={timed ? jobTime(timed.jobDurationMs) : "—"}
            hint={
              timed ? `ended ${ago(timestampMs(timed.checkedAt), now)}` : "ping /start to time jobs"
            }
          />
        )}
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

type DeadlineProps = ReturnType<typeof heartbeatDeadline> & {
  heartbeat: HeartbeatSpec;
  running: boolean;
  now: number;
};

/** Deadline is the card saying when the monitor is late without a ping, or since when it is. */
function Deadline({ heartbeat, running, now, ...deadline }: DeadlineProps) {
  switch (deadline.state) {
    case "paused":
      return <StatCard label="Late after" value="—" hint="paused: nothing is due" />;
    case "none":
      return <StatCard label="Late after" value="—" hint="the schedule has no run ahead" />;
    case "moved":
      return <StatCard label="Late after" value="…" hint="a new result moved the deadline" />;
    case "late":
      return (
        <StatCard
          label="Late since"
          value={shortTime(deadline.dueMs, now)}
          tone="bad"
          hint={`no ping for ${roughly((now - deadline.dueMs) / 1000)} past the deadline`}
        />
      );
    case "ahead": {
      const why = running ? "the running job must end by then" : scheduleWords(heartbeat);
      return (
        <StatCard
          label="Late after"
          value={shortTime(deadline.dueMs, now)}
          hint={`in ${roughly((deadline.dueMs - now) / 1000)} (${why})`}
        />
      );
    }
  }
}

/** scheduleWords says what a deadline follows from: "every 1 h + 5 min grace". */
function scheduleWords(heartbeat: HeartbeatSpec): string {
  // The server resolves it; 300 s is its default, should an older server leave it out.
  const grace = `${formatDuration(heartbeat.graceSeconds ?? 300)} grace`;
  if (heartbeat.cron !== "") return `${heartbeat.cron} ${heartbeat.timezone || "UTC"} + ${grace}`;
  return `every ${formatDuration(heartbeat.periodSeconds)} + ${grace}`;
}
