import type { Timestamp } from "@bufbuild/protobuf/wkt";

/**
 * timestampText renders a Timestamp for a timestamptz parameter, exact to the microsecond
 * (Postgres' precision; a Date would cut at the millisecond). Empty for none: the SQL turns ''
 * into NULL, since array parameters cannot carry nulls in pgtyped's types.
 */
export function timestampText(ts: Timestamp | undefined): string {
  if (!ts) return "";
  const whole = new Date(Number(ts.seconds) * 1000).toISOString().slice(0, 19);
  const micros = String(Math.floor(ts.nanos / 1000)).padStart(6, "0");
  return `${whole}.${micros}Z`;
}
