import { BADGE_LABELS, type BadgeKind } from "../../shared/badge-kinds.js";
import type { BadgeFacts } from "./badge-facts.js";

/** BadgeStatus is what the status badge says. */
export type BadgeStatus = "up" | "down" | "paused" | "pending" | "maintenance";

/** BadgeContent is what a badge says, before it is drawn. */
export interface BadgeContent {
  label: string;
  message: string;
  /** A shields.io named colour (badge-maker's palette). */
  color: string;
}

const STATUS_COLORS: Readonly<Record<BadgeStatus, string>> = {
  up: "brightgreen",
  down: "red",
  paused: "lightgrey",
  pending: "lightgrey",
  maintenance: "blue",
};

const UPTIME_WINDOWS = {
  "uptime-24h": "24h",
  "uptime-7d": "7d",
  "uptime-30d": "30d",
} as const;

const NO_DATA: Omit<BadgeContent, "label"> = { message: "no data", color: "lightgrey" };

/**
 * badgeStatus is the monitor's state as the dashboard words it: paused whatever its results,
 * then maintenance while a window is open, pending before its first check, else up or down.
 */
export function badgeStatus(facts: BadgeFacts, inMaintenance: boolean): BadgeStatus {
  if (!facts.enabled) return "paused";
  if (inMaintenance) return "maintenance";
  if (facts.lastUp === null) return "pending";
  return facts.lastUp ? "up" : "down";
}

/**
 * formatUptime writes a ratio as a percentage with at most two decimals, rounded down, so
 * that a single failure never reads "100%".
 */
export function formatUptime(ratio: number): string {
  if (ratio >= 1) return "100%";
  // Rounded to 1e-6 % first: 0.999 × 100 is 99.899999… in binary floating point.
  const hundredths = Math.floor(Math.round(ratio * 1e8) / 1e4);
  return `${(hundredths / 100).toFixed(2).replace(/\.?0+$/, "")}%`;
}

/** uptimeColor grades an uptime ratio as shields.io's uptime badges do. */
export function uptimeColor(ratio: number): string {
  if (ratio >= 0.999) return "brightgreen";
  if (ratio >= 0.99) return "green";
  if (ratio >= 0.97) return "yellowgreen";
  if (ratio >= 0.95) return "yellow";
  if (ratio >= 0.9) return "orange";
  return "red";
}

/** responseTimeColor grades an average response time in milliseconds. */
export function responseTimeColor(ms: number): string {
  if (ms < 200) return "brightgreen";
  if (ms < 500) return "green";
  if (ms < 1000) return "yellow";
  if (ms < 2000) return "orange";
  return "red";
}

/**
 * badgeContent says what the badge of a kind shows for a monitor; label replaces the default
 * label when given (the empty string draws the message alone).
 */
export function badgeContent(
  kind: BadgeKind,
  facts: BadgeFacts,
  inMaintenance: boolean,
  label?: string,
): BadgeContent {
  const shown = label ?? BADGE_LABELS[kind];
  switch (kind) {
    case "status": {
      const status = badgeStatus(facts, inMaintenance);
      return { label: shown, message: status, color: STATUS_COLORS[status] };
    }
    case "response-time": {
      if (facts.responses24h === 0) return { label: shown, ...NO_DATA };
      const ms = Math.round(facts.totalMsSum24h / facts.responses24h);
      return { label: shown, message: `${ms} ms`, color: responseTimeColor(ms) };
    }
    default: {
      const counts = facts.uptime[UPTIME_WINDOWS[kind]];
      if (counts.checks === 0) return { label: shown, ...NO_DATA };
      const ratio = (counts.checks - counts.failures) / counts.checks;
      return { label: shown, message: formatUptime(ratio), color: uptimeColor(ratio) };
    }
  }
}
