import type { Json } from "./monitors.queries.js";

/** StatusRangeJson is one element of monitors.expected_status. */
export interface StatusRangeJson {
  min: number;
  max: number;
}

const isObject = (value: Json): value is { [key: string]: Json } =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * headersFromJson reads monitors.headers. Only this package writes the column, so anything that
 * is not a string value is a bug elsewhere; it is dropped rather than failing every read.
 */
export function headersFromJson(value: Json): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!isObject(value)) return headers;
  for (const [name, header] of Object.entries(value)) {
    if (typeof header === "string") headers[name] = header;
  }
  return headers;
}

/** statusRangesFromJson reads monitors.expected_status, keeping well-formed ranges only. */
export function statusRangesFromJson(value: Json): StatusRangeJson[] {
  if (!Array.isArray(value)) return [];
  const ranges: StatusRangeJson[] = [];
  for (const range of value) {
    if (isObject(range) && typeof range.min === "number" && typeof range.max === "number") {
      ranges.push({ min: range.min, max: range.max });
    }
  }
  return ranges;
}
