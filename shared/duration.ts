// Pure code the server and the dashboard both import: the server's alert messages and the
// dashboard's pages must word the same duration the same way, and the dashboard cannot import
// internal/ (nor may internal/ import web/). Nothing here may import anything.

const UNITS: readonly (readonly [label: string, seconds: number])[] = [
  ["d", 86_400],
  ["h", 3600],
  ["min", 60],
  ["s", 1],
];

/**
 * formatDuration says a number of seconds for people in its two largest units, rounded down:
 * "45 s", "4 min 12 s", "2 h 5 min", "1 d 1 h" (90,061 s). A second unit of zero is left out
 * ("2 h", not "2 h 0 min"); below a second, negative or not a number, it is "0 s".
 */
export function formatDuration(seconds: number): string {
  const total = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
  const first = UNITS.findIndex(([, size]) => total >= size);
  if (first === -1) return "0 s";
  const [bigLabel, bigSize] = UNITS[first] as (typeof UNITS)[number];
  const big = Math.floor(total / bigSize);
  const next = UNITS[first + 1];
  if (!next) return `${big} ${bigLabel}`;
  const [smallLabel, smallSize] = next;
  const small = Math.floor((total % bigSize) / smallSize);
  return small > 0 ? `${big} ${bigLabel} ${small} ${smallLabel}` : `${big} ${bigLabel}`;
}
