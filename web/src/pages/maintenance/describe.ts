import type { Maintenance } from "../../../../gen/pulsar/v1/maintenance_pb";

const DAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** recurrenceText says how a maintenance repeats: "Weekly, Mon and Thu at 02:00 for 60 min (Europe/Paris)". */
export function recurrenceText(maintenance: Maintenance): string {
  const spec = maintenance.spec;
  const zone = spec?.timezone || "UTC";
  const recurrence = spec?.recurrence;
  if (recurrence?.case === "weekly") {
    const days = [...recurrence.value.days]
      .sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7))
      .map((d) => DAY_NAMES[d] ?? "?");
    return `Weekly, ${days.join(", ")} at ${recurrence.value.startTime} for ${recurrence.value.durationMinutes} min (${zone})`;
  }
  if (recurrence?.case === "cron") {
    return `Cron “${recurrence.value.expression}” for ${recurrence.value.durationMinutes} min (${zone})`;
  }
  return `Once (${zone})`;
}

/** coverText says what a maintenance covers: "3 monitors, via 1 status page". */
export function coverText(maintenance: Maintenance): string {
  const monitors = maintenance.coveredMonitorIds.length;
  const pages = maintenance.spec?.statusPageIds.length ?? 0;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const covered = plural(monitors, "monitor");
  return pages > 0 ? `${covered}, with ${plural(pages, "status page")}` : covered;
}

/** windowText is a window's times in the reader's zone: "14:00–15:30", or with dates when they differ. */
export function windowText(startMs: number, endMs: number): string {
  const time: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit" };
  const start = new Date(startMs);
  const end = new Date(endMs);
  if (start.toDateString() === end.toDateString()) {
    return `${start.toLocaleTimeString(undefined, time)}–${end.toLocaleTimeString(undefined, time)}`;
  }
  const dated: Intl.DateTimeFormatOptions = { ...time, month: "short", day: "numeric" };
  return `${start.toLocaleString(undefined, dated)} – ${end.toLocaleString(undefined, dated)}`;
}
