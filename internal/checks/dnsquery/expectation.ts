import net from "node:net";
import { CheckErrorKind } from "../../../gen/pulsar/v1/check_pb.js";
import { type Failure, fail, quote } from "./failure.js";
import type { DnsRecordType } from "./record-types.js";

/** Expectation is what DnsSpec asks of an answer that has records. */
export interface Expectation {
  /** DnsSpec.expect; empty or undefined: any record will do. */
  readonly expect?: string | undefined;
  readonly expectExact: boolean;
}

/**
 * judgeRecords decides whether `records` (formatted, see formatRecords) of `type` for `name`
 * satisfy DnsSpec: at least one record; with expect, one record containing it (case aside);
 * with expectExact, exactly the set of its comma-separated values (order, case, spaces and a
 * name's trailing dot aside). Undefined when up; otherwise an ANSWER failure quoting the answer.
 */
export function judgeRecords(
  name: string,
  type: DnsRecordType,
  records: readonly string[],
  expectation: Expectation,
): Failure | undefined {
  if (records.length === 0) return noRecords(name, type);
  const expected = expectation.expect?.trim() ?? "";
  if (expected === "") return undefined;
  const got = `got ${quote(records.join(", "))}`;
  if (expectation.expectExact) {
    const wanted = new Set(splitValues(expected).map((v) => normalize(type, v)));
    const have = new Set(records.map((r) => normalize(type, r)));
    if (sameSet(wanted, have)) return undefined;
    return fail(
      CheckErrorKind.ANSWER,
      `expected ${type} records of ${name} to be exactly ${quote(expected)}, ${got}`,
    );
  }
  const needle = expected.toLowerCase();
  if (records.some((r) => r.toLowerCase().includes(needle))) return undefined;
  return fail(
    CheckErrorKind.ANSWER,
    `expected a ${type} record of ${name} containing ${quote(expected)}, ${got}`,
  );
}

/** noRecords is the failure of an empty answer (NODATA): the name exists, the records don't. */
export function noRecords(name: string, type: DnsRecordType): Failure {
  return fail(CheckErrorKind.ANSWER, `no ${type} records for ${name}`);
}

/** existsButNxdomainExpected is the failure of a name that exists when it should not. */
export function existsButNxdomainExpected(
  name: string,
  type: DnsRecordType,
  records: readonly string[],
): Failure {
  const what =
    records.length === 0 ? `no ${type} records` : `${type}: ${quote(records.join(", "))}`;
  return fail(CheckErrorKind.ANSWER, `${name} exists (${what}), expected NXDOMAIN`);
}

function splitValues(expected: string): string[] {
  return expected
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

/** Types whose data are names, where "mail.example.com." and "mail.example.com" are one. */
const NAMED = new Set<DnsRecordType>(["CNAME", "MX", "NS", "SOA", "SRV"]);

/**
 * normalize makes a value comparable with a record: lowercase, spaces collapsed (not in TXT,
 * whose spaces are data), names' trailing dots dropped, IPv6 addresses in their short form.
 */
function normalize(type: DnsRecordType, value: string): string {
  const lower = value.trim().toLowerCase();
  if (type === "TXT") return lower;
  const spaced = lower.replace(/\s+/g, " ");
  if (NAMED.has(type)) return spaced.replace(/\.(?= |$)/g, "");
  return type === "AAAA" ? shortIpv6(spaced) : spaced;
}

/** shortIpv6 writes an IPv6 address as Node gives answers: "2001:db8::1", not "2001:0db8:0::1". */
function shortIpv6(value: string): string {
  if (!net.isIPv6(value)) return value;
  try {
    return new net.SocketAddress({ address: value, family: "ipv6" }).address;
  } catch {
    return value; // a form inet_pton refuses (a zone id): compared as written
  }
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((v) => b.has(v));
}
