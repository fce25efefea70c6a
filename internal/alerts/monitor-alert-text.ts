import { timestampUs } from "../db/timestamp-text.js";
import { formatDuration, waterfallShort } from "./alert-format.js";
import type { MonitorTransition } from "./monitor-transition.js";

/** MonitorInfo names the monitor in an alert. */
export interface MonitorInfo {
  name: string;
  url: string;
}

/** MonitorAlertText is what an alert says: one line, the details, and the downtime. */
export interface MonitorAlertText {
  title: string;
  message: string;
  /** For RECOVERED: seconds from the first failing check to the first successful one. */
  downtimeSeconds: number;
}

const utc = (us: bigint): string =>
  `${new Date(Number(us / 1000n)).toISOString().slice(0, 19).replace("T", " ")} UTC`;

const seconds = (from: bigint, to: bigint): number => Math.max(0, Number(to - from) / 1e6);

/**
 * monitorAlertText words a transition: "Checkout API is down", "Checkout API recovered after
 * 4 min 12 s", "Checkout API is still down (15 min)"; the message carries the error (the
 * incident's cause: the first failing check's), the deciding check's waterfall in short and,
 * on recovery, the downtime.
 */
export function monitorAlertText(
  transition: MonitorTransition,
  monitor: MonitorInfo,
): MonitorAlertText {
  const { result } = transition;
  const checkedUs = timestampUs(result.checkedAt);
  const waterfall = waterfallShort(result.timing);
  const timing = waterfall ? [`Timing: ${waterfall}`] : [];
  switch (transition.kind) {
    case "down": {
      const lines = [`Error: ${transition.cause || "(none given)"}`];
      if (result.error && result.error !== transition.cause) {
        lines.push(`Latest error: ${result.error}`);
      }
      lines.push(
        `${transition.failures} failed checks in a row, the first at ${utc(transition.startedUs)}`,
      );
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
          message: ["Up again.", ...timing].join("\n"),
          downtimeSeconds: 0,
        };
      }
      const downtime = seconds(transition.startedUs, transition.endedUs);
      const lines = [
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
          `Still down after ${down}, since ${utc(since)}.`,
          `Error: ${result.error || "(none given)"}`,
          ...timing,
        ].join("\n"),
        downtimeSeconds: 0,
      };
    }
  }
}
