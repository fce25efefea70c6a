import type pg from "pg";
import { ResourceExhaustedError } from "../core/errors.js";
import { connection } from "../db/connection.js";
import { toJsonParam } from "../db/json.js";
import type { Queryable } from "../db/pool.js";
import { withTransaction } from "../db/transaction.js";
import * as q from "./maintenances.queries.js";
import type { Recurrence } from "./schedule.js";

/** MaintenanceInput is a validated MaintenanceSpec, ids lower-cased and without repeats. */
export interface MaintenanceInput {
  title: string;
  description: string;
  monitorIds: string[];
  statusPageIds: string[];
  startsAt: Date;
  endsAt: Date | null;
  recurrence: Recurrence;
  timezone: string;
}

/** MaintenanceRow is a stored maintenance with the monitors it covers now. */
export type MaintenanceRow = q.ListOrgMaintenancesResult;

/**
 * MAX_MAINTENANCES_PER_ORG bounds an organization's maintenances. A fixed bound rather than a
 * setting: every worker loads the maintenances in force every 10 s, and a hundred windows is
 * more than any team plans (delete past ones to make room).
 */
export const MAX_MAINTENANCES_PER_ORG = 100;

const params = (orgId: string, input: MaintenanceInput) => ({
  orgId,
  title: input.title,
  description: input.description,
  monitorIds: input.monitorIds,
  statusPageIds: input.statusPageIds,
  startsAt: input.startsAt,
  endsAt: input.endsAt,
  recurrence: input.recurrence === null ? null : toJsonParam(input.recurrence),
  timezone: input.timezone,
});

/**
 * insertMaintenance stores a maintenance unless the organization holds
 * MAX_MAINTENANCES_PER_ORG already (resource_exhausted naming the limit); counting and
 * inserting happen under the organization's lock, so two creations cannot both take the last
 * place. Returns the new id.
 */
export async function insertMaintenance(
  pool: Pick<pg.Pool, "connect">,
  orgId: string,
  input: MaintenanceInput,
): Promise<string> {
  return withTransaction(pool, async (tx) => {
    const db = connection(tx);
    await q.lockOrgMaintenances.run({ orgId }, db);
    const [counted] = await q.countOrgMaintenances.run({ orgId }, db);
    if ((counted?.count ?? 0) >= MAX_MAINTENANCES_PER_ORG) {
      throw new ResourceExhaustedError(
        `this organization has reached its limit of ${MAX_MAINTENANCES_PER_ORG} maintenances; delete past ones first`,
      );
    }
    const [row] = await q.insertMaintenance.run(params(orgId, input), db);
    if (!row) throw new Error("INSERT … RETURNING returned no row");
    return row.id;
  });
}

/** updateMaintenance replaces a maintenance's spec; false when the organization has no such id. */
export async function updateMaintenance(
  db: Queryable,
  orgId: string,
  id: string,
  input: MaintenanceInput,
): Promise<boolean> {
  const rows = await q.updateMaintenance.run({ ...params(orgId, input), id }, connection(db));
  return rows.length > 0;
}

/** deleteMaintenance deletes one; false when the organization has no such id. */
export async function deleteMaintenance(
  db: Queryable,
  orgId: string,
  id: string,
): Promise<boolean> {
  return (await q.deleteMaintenance.run({ orgId, id }, connection(db))).length > 0;
}

/** listOrgMaintenances reads the organization's maintenances (or the one id) by start. */
export async function listOrgMaintenances(
  db: Queryable,
  orgId: string,
  id?: string,
): Promise<MaintenanceRow[]> {
  return q.listOrgMaintenances.run({ orgId, id: id ?? null }, connection(db));
}

/** listOrgMaintenancesInForce reads the organization's maintenances whose span holds at. */
export async function listOrgMaintenancesInForce(db: Queryable, orgId: string, at: Date) {
  return q.listOrgMaintenancesInForce.run({ orgId, at }, connection(db));
}

/** filterOrgMonitorIds returns those of ids that name monitors of the organization. */
export async function filterOrgMonitorIds(
  db: Queryable,
  orgId: string,
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await q.filterOrgMonitorIds.run({ orgId, ids }, connection(db));
  return new Set(rows.map((r) => r.id));
}

/** filterOrgStatusPageIds returns those of ids that name status pages of the organization. */
export async function filterOrgStatusPageIds(
  db: Queryable,
  orgId: string,
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await q.filterOrgStatusPageIds.run({ orgId, ids }, connection(db));
  return new Set(rows.map((r) => r.id));
}
