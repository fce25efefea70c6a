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

/** timestampUs is a Timestamp in epoch microseconds, cut as Postgres stores it. */
export function timestampUs(ts: Timestamp | undefined): bigint {
  if (!ts) throw new Error("check result without checkedAt");
  return ts.seconds * 1_000_000n + BigInt(Math.floor(ts.nanos / 1000));
}

/** usText renders epoch microseconds for a timestamptz parameter, exactly ('' for none). */
export function usText(us: bigint | null): string {
  if (us === null) return "";
  const whole = new Date(Number(us / 1000n)).toISOString().slice(0, 19);
  const micros = String(((us % 1_000_000n) + 1_000_000n) % 1_000_000n).padStart(6, "0");
  return `${whole}.${micros}Z`;
}
