import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type MonitorStats,
  MonitorStatsSchema,
  type PhasePercentiles,
  PhasePercentilesSchema,
} from "../../../gen/pulsar/v1/monitor_pb.js";

/**
 * StatsFigures are the figures GetMonitorStats and GetMonitorStatsWithRegions compute over a
 * window, for a monitor or one of its regions: counts, and per phase the p50, p95 and p99 as
 * percentile_cont's array (null when no check got a response).
 */
export interface StatsFigures {
  checks: number;
  failures: number;
  avg_total_ms: number | null;
  total_ms: number[] | null;
  dns_ms: number[] | null;
  connect_ms: number[] | null;
  tls_ms: number[] | null;
  ttfb_ms: number[] | null;
  download_ms: number[] | null;
}

const percentiles = (values: number[] | null): PhasePercentiles =>
  create(PhasePercentilesSchema, {
    p50: values?.[0] ?? 0,
    p95: values?.[1] ?? 0,
    p99: values?.[2] ?? 0,
  });

/**
 * statsOf turns a window's figures into MonitorStats, labelled with the window: uptime is the
 * share of checks that were up, 0 without checks; every figure is 0 when there are none
 * (undefined figures: a region without checks in the window). The certificate is left to the
 * caller.
 */
export function statsOf(window: string, row: StatsFigures | undefined): MonitorStats {
  const checks = row?.checks ?? 0;
  const failures = row?.failures ?? 0;
  return create(MonitorStatsSchema, {
    window,
    uptimeRatio: checks === 0 ? 0 : (checks - failures) / checks,
    checks: BigInt(checks),
    failures: BigInt(failures),
    totalMs: percentiles(row?.total_ms ?? null),
    dnsMs: percentiles(row?.dns_ms ?? null),
    connectMs: percentiles(row?.connect_ms ?? null),
    tlsMs: percentiles(row?.tls_ms ?? null),
    ttfbMs: percentiles(row?.ttfb_ms ?? null),
    downloadMs: percentiles(row?.download_ms ?? null),
    avgTotalMs: row?.avg_total_ms ?? 0,
  });
}

/** CertificateFigures are the certificate columns of a monitor's stats row. */
export interface CertificateFigures {
  tls_cert_expires_at: Date | null;
  tls_cert_issuer: string;
}

/**
 * withCertificate sets on a monitor's stats the certificate of the newest check of the window
 * that saw one: none when no check did, or when there is no row.
 */
export function withCertificate(
  stats: MonitorStats,
  row: CertificateFigures | undefined,
): MonitorStats {
  stats.tlsCertExpiresAt = row?.tls_cert_expires_at
    ? timestampFromDate(row.tls_cert_expires_at)
    : undefined;
  stats.tlsCertIssuer = row?.tls_cert_issuer ?? "";
  return stats;
}
