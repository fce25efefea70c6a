/** The server takes at most this many thresholds, each 1–365 days. */
const MAX_THRESHOLDS = 5;
const MAX_DAYS = 365;

/**
 * parseTlsExpiryDays reads "14, 3" into the days before expiry to alert at, largest first.
 * Empty text is none: the server's default, 14 and 3.
 */
export function parseTlsExpiryDays(text: string): { days: number[] } | { error: string } {
  const parts = text
    .split(/[\s,]+/)
    .map((part) => part.trim())
    .filter((part) => part !== "");
  if (parts.length > MAX_THRESHOLDS) return { error: `At most ${MAX_THRESHOLDS} thresholds` };
  const days: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) < 1 || Number(part) > MAX_DAYS) {
      return { error: `"${part}" is not a number of days from 1 to ${MAX_DAYS}` };
    }
    if (!days.includes(Number(part))) days.push(Number(part));
  }
  return { days: days.sort((a, b) => b - a) };
}
