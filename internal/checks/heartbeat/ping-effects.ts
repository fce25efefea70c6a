import { create } from "@bufbuild/protobuf";
import { type Timestamp, TimestampSchema, timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  CheckErrorKind,
  type CheckResult,
  CheckResultSchema,
  type HeartbeatSpec,
} from "../../../gen/pulsar/v1/check_pb.js";
import { graceMsOf, heartbeatDueAt } from "./deadline.js";
import type { HeartbeatTimes } from "./heartbeat-state.js";
import { formatSeconds } from "./miss-words.js";

// What one ping does to its monitor's heartbeat state and which result it stores, as pure
// functions: the ping writer applies them in arrival order under the state's row lock.

/** PingKind is which of /ping/<token>, /ping/<token>/fail and /ping/<token>/start was called. */
export type PingKind = "success" | "fail" | "start";

/** PingEffect is a ping's new state for its monitor and, but for a start, its result. */
export interface PingEffect {
  times: HeartbeatTimes;
  result?: CheckResult;
}

/** PingFacts are a ping as stored: its monitor, kind, times and body. */
export interface PingFacts {
  monitorId: string;
  kind: PingKind;
  /** When the ping's request arrived (epoch ms): its result's scheduledAt. */
  arrivedMs: number;
  /**
   * When it was stored, under its monitor's row lock (epoch µs, unique per monitor): its
   * result's checkedAt. Taking it under the lock orders a ping and a missed deadline of one
   * monitor as they were committed, so the one committed last is the newest result.
   */
  atUs: number;
  /** The request body, cleaned (ping-body.ts). */
  body: string;
  region: string;
}

/**
 * applyPing is what a ping does. A success or fail ping ends the job: the deadline moves on
 * from it (a failed job did run), a pending start is cleared and gives the job's duration. A
 * start stores no result (it says nothing of success; the dashboard would count it as a
 * check) and shortens the deadline to the grace time from now: a job that started must end
 * within it.
 */
export function applyPing(spec: HeartbeatSpec, times: HeartbeatTimes, ping: PingFacts): PingEffect {
  const graceUs = graceMsOf(spec) * 1000;
  if (ping.kind === "start") {
    const startDueUs = ping.atUs + graceUs;
    return {
      times: {
        dueUs: times.dueUs === null ? startDueUs : Math.min(times.dueUs, startDueUs),
        startedUs: ping.atUs,
        lastPingUs: times.lastPingUs,
      },
    };
  }
  const due = heartbeatDueAt(spec, ping.atUs / 1000);
  const jobDurationMs = times.startedUs === null ? 0 : (ping.atUs - times.startedUs) / 1000;
  return {
    times: {
      dueUs: due === null ? null : Math.round(due * 1000),
      startedUs: null,
      lastPingUs: ping.atUs,
    },
    result: pingResult(ping, jobDurationMs),
  };
}

/** pingResult is the CheckResult of a success or fail ping. */
function pingResult(ping: PingFacts, jobDurationMs: number): CheckResult {
  const failed = ping.kind === "fail";
  const after = jobDurationMs > 0 ? ` after ${formatJobDuration(jobDurationMs)}` : "";
  return create(CheckResultSchema, {
    monitorId: ping.monitorId,
    checkedAt: timestampFromUs(ping.atUs),
    scheduledAt: timestampFromMs(ping.arrivedMs),
    up: !failed,
    error: failed ? `the job reported failure${after}` : "",
    errorKind: failed ? CheckErrorKind.HEARTBEAT_FAILED : CheckErrorKind.UNSPECIFIED,
    region: ping.region,
    answer: ping.body,
    jobDurationMs,
  });
}

/** formatJobDuration writes a job's duration: "350 ms" under a second, else "2 min 5 s". */
export function formatJobDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : formatSeconds(ms / 1000);
}

/** timestampFromUs is a Timestamp of epoch microseconds (an integer), exact. */
export function timestampFromUs(us: number): Timestamp {
  const seconds = Math.floor(us / 1_000_000);
  return create(TimestampSchema, {
    seconds: BigInt(seconds),
    nanos: (us - seconds * 1_000_000) * 1000,
  });
}
