import { fromJson } from "@bufbuild/protobuf";
import { type CheckResult, CheckResultSchema } from "../../gen/pulsar/v1/check_pb.js";
import { connection } from "../db/connection.js";
import type { KeysetPage } from "../db/keyset-page.js";
import type { Queryable } from "../db/pool.js";
import * as q from "./stream-replay.queries.js";

/** LastResult is a monitor's latest check result, as the live stream replays it. */
export interface LastResult {
  monitorId: string;
  result: CheckResult;
}

/** LastResultsPage is one page of listLastResultsPage. */
export interface LastResultsPage {
  results: LastResult[];
  /** The position of the last row, to pass as afterSeq; undefined on an empty page. */
  lastSeq: string | undefined;
}

// seq is an identity column starting at 1, so 0 is before every row.
const FIRST = "0";

/**
 * listLastResultsPage reads the last results of an organization's monitors in creation order
 * after a keyset position, skipping monitors never checked. Only the monitor's id and its
 * monitor_state result are read, never its spec: a page costs the same whatever the monitors'
 * headers and bodies hold. A page shorter than page.limit is the last one.
 */
export async function listLastResultsPage(
  db: Queryable,
  orgId: string,
  page: KeysetPage,
): Promise<LastResultsPage> {
  const rows = await q.listLastResultsPage.run(
    { orgId, afterSeq: page.afterSeq ?? FIRST, limit: page.limit },
    connection(db),
  );
  return {
    results: rows.map((row) => ({ monitorId: row.id, result: resultFromJson(row.last_result) })),
    lastSeq: rows.at(-1)?.seq,
  };
}

/**
 * getLastResult reads one monitor's last result; undefined when it was never checked, does
 * not exist, or belongs to another organization.
 */
export async function getLastResult(
  db: Queryable,
  orgId: string,
  monitorId: string,
): Promise<CheckResult | undefined> {
  const [row] = await q.getLastResult.run({ id: monitorId, orgId }, connection(db));
  return row && resultFromJson(row.last_result);
}

// Stored from toJson(CheckResultSchema); unknown fields are tolerated so that rows written
// before a field was removed from the proto still read (as monitorFromRow does).
function resultFromJson(json: q.Json): CheckResult {
  return fromJson(CheckResultSchema, json, { ignoreUnknownFields: true });
}
