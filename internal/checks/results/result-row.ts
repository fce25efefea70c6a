import { create } from "@bufbuild/protobuf";
import { type Timestamp, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type CheckResult, CheckResultSchema } from "../../../gen/pulsar/v1/check_pb.js";
import { booleansLiteral, numbersLiteral, textsLiteral } from "../../db/array-literal.js";
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

/**
 * resultColumns turns a batch into the parallel arrays InsertCheckResults unnests, each as its
 * array literal's text (internal/db/array-literal.ts).
 */
export function resultColumns(results: readonly CheckResult[]): InsertCheckResultsParams {
  const n = results.length;
  const monitorIds: string[] = new Array(n);
  const checkedAts: string[] = new Array(n);
  const scheduledAts: string[] = new Array(n);
  const ups: boolean[] = new Array(n);
  const statusCodes: number[] = new Array(n);
  const errors: string[] = new Array(n);
  const errorKinds: number[] = new Array(n);
  const redirectMs: number[] = new Array(n);
  const dnsMs: number[] = new Array(n);
  const connectMs: number[] = new Array(n);
  const tlsMs: number[] = new Array(n);
  const ttfbMs: number[] = new Array(n);
  const downloadMs: number[] = new Array(n);
  const totalMs: number[] = new Array(n);
  const responseBytes: string[] = new Array(n);
  const redirectCounts: number[] = new Array(n);
  const remoteAddresses: string[] = new Array(n);
  const regions: string[] = new Array(n);
  const tlsCertExpiresAts: string[] = new Array(n);
  const tlsCertIssuers: string[] = new Array(n);
  const loopDelayMs: number[] = new Array(n);
  const maintenances: boolean[] = new Array(n);
  const answers: string[] = new Array(n);
  const jobDurationMs: number[] = new Array(n);
  let i = 0;
  for (const r of results) {
    const t = r.timing;
    monitorIds[i] = r.monitorId;
    checkedAts[i] = timestampText(requireCheckedAt(r));
    scheduledAts[i] = timestampText(r.scheduledAt);
    ups[i] = r.up;
    statusCodes[i] = r.statusCode;
    errors[i] = r.error;
    errorKinds[i] = r.errorKind;
    redirectMs[i] = t?.redirectMs ?? 0;
    dnsMs[i] = t?.dnsMs ?? 0;
    connectMs[i] = t?.connectMs ?? 0;
    tlsMs[i] = t?.tlsMs ?? 0;
    ttfbMs[i] = t?.ttfbMs ?? 0;
    downloadMs[i] = t?.downloadMs ?? 0;
    totalMs[i] = t?.totalMs ?? 0;
    // As text: int64 must not go through a float.
    responseBytes[i] = r.responseBytes.toString();
    redirectCounts[i] = r.redirectCount;
    remoteAddresses[i] = r.remoteAddress;
    regions[i] = r.region;
    tlsCertExpiresAts[i] = timestampText(r.tlsCertExpiresAt);
    tlsCertIssuers[i] = r.tlsCertIssuer;
    loopDelayMs[i] = r.loopDelayMs;
    maintenances[i] = r.maintenance;
    // A NUL cannot be stored in text: the checks keep it out, this keeps a slip from failing a
    // whole batch.
    answers[i] = r.answer.includes("\u0000") ? r.answer.replaceAll("\u0000", "") : r.answer;
    jobDurationMs[i] = r.jobDurationMs;
    i++;
  }
  return {
    monitorIds: textsLiteral(monitorIds),
    checkedAts: textsLiteral(checkedAts),
    scheduledAts: textsLiteral(scheduledAts),
    ups: booleansLiteral(ups),
    statusCodes: numbersLiteral(statusCodes),
    errors: textsLiteral(errors),
    errorKinds: numbersLiteral(errorKinds),
    redirectMs: numbersLiteral(redirectMs),
    dnsMs: numbersLiteral(dnsMs),
    connectMs: numbersLiteral(connectMs),
    tlsMs: numbersLiteral(tlsMs),
    ttfbMs: numbersLiteral(ttfbMs),
    downloadMs: numbersLiteral(downloadMs),
    totalMs: numbersLiteral(totalMs),
    responseBytes: textsLiteral(responseBytes),
    redirectCounts: numbersLiteral(redirectCounts),
    remoteAddresses: textsLiteral(remoteAddresses),
    regions: textsLiteral(regions),
    tlsCertExpiresAts: textsLiteral(tlsCertExpiresAts),
    tlsCertIssuers: textsLiteral(tlsCertIssuers),
    loopDelayMs: numbersLiteral(loopDelayMs),
    maintenances: booleansLiteral(maintenances),
    answers: textsLiteral(answers),
    jobDurationMs: numbersLiteral(jobDurationMs),
  };
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
