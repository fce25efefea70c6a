/**
 * The DNS check: one query of one record type, judged on its answer (DnsSpec). A pure
 * function of its target and the network, like the HTTP check.
 */

export { dnsNameError, hostNameError, MAX_DNS_NAME_LENGTH } from "./dns-name.js";
export { DNS_PORT, type DnsServer, hostPort, parseDnsServer } from "./dns-server.js";
export { answerText, formatRecords, MAX_ANSWER_BYTES } from "./format-records.js";
export { DNS_RECORD_TYPES, type DnsRecordType, dnsRecordType } from "./record-types.js";
export { type DnsCheckOptions, runDnsCheck } from "./run-dns-check.js";
