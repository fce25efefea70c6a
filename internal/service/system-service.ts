import type { ServiceImpl } from "@connectrpc/connect";
import type { SystemService } from "../../gen/pulsar/v1/system_pb.js";
import { getCaller } from "../auth/caller.js";
import { intInRange } from "../core/validate.js";
import { MAX_WINDOW_SECONDS } from "../metrics/system/history.js";
import type { SystemStatsSource } from "../metrics/system/system-stats-source.js";
import { requireSystemAdmin, type SystemAdminCheck } from "./system-admin.js";

/** SystemServiceDeps are who may call it and where the figures come from. */
export interface SystemServiceDeps {
  isSystemAdmin: SystemAdminCheck;
  source: Pick<SystemStatsSource, "stats">;
}

const DEFAULT_WINDOW_SECONDS = 60;
const MIN_WINDOW_SECONDS = 10;

/**
 * createSystemService implements pulsar.v1.SystemService: the backend's own figures, computed
 * in memory from the readings this API process has taken (no query per call), for system
 * admins only.
 */
export function createSystemService(deps: SystemServiceDeps): ServiceImpl<typeof SystemService> {
  return {
    async getSystemStats(req, ctx) {
      await requireSystemAdmin(deps.isSystemAdmin, getCaller(ctx));
      // 0 is the proto default: the field was not set.
      const window = intInRange(
        "windowSeconds",
        req.windowSeconds === 0 ? undefined : req.windowSeconds,
        MIN_WINDOW_SECONDS,
        MAX_WINDOW_SECONDS,
        DEFAULT_WINDOW_SECONDS,
      );
      return deps.source.stats(window);
    },
  };
}
