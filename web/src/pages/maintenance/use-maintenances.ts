import { useCallback } from "react";
import type { Maintenance, MaintenanceSpec } from "../../../../gen/pulsar/v1/maintenance_pb";
import { type Collection, rethrowing, useCollection } from "../alerts/use-collection";
import type { MaintenanceClient } from "./client";

/** MaintenancesData are the organization's maintenances and what changes them. */
export interface MaintenancesData extends Collection<Maintenance> {
  /** save creates (no id) or replaces a maintenance; it rejects with the server's error. */
  save: (id: string | undefined, spec: MaintenanceSpec) => Promise<void>;
  /** deleteMaintenance deletes one; it rejects with the server's error. */
  deleteMaintenance: (id: string) => Promise<void>;
}

/**
 * useMaintenances lists the current and future maintenances (ListMaintenances) and keeps the
 * list in step with what the page saves: each answer brings the maintenance's next windows.
 */
export function useMaintenances(
  client: MaintenanceClient,
  onUnauthenticated: () => void,
): MaintenancesData {
  const load = useCallback(
    async (signal: AbortSignal) => (await client.listMaintenances({}, { signal })).maintenances,
    [client],
  );
  const list = useCollection(load, onUnauthenticated);
  const { add, remove } = list;
  const save = useCallback(
    async (id: string | undefined, spec: MaintenanceSpec) => {
      const fail = rethrowing(onUnauthenticated);
      const answer = id
        ? await client.updateMaintenance({ id, maintenance: spec }).catch(fail)
        : await client.createMaintenance({ maintenance: spec }).catch(fail);
      if (answer.maintenance) add(answer.maintenance);
    },
    [client, onUnauthenticated, add],
  );
  const deleteMaintenance = useCallback(
    async (id: string) => {
      await client.deleteMaintenance({ id }).catch(rethrowing(onUnauthenticated));
      remove(id);
    },
    [client, onUnauthenticated, remove],
  );
  return { ...list, save, deleteMaintenance };
}
