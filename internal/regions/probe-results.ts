import { timestampMs } from "@bufbuild/protobuf/wkt";
import type pg from "pg";
import type { CheckResult } from "../../gen/pulsar/v1/check_pb.js";
import type { AlertHandOut } from "../alerts/hand-out.js";
import { announceStored, storeCheckResults } from "../checks/results/store-check-results.js";
import type { Logger } from "../core/logger.js";
import { connection } from "../db/connection.js";
import type { StreamPublisher } from "../stream/publisher.js";
import * as q from "./probe-monitors.queries.js";

/** ProbeResultsDeps are where a probe's results go: the path of a worker's. */
export interface ProbeResultsDeps {
  pool: pg.Pool;
  /** DEFAULT_REGION: the region of a monitor that lists none. */
  defaultRegion: string;
  /** Publishes stored results live; none in tests that do not need it. */
  publisher?: Pick<StreamPublisher, "publishCheckResults">;
  /** Where the batch's alert events go (deliveries queued, events published). */
  handOut?: AlertHandOut;
  /** Whether a monitor is in a maintenance window at an instant: the API decides, not the
   *  probe. None: no result is marked. */
  inMaintenance?: (monitorId: string, atMs: number) => boolean;
  log: Logger;
}

/** StoredProbeResults counts what a report stored and skipped. */
export interface StoredProbeResults {
  accepted: number;
  skipped: number;
}

/**
 * storeProbeResults stores a probe's validated results as a worker's are stored
 * (storeCheckResults, then published and their alert events handed out), all in one
 * transaction. Each is labelled with the token's region whatever the probe said, and marked
 * maintenance as this API's index says; a result whose monitor is gone or does not list the
 * region (a probe's token must not speak for another region) is skipped.
 */
export async function storeProbeResults(
  deps: ProbeResultsDeps,
  region: string,
  results: readonly CheckResult[],
): Promise<StoredProbeResults> {
  if (results.length === 0) return { accepted: 0, skipped: 0 };
  const rows = await q.listMonitorsCheckedFrom.run(
    {
      monitorIds: [...new Set(results.map((r) => r.monitorId))],
      region,
      isDefault: region === deps.defaultRegion,
    },
    connection(deps.pool),
  );
  const checked = new Set(rows.map((row) => row.id));
  const kept = results.filter((result) => checked.has(result.monitorId));
  for (const result of kept) {
    result.region = region;
    const at = result.checkedAt ? timestampMs(result.checkedAt) : Date.now();
    result.maintenance = deps.inMaintenance?.(result.monitorId, at) ?? false;
  }
  const stored = await storeCheckResults(deps.pool, kept);
  await announceStored(deps, kept, stored, "check results");
  // A monitor deleted between the filter and the transaction is left out by the store.
  const accepted = kept.filter((result) => stored.monitors.has(result.monitorId)).length;
  return { accepted, skipped: results.length - accepted };
}
