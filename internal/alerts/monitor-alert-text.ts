import { type MonitorTarget, targetWords } from "../../shared/monitor-target.js";
import { timestampUs } from "../db/timestamp-text.js";
import { formatDuration, utc, waterfallShort } from "./alert-format.js";
import type { MonitorTransition } from "./monitor-transition.js";
import { tlsExpiryText } from "./tls-expiry-text.js";

/** MonitorInfo names the monitor in an alert, and says what it checks. */
export interface MonitorInfo extends MonitorTarget {
  name: string;
}

/** MonitorAlertText is what an alert says: one line, the details, and the downtime. */
export interface MonitorAlertText {
  title: string;
  message: string;
  /** For RECOVERED: seconds from the first failing check to the first successful one. */
  downtimeSeconds: number;
}

const seconds = (from: bigint, to: bigint): number => Math.max(0, Number(to - from) / 1e6);

/**
 * streak says how many checks failed in a row since when; a heartbeat's checks are its expected
 * pings, missed (or reported failed).
 */
function streak(kind: string, failures: number, startedUs: bigint): string {
  const what = kind === "heartbeat" ? "missed or failed heartbeat" : "failed check";
  return failures === 1
    ? `1 ${what}, at ${utc(startedUs)}`
    : `${failures} ${what}s in a row, the first at ${utc(startedUs)}`;
}

/**
 * monitorAlertText words a transition: "Checkout API is down", "Checkout API recovered after
 * 4 min 12 s", "Checkout API is still down (15 min)", "Certificate of Checkout API expires in
 * 2 days"; the message says what is checked in its kind's words ("Check: tcp
 * db.example.com:5432"), then the error (the incident's cause: the first failing check's), the
 * deciding check's waterfall in short and, on recovery, the downtime.
 */
export function monitorAlertText(
  transition: MonitorTransition,
  monitor: MonitorInfo,
): MonitorAlertText {
  const { result } = transition;
  const checkedUs = timestampUs(result.checkedAt);
  const waterfall = waterfallShort(result.timing);
  const timing = waterfall ? [`Timing: ${waterfall}`] : [];
  const check = `Check: ${targetWords(monitor)}`;
  switch (transition.kind) {
    case "down": {
      const lines = [check, `Error: ${transition.cause || "(none given)"}`];
      if (result.error && result.error !== transition.cause) {
        lines.push(`Latest error: ${result.error}`);
      }
      lines.push(streak(monitor.kind, transition.failures, transition.startedUs));
      return {
        title: `${monitor.name} is down`,
        message: [...lines, ...timing].join("\n"),
        downtimeSeconds: 0,
      };
    }
    case "recovered": {
      if (transition.startedUs === null) {
        return {
          title: `${monitor.name} recovered`,
          message: [check, "Up again.", ...timing].join("\n"),
          downtimeSeconds: 0,
        };
      }
      const downtime = seconds(transition.startedUs, transition.endedUs);
      const lines = [
        check,
        `Down for ${formatDuration(downtime)}, from ${utc(transition.startedUs)} to ${utc(transition.endedUs)}.`,
      ];
      if (transition.cause) lines.push(`Cause: ${transition.cause}`);
      return {
        title: `${monitor.name} recovered after ${formatDuration(downtime)}`,
        message: [...lines, ...timing].join("\n"),
        downtimeSeconds: downtime,
      };
    }
    case "reminder": {
      const since = transition.startedUs ?? checkedUs;
      const down = formatDuration(seconds(since, checkedUs));
      return {
        title: `${monitor.name} is still down (${down})`,
        message: [
          check,
          `Still down after ${down}, since ${utc(since)}.`,
          `Error: ${result.error || "(none given)"}`,
          ...timing,
        ].join("\n"),
        downtimeSeconds: 0,
      };
    }
    case "tls_expiry":
      return { ...tlsExpiryText(transition, monitor.name, check), downtimeSeconds: 0 };
  }
}
