import type { ServiceImpl } from "@connectrpc/connect";
import type pg from "pg";
import type { MaintenanceService } from "../../gen/pulsar/v1/maintenance_pb.js";
import { getCaller } from "../auth/caller.js";
import { InvalidArgumentError, NotFoundError } from "../core/errors.js";
import { requireUuid } from "../core/validate.js";
import type { Queryable } from "../db/pool.js";
import { maintenanceInput } from "../maintenance/maintenance-input.js";
import { compareViews, maintenanceView } from "../maintenance/maintenance-message.js";
import {
  deleteMaintenance,
  filterOrgMonitorIds,
  filterOrgStatusPageIds,
  insertMaintenance,
  listOrgMaintenances,
  type MaintenanceInput,
  updateMaintenance,
} from "../maintenance/maintenances.js";

/** MaintenanceServiceDeps are what the maintenance RPCs use. */
export interface MaintenanceServiceDeps {
  pool: pg.Pool;
  now?: () => Date;
}

/**
 * requireOrgIds refuses an input naming a monitor or page that is not the organization's,
 * naming the first such id as the client wrote its list: another organization's id is
 * refused exactly like one that does not exist.
 */
async function requireOrgIds(db: Queryable, orgId: string, input: MaintenanceInput) {
  const monitors = await filterOrgMonitorIds(db, orgId, input.monitorIds);
  const badMonitor = input.monitorIds.findIndex((id) => !monitors.has(id));
  if (badMonitor >= 0)
    throw new InvalidArgumentError(
      `maintenance.monitorIds[${badMonitor}]`,
      "names no monitor of this organization",
    );
  const pages = await filterOrgStatusPageIds(db, orgId, input.statusPageIds);
  const badPage = input.statusPageIds.findIndex((id) => !pages.has(id));
  if (badPage >= 0)
    throw new InvalidArgumentError(
      `maintenance.statusPageIds[${badPage}]`,
      "names no status page of this organization",
    );
}

/**
 * createMaintenanceService implements pulsar.v1.MaintenanceService. Postgres holds the
 * maintenances; the workers read them into their index (internal/maintenance) within 10 s.
 */
export function createMaintenanceService(
  deps: MaintenanceServiceDeps,
): ServiceImpl<typeof MaintenanceService> {
  const { pool } = deps;
  const now = deps.now ?? (() => new Date());
  const readOne = async (orgId: string, id: string) => {
    const [row] = await listOrgMaintenances(pool, orgId, id);
    if (!row) throw new NotFoundError(`maintenance ${id} not found`);
    return maintenanceView(row, now()).message;
  };

  return {
    async createMaintenance(req, ctx) {
      const input = maintenanceInput(req.maintenance);
      const orgId = getCaller(ctx).orgId;
      await requireOrgIds(pool, orgId, input);
      const id = await insertMaintenance(pool, orgId, input);
      return { maintenance: await readOne(orgId, id) };
    },
    async updateMaintenance(req, ctx) {
      const id = requireUuid("id", req.id);
      const input = maintenanceInput(req.maintenance);
      const orgId = getCaller(ctx).orgId;
      await requireOrgIds(pool, orgId, input);
      if (!(await updateMaintenance(pool, orgId, id, input)))
        throw new NotFoundError(`maintenance ${id} not found`);
      return { maintenance: await readOne(orgId, id) };
    },
    async deleteMaintenance(req, ctx) {
      const id = requireUuid("id", req.id);
      if (!(await deleteMaintenance(pool, getCaller(ctx).orgId, id)))
        throw new NotFoundError(`maintenance ${id} not found`);
      return {};
    },
    async listMaintenances(req, ctx) {
      const at = now();
      const views = (await listOrgMaintenances(pool, getCaller(ctx).orgId))
        .map((row) => maintenanceView(row, at))
        .filter((view) => req.includePast || !view.past)
        .sort(compareViews);
      return { maintenances: views.map((view) => view.message) };
    },
  };
}
