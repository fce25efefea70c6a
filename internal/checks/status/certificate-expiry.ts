import type { CheckResult } from "../../../gen/pulsar/v1/check_pb.js";
import type { MonitorTransition } from "../../alerts/monitor-transition.js";
import { timestampUs } from "../../db/timestamp-text.js";

/** CertificateRules are the monitor's settings that decide certificate expiry alerts. */
export interface CertificateRules {
  /** False for a paused monitor (or one no organization owns): it never alerts. */
  alerting: boolean;
  /** monitors.tls_expiry_alert_days: days left at which to alert; empty for none. */
  thresholdDays: readonly number[];
}

/**
 * CertificateState is monitor_state's record of certificate alerts: the certificate last
 * alerted on, told by its expiry (epoch microseconds), and the smallest threshold alerted for
 * it. Null both before the first alert.
 */
export interface CertificateState {
  alertedExpiresUs: bigint | null;
  alertedDays: number | null;
}

/** CertificateEvaluation is the outcome of evaluateCertificate. */
export interface CertificateEvaluation {
  state: CertificateState;
  /** The alert decided, if any: at most one per batch. */
  alert: Extract<MonitorTransition, { kind: "tls_expiry" }> | undefined;
}

const DAY_US = 86_400_000_000;

/**
 * evaluateCertificate decides a monitor's certificate expiry alert from the newest of a batch's
 * results that were counted (newer than `countedAfterUs`, the state's last check before the
 * batch), ran outside maintenance and read a certificate. Days left are counted from that
 * check. A certificate other than the one alerted on (another expiry: renewed, or another
 * server's) starts over. It alerts when the days left are at most some threshold smaller than
 * the smallest one already alerted for this certificate, once, for the smallest such threshold:
 * a monitor first seen with 2 days left and thresholds 14 and 3 alerts for 3 alone. An expired
 * certificate crosses every threshold, so it alerts unless the smallest was alerted already.
 * The state changes only when it alerts: a monitor whose checks meet two certificates in turn
 * (two servers behind one name, one renewed) does not alert again each time the older one
 * comes back. Pure: the caller holds the state's row lock and stores what this returns.
 */
export function evaluateCertificate(
  rules: CertificateRules,
  initial: CertificateState,
  results: readonly CheckResult[],
  countedAfterUs: bigint | null,
): CertificateEvaluation {
  const unchanged = { state: initial, alert: undefined };
  if (!rules.alerting || rules.thresholdDays.length === 0) return unchanged;
  let newest: { result: CheckResult; us: bigint; expiresUs: bigint } | undefined;
  for (const result of results) {
    if (result.maintenance || !result.tlsCertExpiresAt) continue;
    const us = timestampUs(result.checkedAt);
    if (countedAfterUs !== null && us <= countedAfterUs) continue;
    if (newest && us <= newest.us) continue;
    newest = { result, us, expiresUs: timestampUs(result.tlsCertExpiresAt) };
  }
  if (!newest) return unchanged;
  const daysLeft = Number(newest.expiresUs - newest.us) / DAY_US;
  const alerted = initial.alertedExpiresUs === newest.expiresUs ? initial.alertedDays : null;
  let crossed: number | undefined;
  for (const days of rules.thresholdDays) {
    if (daysLeft > days || (alerted !== null && days >= alerted)) continue;
    if (crossed === undefined || days < crossed) crossed = days;
  }
  if (crossed === undefined) return unchanged;
  return {
    state: { alertedExpiresUs: newest.expiresUs, alertedDays: crossed },
    alert: {
      kind: "tls_expiry",
      result: newest.result,
      incidentId: null,
      thresholdDays: crossed,
      expiresUs: newest.expiresUs,
    },
  };
}
