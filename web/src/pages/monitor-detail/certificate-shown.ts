import type { StatTone } from "../../components/stat-card";
import { daysUntil } from "./describe";

/** CERT_WARN_DAYS is how close a certificate's expiry turns its figure to the warning colour. */
export const CERT_WARN_DAYS = 14;

/** CertificateShown is a certificate as the monitor page words it. */
export interface CertificateShown {
  /** "45 days left", "1 day left", "expired 3 d ago". */
  daysLeft: string;
  /** bad once expired, a warning under the threshold, neutral before. */
  tone: StatTone;
  /** The expiry's date in the reader's locale. */
  date: string;
  /** Its issuer's name; "—" when the check did not read one. */
  issuer: string;
}

/**
 * certificateShown words a certificate's expiry and issuer, and colours how close the expiry
 * is: the monitor's stats and each region's card say a certificate the same way.
 */
export function certificateShown(
  cert: { expiresAtMs: number; issuer: string },
  warnBelowDays: number,
  nowMs = Date.now(),
): CertificateShown {
  const days = daysUntil(cert.expiresAtMs, nowMs);
  return {
    daysLeft: days < 0 ? `expired ${-days} d ago` : `${days} ${days === 1 ? "day" : "days"} left`,
    tone: days < 0 ? "bad" : days < warnBelowDays ? "warn" : "default",
    date: new Date(cert.expiresAtMs).toLocaleDateString(),
    issuer: cert.issuer || "—",
  };
}

/**
 * warnBelowDaysOf is the days left under which a certificate is a warning: from the day the
 * monitor's first expiry alert goes out (its largest threshold in Monitor.tlsExpiryAlertDays;
 * alerts fire at that many days or fewer), or under CERT_WARN_DAYS when its expiry alerts are
 * off. The stats and every region's card colour a certificate alike.
 */
export function warnBelowDaysOf(alertDays: readonly number[] | undefined): number {
  return alertDays && alertDays.length > 0 ? Math.max(...alertDays) + 1 : CERT_WARN_DAYS;
}
