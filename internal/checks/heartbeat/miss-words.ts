import type { HeartbeatSpec } from "../../../gen/pulsar/v1/check_pb.js";
import { wallClockMs } from "../../maintenance/zoned-time.js";
import { graceMsOf, periodSecondsOf, timezoneOf } from "./deadline.js";

/** MissedDeadline is a heartbeat deadline that passed without a ping, as the sweeper read it. */
export interface MissedDeadline {
  spec: HeartbeatSpec;
  dueAtMs: number;
  /** A /start not followed by its end; null when none is pending. */
  startedAtMs: number | null;
  lastPingAtMs: number | null;
}

/**
 * describeMiss says why a heartbeat monitor is down, in words its owner reads in an alert:
 * "no ping within 1 h + 5 min grace (last ping 2026-12-06 10:00 UTC)", "no ping for the
 * 2026-12-06 11:00 Europe/Paris run + 5 min grace (no ping yet)", or "started at 2026-12-06
 * 10:00 UTC and did not end within 5 min". Times are in the spec's zone (UTC for a period).
 */
export function describeMiss(miss: MissedDeadline): string {
  const { spec } = miss;
  const graceMs = graceMsOf(spec);
  const zone = timezoneOf(spec);
  // The start's own deadline is what passed (its grace ended first), not the schedule's.
  // Compared in whole microseconds, as stored: the milliseconds are fractions.
  const us = (ms: number) => Math.round(ms * 1000);
  if (miss.startedAtMs !== null && us(miss.startedAtMs + graceMs) === us(miss.dueAtMs)) {
    return `started at ${formatInstant(miss.startedAtMs, zone)} and did not end within ${formatSeconds(graceMs / 1000)}`;
  }
  const grace = graceMs === 0 ? "" : ` + ${formatSeconds(graceMs / 1000)} grace`;
  const expected =
    spec.cron === ""
      ? `no ping within ${formatSeconds(periodSecondsOf(spec))}${grace}`
      : `no ping for the ${formatInstant(miss.dueAtMs - graceMs, zone)} run${grace}`;
  const last =
    miss.lastPingAtMs === null
      ? "no ping yet"
      : `last ping ${formatInstant(miss.lastPingAtMs, zone)}`;
  const started =
    miss.startedAtMs === null ? "" : `; started at ${formatInstant(miss.startedAtMs, zone)}`;
  return `${expected} (${last}${started})`;
}

/**
 * formatInstant writes an instant as its wall-clock time in timeZone and the zone's name:
 * "2026-12-06 10:00 UTC", with seconds when they are not zero ("10:00:05").
 */
export function formatInstant(ms: number, timeZone: string): string {
  const wall = new Date(wallClockMs(ms, timeZone)).toISOString();
  const seconds = wall.slice(17, 19);
  const time = seconds === "00" ? wall.slice(11, 16) : wall.slice(11, 19);
  return `${wall.slice(0, 10)} ${time} ${timeZone}`;
}

/** formatSeconds writes a duration in its largest units: "1 h", "1 h 30 min", "2 d", "45 s". */
export function formatSeconds(total: number): string {
  const units: [number, string][] = [
    [86_400, "d"],
    [3600, "h"],
    [60, "min"],
    [1, "s"],
  ];
  let rest = Math.round(total);
  const parts: string[] = [];
  for (const [size, name] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count} ${name}`);
  }
  return parts.length === 0 ? "0 s" : parts.join(" ");
}
