/** DNS_RECORD_TYPES are the record types a DNS monitor may query (DnsSpec.record_type). */
export const DNS_RECORD_TYPES = [
  "A",
  "AAAA",
  "CNAME",
  "MX",
  "TXT",
  "NS",
  "SOA",
  "CAA",
  "SRV",
] as const;

/** DnsRecordType is one of {@link DNS_RECORD_TYPES}. */
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

/**
 * dnsRecordType reads DnsSpec.record_type: empty is A (the contract's default), case aside;
 * undefined for a type this check does not query.
 */
export function dnsRecordType(text: string): DnsRecordType | undefined {
  if (text === "") return "A";
  const upper = text.toUpperCase();
  return DNS_RECORD_TYPES.find((type) => type === upper);
}
