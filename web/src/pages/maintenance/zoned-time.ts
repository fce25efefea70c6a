/**
 * Wall-clock times in a named time zone, without a date library: the form types times as
 * `datetime-local` strings ("2026-03-29T02:30") in the maintenance's zone, and the API takes
 * instants. Intl knows every zone's offsets, daylight saving included.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formats.set(timeZone, format);
  }
  return format;
}

function wallParts(atMs: number, timeZone: string): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const part of formatIn(timeZone).formatToParts(new Date(atMs))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return parts;
}

/** offsetMs is how far the zone's wall clock is ahead of UTC at an instant. */
function offsetMs(atMs: number, timeZone: string): number {
  const p = wallParts(atMs, timeZone);
  const wall = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(atMs / 1000) * 1000;
}

const DAY_MS = 86_400_000;

/**
 * zonedToMs is the instant a `datetime-local` value names in a zone; undefined when it is not
 * one. As Temporal's "compatible" disambiguation: a time a daylight-saving change repeats is its
 * first occurrence, one it skips moves forward by the gap (02:30 → 03:30).
 */
export function zonedToMs(local: string, timeZone: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return undefined;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  // The zone's offsets a day either side: a change in between makes them differ.
  const before = offsetMs(wall - DAY_MS, timeZone);
  const after = offsetMs(wall + DAY_MS, timeZone);
  const instants = [wall - before, wall - after].filter((t) => offsetMs(t, timeZone) === wall - t);
  return instants.length > 0 ? Math.min(...instants) : wall - before;
}

/** msToZoned is an instant as a `datetime-local` value in a zone. */
export function msToZoned(atMs: number, timeZone: string): string {
  const p = wallParts(atMs, timeZone);
  const two = (n: number | undefined) => String(n ?? 0).padStart(2, "0");
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`;
}

/** browserTimeZone is the zone the person's browser is set to ("UTC" when it will not say). */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** timeZones are the zones the browser knows, for the form's select; UTC among them. */
export function timeZones(): string[] {
  const known =
    typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return known.includes("UTC") ? known : ["UTC", ...known];
}
