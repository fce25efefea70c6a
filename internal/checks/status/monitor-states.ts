import { booleansLiteral, numbersLiteral, textsLiteral } from "../../db/array-literal.js";
import { connection, preparedConnection } from "../../db/connection.js";
import type { Queryable } from "../../db/pool.js";
import * as q from "./monitor-states.queries.js";

/** MonitorStateRow is a monitor's status with its owner and rules, as LockMonitorStates reads it. */
export type MonitorStateRow = q.LockMonitorStatesResult;

/**
 * MonitorStateColumns are the parallel columns SaveMonitorStates writes. Nullable values are ''
 * (pgtyped types array elements as non-null); results are protobuf JSON text.
 */
export interface MonitorStateColumns {
  monitorIds: string[];
  lastCheckedAts: string[];
  lastUps: boolean[];
  lastResults: string[];
  alertStatuses: string[];
  failures: number[];
  successes: number[];
  streakStartedAts: string[];
  streakErrors: string[];
  incidentIds: string[];
  lastReminderAts: string[];
  tlsAlertedExpiresAts: string[];
  tlsAlertedDays: string[];
  regionMonitorIds: string[];
  regions: string[];
  regionCheckedAts: string[];
  regionUps: boolean[];
  regionResults: string[];
}

/**
 * lockMonitorStates reads and locks (FOR UPDATE, in id order, until the transaction ends) the
 * status of the monitors that still exist. Call it inside a transaction.
 */
export async function lockMonitorStates(
  db: Queryable,
  monitorIds: readonly string[],
): Promise<MonitorStateRow[]> {
  if (monitorIds.length === 0) return [];
  return q.lockMonitorStates.run({ monitorIds: [...monitorIds] }, preparedConnection(db));
}

/**
 * saveMonitorStates writes states, and regions' latest results, decided under
 * lockMonitorStates' locks.
 */
export async function saveMonitorStates(db: Queryable, states: MonitorStateColumns): Promise<void> {
  if (states.monitorIds.length === 0 && states.regionMonitorIds.length === 0) return;
  await q.saveMonitorStates.run(
    {
      monitorIds: textsLiteral(states.monitorIds),
      lastCheckedAts: textsLiteral(states.lastCheckedAts),
      lastUps: booleansLiteral(states.lastUps),
      lastResults: textsLiteral(states.lastResults),
      alertStatuses: textsLiteral(states.alertStatuses),
      failures: numbersLiteral(states.failures),
      successes: numbersLiteral(states.successes),
      streakStartedAts: textsLiteral(states.streakStartedAts),
      streakErrors: textsLiteral(states.streakErrors),
      incidentIds: textsLiteral(states.incidentIds),
      lastReminderAts: textsLiteral(states.lastReminderAts),
      tlsAlertedExpiresAts: textsLiteral(states.tlsAlertedExpiresAts),
      tlsAlertedDays: textsLiteral(states.tlsAlertedDays),
      regionMonitorIds: textsLiteral(states.regionMonitorIds),
      regions: textsLiteral(states.regions),
      regionCheckedAts: textsLiteral(states.regionCheckedAts),
      regionUps: booleansLiteral(states.regionUps),
      regionResults: textsLiteral(states.regionResults),
    },
    preparedConnection(db),
  );
}

/**
 * resetMonitorStatus ends the monitor's open incident now and forgets its status, so that the
 * next result counted starts afresh; returns whether an incident was ended. Two statements
 * inside the caller's transaction: the row is locked first, so a batch of the monitor's results
 * being stored is waited for (its incident is then the one ended) and the next one waits for
 * the caller's COMMIT.
 */
export async function resetMonitorStatus(db: Queryable, monitorId: string): Promise<boolean> {
  const [locked] = await q.lockMonitorStatus.run({ monitorId }, connection(db));
  if (!locked) return false;
  const [row] = await q.resetMonitorStatus.run(
    { monitorId, incidentId: locked.incident_id },
    connection(db),
  );
  return (row?.closed ?? 0) > 0;
}
