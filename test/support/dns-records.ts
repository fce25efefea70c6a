// The records a TestDnsServer serves, and their wire form. Each type's data is encoded here by
// hand (RFC 1035 and the RFCs of AAAA, SRV and CAA): smaller than a dependency for nine types.

/** DNS_TYPES are the record types a TestDnsServer serves, with their codes on the wire. */
export const DNS_TYPES = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  CAA: 257,
} as const;

/** DnsType is the name of a record type a TestDnsServer serves. */
export type DnsType = keyof typeof DNS_TYPES;

/** DnsRecordSet is a name's records, by type; a type left out gets an empty answer (NODATA). */
export interface DnsRecordSet {
  A?: string[];
  /** Full or "::"-shortened IPv6 addresses. */
  AAAA?: string[];
  CNAME?: string[];
  NS?: string[];
  MX?: { priority: number; exchange: string }[];
  /** Each record's character-strings (at most 255 bytes each), in order. */
  TXT?: string[][];
  SOA?: {
    mname: string;
    rname: string;
    serial: number;
    refresh: number;
    retry: number;
    expire: number;
    minimum: number;
  }[];
  SRV?: { priority: number; weight: number; port: number; target: string }[];
  CAA?: { flags: number; tag: string; value: string }[];
}

/** DnsRecords maps a lowercase name to its records; a name listed nowhere is NXDOMAIN. */
export interface DnsRecords {
  [name: string]: DnsRecordSet;
}

/** typeName is a type code's name ("MX"), or the code itself for a type not served ("12"). */
export function typeName(code: number): string {
  return Object.entries(DNS_TYPES).find(([, c]) => c === code)?.[0] ?? String(code);
}

/** recordData encodes each of a name's records of one type as its RDATA. */
export function recordData(set: DnsRecordSet, type: string): Buffer[] {
  switch (type) {
    case "A":
      return (set.A ?? []).map(ipv4);
    case "AAAA":
      return (set.AAAA ?? []).map(ipv6);
    case "CNAME":
      return (set.CNAME ?? []).map(domainName);
    case "NS":
      return (set.NS ?? []).map(domainName);
    case "MX":
      return (set.MX ?? []).map((r) => Buffer.concat([u16(r.priority), domainName(r.exchange)]));
    case "TXT":
      return (set.TXT ?? []).map((strings) =>
        Buffer.concat(strings.map((s) => Buffer.concat([Buffer.from([s.length]), Buffer.from(s)]))),
      );
    case "SOA":
      return (set.SOA ?? []).map((r) =>
        Buffer.concat([
          domainName(r.mname),
          domainName(r.rname),
          u32(r.serial, r.refresh, r.retry, r.expire, r.minimum),
        ]),
      );
    case "SRV":
      return (set.SRV ?? []).map((r) =>
        Buffer.concat([u16(r.priority, r.weight, r.port), domainName(r.target)]),
      );
    case "CAA":
      return (set.CAA ?? []).map((r) =>
        Buffer.concat([
          Buffer.from([r.flags, r.tag.length]),
          Buffer.from(r.tag),
          Buffer.from(r.value),
        ]),
      );
    default:
      return [];
  }
}

/** domainName writes a name as its labels, uncompressed. */
function domainName(text: string): Buffer {
  const labels = text
    .split(".")
    .filter((label) => label !== "")
    .map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)]));
  return Buffer.concat([...labels, Buffer.from([0])]);
}

function ipv4(address: string): Buffer {
  return Buffer.from(address.split(".").map(Number));
}

function ipv6(address: string): Buffer {
  const [head = "", tail = ""] = address.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groups(head);
  const right = address.includes("::") ? groups(tail) : [];
  const middle = new Array<string>(8 - left.length - right.length).fill("0");
  return u16(...[...left, ...middle, ...right].map((group) => Number.parseInt(group, 16)));
}

/** u16 writes each value as two bytes, big-endian. */
export function u16(...values: number[]): Buffer {
  const bytes = Buffer.alloc(values.length * 2);
  for (const [i, v] of values.entries()) bytes.writeUInt16BE(v, i * 2);
  return bytes;
}

/** u32 writes each value as four bytes, big-endian. */
export function u32(...values: number[]): Buffer {
  const bytes = Buffer.alloc(values.length * 4);
  for (const [i, v] of values.entries()) bytes.writeUInt32BE(v, i * 4);
  return bytes;
}
