import type { DnsSpec } from "../../../gen/pulsar/v1/check_pb.js";
import { CheckErrorKind } from "../../../gen/pulsar/v1/check_pb.js";
import { dnsNameError } from "./dns-name.js";
import { type DnsServer, parseDnsServer } from "./dns-server.js";
import { type Failure, fail, quote } from "./failure.js";
import { type DnsRecordType, dnsRecordType } from "./record-types.js";

/** Query is a DnsSpec read for asking: its record type and server parsed. */
export interface Query {
  readonly spec: DnsSpec;
  readonly type: DnsRecordType;
  /** The monitor's own server; undefined: the worker's resolvers. */
  readonly server: DnsServer | undefined;
}

/**
 * readQuery reads a target's DnsSpec, or says why no query can be made of it (a spec the
 * validator would have refused).
 */
export function readQuery(spec: DnsSpec | undefined): Query | { failure: Failure } {
  if (spec === undefined) return { failure: invalid("not a DNS check (no dns spec)") };
  const type = dnsRecordType(spec.recordType);
  if (type === undefined) {
    return { failure: invalid(`unsupported record type ${quote(spec.recordType)}`) };
  }
  const nameError = dnsNameError(spec.name);
  if (nameError !== undefined) return { failure: invalid(`the name ${nameError}`) };
  if (spec.server === "") return { spec, type, server: undefined };
  const server = parseDnsServer(spec.server);
  if ("error" in server) return { failure: invalid(`the DNS server ${server.error}`) };
  return { spec, type, server };
}

/** invalid is the failure of a target no query can be made of (the validator's job, mostly). */
function invalid(words: string): Failure {
  return fail(CheckErrorKind.UNSPECIFIED, `invalid DNS check: ${words}`);
}
