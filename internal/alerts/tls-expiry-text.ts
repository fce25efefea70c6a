import { timestampUs } from "../db/timestamp-text.js";
import { formatDuration, utc } from "./alert-format.js";
import type { MonitorTransition } from "./monitor-transition.js";

/** TlsExpiryTransition is a certificate that crossed one of its monitor's thresholds. */
export type TlsExpiryTransition = Extract<MonitorTransition, { kind: "tls_expiry" }>;

const DAY_SECONDS = 86_400;

/** daysWords says a time left as people count it: "2 days", "1 day", under a day "7 h 12 min". */
function daysWords(secondsLeft: number): string {
  if (secondsLeft < DAY_SECONDS) return formatDuration(secondsLeft);
  // Checks run minutes apart: the one crossing 14 days sees 13.99 of them, which is "14 days".
  const days = Math.round(secondsLeft / DAY_SECONDS);
  return days === 1 ? "1 day" : `${days} days`;
}

/**
 * tlsExpiryText words a certificate alert: "Certificate of Checkout API expires in 2 days" (or
 * "… expired" once past it), the message saying what is checked (`check`), when the certificate
 * expires or expired, who issued it and the threshold that alerted. Times left are counted from
 * the check that read the certificate.
 */
export function tlsExpiryText(
  transition: TlsExpiryTransition,
  name: string,
  check: string,
): { title: string; message: string } {
  const { result, expiresUs, thresholdDays } = transition;
  const secondsLeft = Number(expiresUs - timestampUs(result.checkedAt)) / 1e6;
  const issuer = `Issuer: ${result.tlsCertIssuer || "(not given)"}`;
  if (secondsLeft <= 0) {
    return {
      title: `Certificate of ${name} expired`,
      message: [check, `Expired: ${utc(expiresUs)} (${daysWords(-secondsLeft)} ago)`, issuer].join(
        "\n",
      ),
    };
  }
  const threshold = thresholdDays === 1 ? "1 day" : `${thresholdDays} days`;
  return {
    title: `Certificate of ${name} expires in ${daysWords(secondsLeft)}`,
    message: [
      check,
      `Expires: ${utc(expiresUs)} (${daysWords(secondsLeft)} left; alerting at ${threshold} or fewer)`,
      issuer,
    ].join("\n"),
  };
}
