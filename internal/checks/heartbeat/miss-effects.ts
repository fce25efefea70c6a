import { create } from "@bufbuild/protobuf";
import {
  CheckErrorKind,
  type CheckResult,
  CheckResultSchema,
  type HeartbeatSpec,
} from "../../../gen/pulsar/v1/check_pb.js";
import { heartbeatDueAfterMiss } from "./deadline.js";
import type { HeartbeatTimes } from "./heartbeat-state.js";
import { describeMiss } from "./miss-words.js";
import { timestampFromUs } from "./ping-effects.js";

/** MissFacts are a passed deadline as the sweeper found it, and when and where it sweeps. */
export interface MissFacts {
  monitorId: string;
  spec: HeartbeatSpec;
  /** times.dueUs is the deadline that passed (not null: the sweeper selects by it). */
  times: HeartbeatTimes & { dueUs: number };
  /** The sweep's time (epoch µs): the missed result's checkedAt. */
  nowUs: number;
  region: string;
  /** The monitor is in a maintenance window now: the result is marked so. */
  maintenance: boolean;
}

/** MissEffect is a missed deadline's result and the monitor's state after it. */
export interface MissEffect {
  times: HeartbeatTimes;
  result: CheckResult;
}

/**
 * applyMiss is what a passed deadline does: a missed result (down, HEARTBEAT_MISSED, in words
 * that say what was expected; scheduledAt the deadline, checkedAt the sweep) and the next
 * deadline (heartbeatDueAfterMiss), with any pending start cleared: its job is taken for
 * dead. Each deadline records one result, so a monitor with N confirmations goes down at the
 * Nth missed deadline in a row, and records a missed result each period while it stays down.
 */
export function applyMiss(miss: MissFacts): MissEffect {
  const { spec, times } = miss;
  const next = heartbeatDueAfterMiss(spec, times.dueUs / 1000, miss.nowUs / 1000);
  const error = describeMiss({
    spec,
    dueAtMs: times.dueUs / 1000,
    startedAtMs: times.startedUs === null ? null : times.startedUs / 1000,
    lastPingAtMs: times.lastPingUs === null ? null : times.lastPingUs / 1000,
  });
  return {
    times: {
      dueUs: next === null ? null : Math.round(next * 1000),
      startedUs: null,
      lastPingUs: times.lastPingUs,
    },
    result: create(CheckResultSchema, {
      monitorId: miss.monitorId,
      checkedAt: timestampFromUs(miss.nowUs),
      scheduledAt: timestampFromUs(times.dueUs),
      up: false,
      error,
      errorKind: CheckErrorKind.HEARTBEAT_MISSED,
      region: miss.region,
      maintenance: miss.maintenance,
    }),
  };
}
