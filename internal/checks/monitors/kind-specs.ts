import { isIP } from "node:net";
import { create } from "@bufbuild/protobuf";
import {
  type DnsSpec,
  DnsSpecSchema,
  type HeartbeatSpec,
  HeartbeatSpecSchema,
  type TcpSpec,
  TcpSpecSchema,
} from "../../../gen/pulsar/v1/check_pb.js";
import { requireCronExpression } from "../../core/cron-input.js";
import { InvalidArgumentError } from "../../core/errors.js";
import { intInRange } from "../../core/validate.js";
import { isValidTimeZone } from "../../maintenance/zoned-time.js";
import { dnsNameError, hostNameError } from "../dnsquery/dns-name.js";
import { parseDnsServer } from "../dnsquery/dns-server.js";
import { dnsRecordType } from "../dnsquery/record-types.js";
import { decodeEscapes } from "../tcp/escapes.js";

const MAX_SEND_BYTES = 4096;
const MAX_EXPECT_BYTES = 1000;
const MAX_DNS_EXPECT = 1000;
const MAX_CRON_LENGTH = 200;
/** A heartbeat's period and grace: from 10 s to 31 days. */
const MAX_HEARTBEAT_SECONDS = 31 * 86_400;
const DEFAULT_PERIOD_SECONDS = 3600;
const DEFAULT_GRACE_SECONDS = 300;

/**
 * resolveTcpSpec validates a TCP monitor's target. send and expect are measured as they will be
 * sent and matched (escapes read); a NUL cannot be stored (Postgres text) and is refused.
 */
export function resolveTcpSpec(field: string, spec: TcpSpec): TcpSpec {
  const host = hostField(`${field}.host`, spec.host);
  const port = intInRange(`${field}.port`, spec.port === 0 ? undefined : spec.port, 1, 65_535, 0);
  if (port === 0) throw new InvalidArgumentError(`${field}.port`, "is required");
  const send = escapedText(`${field}.send`, spec.send, MAX_SEND_BYTES);
  const expect = escapedText(`${field}.expect`, spec.expect, MAX_EXPECT_BYTES);
  return create(TcpSpecSchema, { host, port, tls: spec.tls, send, expect });
}

/** resolveDnsSpec validates a DNS monitor's query and expectation; the record type defaults to A. */
export function resolveDnsSpec(field: string, spec: DnsSpec): DnsSpec {
  const name = spec.name.trim();
  const nameError = dnsNameError(name);
  if (nameError !== undefined) throw new InvalidArgumentError(`${field}.name`, nameError);
  const recordType = dnsRecordType(spec.recordType.trim());
  if (recordType === undefined)
    throw new InvalidArgumentError(
      `${field}.recordType`,
      "must be one of A, AAAA, CNAME, MX, TXT, NS, SOA, CAA, SRV",
    );
  const server = spec.server.trim();
  if (server !== "") {
    const parsed = parseDnsServer(server);
    if ("error" in parsed) throw new InvalidArgumentError(`${field}.server`, parsed.error);
  }
  if (spec.expect !== undefined) {
    if (spec.expectNxdomain)
      throw new InvalidArgumentError(`${field}.expect`, "cannot be set with expectNxdomain");
    if (spec.expect.trim() === "" || spec.expect.length > MAX_DNS_EXPECT)
      throw new InvalidArgumentError(`${field}.expect`, `must be 1–${MAX_DNS_EXPECT} characters`);
    rejectControlCharacters(`${field}.expect`, spec.expect);
  } else if (spec.expectExact) {
    throw new InvalidArgumentError(`${field}.expectExact`, `needs ${field}.expect`);
  }
  return create(DnsSpecSchema, {
    name,
    recordType,
    server,
    expect: spec.expect?.trim(),
    expectExact: spec.expectExact,
    expectNxdomain: spec.expectNxdomain,
  });
}

/**
 * resolveHeartbeatSpec validates a heartbeat's schedule: a period, or a cron expression in a
 * time zone, never both; grace defaults to 5 minutes. The result has periodSeconds 0 when cron
 * is set, and graceSeconds and timezone always set.
 */
export function resolveHeartbeatSpec(field: string, spec: HeartbeatSpec): HeartbeatSpec {
  const graceSeconds = intInRange(
    `${field}.graceSeconds`,
    spec.graceSeconds,
    0,
    MAX_HEARTBEAT_SECONDS,
    DEFAULT_GRACE_SECONDS,
  );
  const timezone = spec.timezone.trim() === "" ? "UTC" : spec.timezone.trim();
  if (spec.cron.trim() === "") {
    if (spec.timezone.trim() !== "")
      throw new InvalidArgumentError(`${field}.timezone`, `is for ${field}.cron only`);
    const periodSeconds = intInRange(
      `${field}.periodSeconds`,
      spec.periodSeconds === 0 ? undefined : spec.periodSeconds,
      10,
      MAX_HEARTBEAT_SECONDS,
      DEFAULT_PERIOD_SECONDS,
    );
    return create(HeartbeatSpecSchema, { periodSeconds, graceSeconds, cron: "", timezone });
  }
  if (spec.periodSeconds !== 0)
    throw new InvalidArgumentError(`${field}.periodSeconds`, `cannot be set with ${field}.cron`);
  if (!isValidTimeZone(timezone))
    throw new InvalidArgumentError(
      `${field}.timezone`,
      "must be an IANA time zone such as Europe/Paris",
    );
  const cron = requireCronExpression(`${field}.cron`, spec.cron, timezone, MAX_CRON_LENGTH);
  return create(HeartbeatSpecSchema, { periodSeconds: 0, graceSeconds, cron, timezone });
}

/** hostField reads a host name or IP address (IPv6 with or without brackets). */
function hostField(field: string, raw: string): string {
  const trimmed = raw.trim();
  if (trimmed === "") throw new InvalidArgumentError(field, "is required");
  const bare = trimmed.startsWith("[") && trimmed.endsWith("]") ? trimmed.slice(1, -1) : trimmed;
  if (isIP(bare) !== 0) return bare;
  const error = hostNameError(bare);
  if (error !== undefined) throw new InvalidArgumentError(field, error);
  return bare.toLowerCase();
}

/** escapedText checks an optional send/expect: 1–max bytes once its escapes are read. */
function escapedText(field: string, raw: string | undefined, max: number): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.includes("\u0000")) throw new InvalidArgumentError(field, "must not contain NUL");
  const bytes = Buffer.byteLength(decodeEscapes(raw));
  if (bytes < 1 || bytes > max)
    throw new InvalidArgumentError(field, `must be 1–${max} bytes (escapes such as \\r\\n read)`);
  return raw;
}

function rejectControlCharacters(field: string, value: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw new InvalidArgumentError(field, "must not contain control characters");
}
