import { create } from "@bufbuild/protobuf";
import { type Timestamp, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type CheckResult, CheckResultSchema } from "../../../gen/pulsar/v1/check_pb.js";
import { timestampText } from "../../db/timestamp-text.js";
import type { InsertCheckResultsParams, ListCheckResultsResult } from "./results.queries.js";

/**
 * requireCheckedAt returns a result's checkedAt. A result without one cannot be stored (it is
 * part of the key); the check always sets it, so its absence is a bug, reported by monitor.
 */
export function requireCheckedAt(result: CheckResult): Timestamp {
  if (!result.checkedAt)
    throw new Error(`check result of monitor ${result.monitorId} has no checkedAt`);
  return result.checkedAt;
}

/** resultColumns turns a batch into the parallel arrays InsertCheckResults unnests. */
export function resultColumns(results: readonly CheckResult[]): InsertCheckResultsParams {
  const c: InsertCheckResultsParams = {
    monitorIds: [],
    checkedAts: [],
    scheduledAts: [],
    ups: [],
    statusCodes: [],
    errors: [],
    errorKinds: [],
    redirectMs: [],
    dnsMs: [],
    connectMs: [],
    tlsMs: [],
    ttfbMs: [],
    downloadMs: [],
    totalMs: [],
    responseBytes: [],
    redirectCounts: [],
    remoteAddresses: [],
    regions: [],
    tlsCertExpiresAts: [],
    tlsCertIssuers: [],
    loopDelayMs: [],
    maintenances: [],
    answers: [],
    jobDurationMs: [],
  };
  for (const r of results) {
    const t = r.timing;
    c.monitorIds.push(r.monitorId);
    c.checkedAts.push(timestampText(requireCheckedAt(r)));
    c.scheduledAts.push(timestampText(r.scheduledAt));
    c.ups.push(r.up);
    c.statusCodes.push(r.statusCode);
    c.errors.push(r.error);
    c.errorKinds.push(r.errorKind);
    c.redirectMs.push(t?.redirectMs ?? 0);
    c.dnsMs.push(t?.dnsMs ?? 0);
    c.connectMs.push(t?.connectMs ?? 0);
    c.tlsMs.push(t?.tlsMs ?? 0);
    c.ttfbMs.push(t?.ttfbMs ?? 0);
    c.downloadMs.push(t?.downloadMs ?? 0);
    c.totalMs.push(t?.totalMs ?? 0);
    // As text: int64 must not go through a float.
    c.responseBytes.push(r.responseBytes.toString());
    c.redirectCounts.push(r.redirectCount);
    c.remoteAddresses.push(r.remoteAddress);
    c.regions.push(r.region);
    c.tlsCertExpiresAts.push(timestampText(r.tlsCertExpiresAt));
    c.tlsCertIssuers.push(r.tlsCertIssuer);
    c.loopDelayMs.push(r.loopDelayMs);
    c.maintenances.push(r.maintenance);
    // A NUL cannot be stored in text: the checks keep it out, this keeps a slip from failing a
    // whole batch.
    c.answers.push(r.answer.includes("\u0000") ? r.answer.replaceAll("\u0000", "") : r.answer);
    c.jobDurationMs.push(r.jobDurationMs);
  }
  return c;
}

/** resultFromRow turns a check_results row into a pulsar.v1.CheckResult. */
export function resultFromRow(row: ListCheckResultsResult): CheckResult {
  return create(CheckResultSchema, {
    monitorId: row.monitor_id,
    checkedAt: timestampFromDate(row.checked_at),
    scheduledAt: row.scheduled_at ? timestampFromDate(row.scheduled_at) : undefined,
    up: row.up,
    statusCode: row.status_code,
    error: row.error,
    errorKind: row.error_kind,
    timing: {
      redirectMs: row.redirect_ms,
      dnsMs: row.dns_ms,
      connectMs: row.connect_ms,
      tlsMs: row.tls_ms,
      ttfbMs: row.ttfb_ms,
      downloadMs: row.download_ms,
      totalMs: row.total_ms,
    },
    responseBytes: BigInt(row.response_bytes),
    region: row.region,
    tlsCertExpiresAt: row.tls_cert_expires_at
      ? timestampFromDate(row.tls_cert_expires_at)
      : undefined,
    tlsCertIssuer: row.tls_cert_issuer,
    redirectCount: row.redirect_count,
    remoteAddress: row.remote_address,
    loopDelayMs: row.loop_delay_ms,
    maintenance: row.maintenance,
    answer: row.answer,
    jobDurationMs: row.job_duration_ms,
  });
}
