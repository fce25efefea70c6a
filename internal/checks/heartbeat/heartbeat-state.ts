import { create, type JsonValue } from "@bufbuild/protobuf";
import { type HeartbeatSpec, HeartbeatSpecSchema } from "../../../gen/pulsar/v1/check_pb.js";
import { connection, preparedConnection } from "../../db/connection.js";
import type { Queryable } from "../../db/pool.js";
import { usText } from "../../db/timestamp-text.js";
import { kindSpecsFromJson } from "../monitors/monitor-kind.js";
import { heartbeatDueAt } from "./deadline.js";
import * as q from "./heartbeat-state.queries.js";

/**
 * armHeartbeat starts watching a heartbeat monitor from nowMs: its deadline becomes
 * heartbeatDueAt(spec, nowMs) and a pending /start is forgotten. The monitor service calls it
 * when a heartbeat monitor is created, edited or resumed, in the transaction that writes the
 * monitor. Lock order: call it before anything that locks the monitor's monitor_state row
 * (LockMonitorStatus), as the ping writer and the sweeper lock heartbeat_state first too;
 * the other order could deadlock with a ping being stored.
 */
export async function armHeartbeat(
  db: Queryable,
  monitorId: string,
  spec: HeartbeatSpec,
  nowMs: number,
): Promise<void> {
  const dueAt = heartbeatDueAt(spec, nowMs);
  await q.setHeartbeatDue.run(
    { monitorId, dueAt: dueAt === null ? "" : usText(BigInt(Math.round(dueAt * 1000))) },
    connection(db),
  );
}

/**
 * disarmHeartbeat stops watching a monitor (a paused heartbeat, or one that is no longer a
 * heartbeat): no deadline, no pending /start (nothing for a monitor that never was one); the sweeper leaves it alone until armHeartbeat. Same transaction and lock order as
 * armHeartbeat.
 */
export async function disarmHeartbeat(db: Queryable, monitorId: string): Promise<void> {
  await q.disarmHeartbeat.run({ monitorId }, connection(db));
}

/**
 * heartbeatSpecOf reads monitors.kind_spec of a heartbeat monitor (the protobuf JSON of its
 * resolved HeartbeatSpec). One that cannot be read (absent, or written otherwise) is taken as
 * the defaults, hourly with 5 minutes' grace, rather than a monitor that is never late.
 */
export function heartbeatSpecOf(kindSpec: JsonValue | null): HeartbeatSpec {
  try {
    const { heartbeat } = kindSpecsFromJson("heartbeat", kindSpec);
    if (heartbeat) return heartbeat;
  } catch {
    // The defaults below.
  }
  return create(HeartbeatSpecSchema, {});
}

/** HeartbeatTimes are a heartbeat_state row's times, in epoch microseconds (exact). */
export interface HeartbeatTimes {
  /** Null: paused, or a cron that never fires again. */
  dueUs: number | null;
  /** A /start not followed by its end. */
  startedUs: number | null;
  lastPingUs: number | null;
}

/** usOf reads an epoch-microsecond column (bigint as text): well within a double's integers. */
export function usOf(text: string | null): number | null {
  return text === null ? null : Number(text);
}

/** HeartbeatRow is a heartbeat_state row to write back: its monitor and times. */
export interface HeartbeatRow extends HeartbeatTimes {
  monitorId: string;
}

/** saveHeartbeatStates writes rows decided under TakeQueuedPings' or LockDueHeartbeats' locks. */
export async function saveHeartbeatStates(
  db: Queryable,
  rows: readonly HeartbeatRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const text = (us: number | null) => (us === null ? "" : usText(BigInt(us)));
  await q.saveHeartbeatStates.run(
    {
      monitorIds: rows.map((r) => r.monitorId),
      dueAts: rows.map((r) => text(r.dueUs)),
      startedAts: rows.map((r) => text(r.startedUs)),
      lastPingAts: rows.map((r) => text(r.lastPingUs)),
    },
    preparedConnection(db),
  );
}
