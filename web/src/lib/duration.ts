/** Seconds in each unit a duration may be written in, largest first. */
const UNITS: readonly { seconds: number; short: string; names: readonly string[] }[] = [
  { seconds: 86_400, short: "d", names: ["d", "day", "days"] },
  { seconds: 3600, short: "h", names: ["h", "hr", "hrs", "hour", "hours"] },
  { seconds: 60, short: "min", names: ["m", "min", "mins", "minute", "minutes"] },
  { seconds: 1, short: "s", names: ["s", "sec", "secs", "second", "seconds"] },
];

const PART = /(\d{1,7})(?!\d)\s*([a-z]+)/y;
const SEPARATOR = /[\s,]*/y;

/**
 * parseDuration reads a duration as people write it — "90", "90s", "5m", "5 min", "1h 30m",
 * "2 days" — into whole seconds (a bare number is seconds). Null for anything else, including
 * empty text; at most 100 characters, so no input makes it work hard.
 */
export function parseDuration(text: string): number | null {
  const input = text.trim().toLowerCase();
  if (input.length > 100) return null;
  if (/^\d{1,7}$/.test(input)) return Number(input);
  if (input === "") return null;
  let total = 0;
  let parts = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < input.length) {
    const at = PART.lastIndex;
    const match = PART.exec(input);
    if (!match || match.index !== at || ++parts > 10) return null;
    const unit = UNITS.find((u) => u.names.includes(match[2] ?? ""));
    if (!unit) return null;
    total += Number(match[1]) * unit.seconds;
    // Parts may be separated by spaces or commas.
    SEPARATOR.lastIndex = PART.lastIndex;
    SEPARATOR.exec(input);
    PART.lastIndex = SEPARATOR.lastIndex;
  }
  return total;
}

/**
 * durationInput writes a whole number of seconds for a form field, in units, leaving out those
 * that are zero: "45 s", "5 min", "1 h 30 min", "2 d", "1 h 1 s". Exact (unlike the shared
 * formatDuration, which says two units), so parseDuration reads back what was stored.
 */
export function durationInput(value: number): string {
  let rest = Math.max(0, Math.round(value));
  if (rest === 0) return "0 s";
  const parts: string[] = [];
  for (const unit of UNITS) {
    const n = Math.floor(rest / unit.seconds);
    if (n === 0) continue;
    parts.push(`${n} ${unit.short}`);
    rest -= n * unit.seconds;
  }
  return parts.join(" ");
}
