/** StatusRangeInit is an inclusive range of HTTP status codes. */
export interface StatusRangeInit {
  min: number;
  max: number;
}

/** ExpectedStatusResult is the parsed ranges, or what is wrong with the text, in words. */
export type ExpectedStatusResult = { ranges: StatusRangeInit[] } | { error: string };

/** The server takes at most this many ranges. */
const MAX_RANGES = 20;
const HINT = "Use status codes and ranges such as 200-399 or 200,301-302";

/**
 * parseExpectedStatus reads "200-399", "200,301-302", "2xx, 301" into status ranges. Empty
 * text is no ranges: the server's default, 200-399.
 */
export function parseExpectedStatus(text: string): ExpectedStatusResult {
  const parts = text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
  if (parts.length > MAX_RANGES) return { error: `At most ${MAX_RANGES} ranges` };
  const ranges: StatusRangeInit[] = [];
  for (const part of parts) {
    const range = parseRange(part);
    if ("error" in range) return range;
    ranges.push(range);
  }
  return { ranges };
}

function parseRange(part: string): StatusRangeInit | { error: string } {
  const family = /^([1-5])xx$/i.exec(part);
  if (family) {
    const min = Number(family[1]) * 100;
    return { min, max: min + 99 };
  }
  const match = /^(\d{3})(?:\s*[-–]\s*(\d{3}))?$/.exec(part);
  if (!match) return { error: `"${part}" is not a status code or range. ${HINT}` };
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : Number(match[2]);
  for (const code of [min, max]) {
    if (code < 100 || code > 599) return { error: `${code} is not an HTTP status (100–599)` };
  }
  if (max < min) return { error: `${part}: the range ends before it starts` };
  return { min, max };
}

/** formatExpectedStatus writes ranges as the form shows them: "200-399" or "200, 301-302". */
export function formatExpectedStatus(ranges: readonly StatusRangeInit[]): string {
  return ranges.map((r) => (r.max === r.min ? `${r.min}` : `${r.min}-${r.max}`)).join(", ");
}
